package dev.calicodcos.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.controller.cli.CalicoDcos;
import dev.calicodcos.demo.DemoCluster;
import dev.calicodcos.kvstore.EtcdClients;
import dev.calicodcos.kvstore.EtcdKvStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** The CLI in-process against a demo cluster's etcd. */
final class Cli {
    private Cli() {}

    static String run(DemoCluster demo, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--etcd-endpoints", demo.etcdEndpoint()));
        StringWriter out = new StringWriter();
        CommandLine cl = CalicoDcos.commandLine(new CalicoDcos(o -> new EtcdKvStore(EtcdClients.connect(o), Duration.ofSeconds(10))));
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(out));
        int code = cl.execute(all.toArray(String[]::new));
        assertThat(code).as("calico-dcos %s: %s", String.join(" ", args), out).isZero();
        return out.toString();
    }
}
