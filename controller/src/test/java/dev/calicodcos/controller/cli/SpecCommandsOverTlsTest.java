package dev.calicodcos.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.kvstore.EtcdClients;
import dev.calicodcos.kvstore.EtcdKvStore;
import dev.calicodcos.model.Specs;
import dev.calicodcos.testkit.EtcdServer;
import dev.calicodcos.testkit.TestCertificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI against an etcd that requires TLS client certificates. */
@Tag("integration")
class SpecCommandsOverTlsTest {
    @TempDir
    static Path certDir;

    private static TestCertificates certs;
    private static EtcdServer etcd;

    private final Cli cli = new Cli(options -> new EtcdKvStore(EtcdClients.connect(options), Duration.ofSeconds(5)));

    @BeforeAll
    static void startEtcdWithTls() {
        certs = TestCertificates.generate(certDir);
        etcd = EtcdServer.start(certs);
    }

    @AfterAll
    static void stopEtcd() {
        etcd.close();
    }

    @Test
    void applyAndGetWorkWithAClientCertificate(@TempDir Path dir) throws IOException {
        Path spec = Files.writeString(dir.resolve("c.yaml"), Specs.exampleText("tls.yaml"));
        String[] tls = {"--etcd-endpoints", etcd.endpoint(), "--etcd-cacert", certs.caCert().toString(),
                "--etcd-cert", certs.clientCert().toString(), "--etcd-key", certs.clientKey().toString()};

        Cli.Run apply = cli.run(concat(new String[] {"apply", "-f", spec.toString()}, tls));
        Cli.Run get = cli.run(concat(new String[] {"get", "--cluster", "secure"}, tls));

        assertThat(apply.err()).isEmpty();
        assertThat(apply.out()).isEqualTo("calicocluster/secure created\n");
        assertThat(get.out()).contains("https://master-1.example.com:2379");
    }

    @Test
    void withoutAClientCertificateTheServerRefusesAndTheErrorIsOneLine(@TempDir Path dir) throws IOException {
        Path spec = Files.writeString(dir.resolve("c.yaml"), Specs.MINIMAL_YAML);
        Cli quick = new Cli(options -> new EtcdKvStore(EtcdClients.connect(options), Duration.ofSeconds(2)));

        Cli.Run run = quick.run("apply", "-f", spec.toString(), "--etcd-endpoints", etcd.endpoint(),
                "--etcd-cacert", certs.caCert().toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).startsWith("error: etcd").doesNotContain("\tat ");
    }

    @Test
    void aCertificateWithoutItsKeyIsRefusedBeforeConnecting() {
        Cli.Run run = cli.run("get", "--etcd-endpoints", etcd.endpoint(), "--etcd-cert", certs.clientCert().toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("error: --etcd-cert and --etcd-key must be given together\n");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
