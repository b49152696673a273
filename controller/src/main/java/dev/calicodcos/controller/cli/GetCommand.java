package dev.calicodcos.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.kvstore.Versioned;
import dev.calicodcos.model.spec.CalicoCluster;
import dev.calicodcos.controller.store.SpecStore;
import dev.calicodcos.model.validation.Problem;
import dev.calicodcos.model.validation.ReadResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "get", description = "Print the stored CalicoCluster with every default filled in, and its status when there is one.")
final class GetCommand extends EtcdCommand {

    enum Format { yaml, json }

    @Option(names = {"-o", "--output"}, defaultValue = "yaml", description = "yaml or json (default ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = out();
        PrintWriter err = err();
        try (KvStore kv = connect()) {
            SpecStore store = new SpecStore(kv, etcd.keys());
            Optional<Versioned> stored = store.get();
            if (stored.isEmpty()) {
                err.println("error: calicocluster/" + etcd.cluster + " not found at " + etcd.keys().spec());
                err.flush();
                return ExitCode.FAILED;
            }
            ReadResult result = app.reader.read(stored.get().value());
            if (!(result instanceof ReadResult.Valid valid)) {
                err.println("error: the stored spec at " + etcd.keys().spec() + " is invalid; as stored:");
                result.problems().forEach(p -> err.println(p.format(etcd.keys().spec())));
                err.flush();
                out.print(new String(stored.get().value(), StandardCharsets.UTF_8));
                out.flush();
                return ExitCode.FAILED;
            }
            CalicoCluster document = valid.cluster().withStatus(store.status().map(this::readStatus).orElse(null));
            out.print(format == Format.json ? app.codec.toJson(document) + "\n" : app.codec.toYaml(document));
            out.flush();
            for (Problem warning : result.problems()) {
                err.println(warning.format(etcd.keys().spec()));
            }
            err.flush();
            return ExitCode.OK;
        }
    }

    private JsonNode readStatus(Versioned status) {
        try {
            return app.codec.json().readTree(status.value());
        } catch (IOException e) {
            return app.codec.json().getNodeFactory().textNode("unreadable status: " + e.getMessage());
        }
    }
}
