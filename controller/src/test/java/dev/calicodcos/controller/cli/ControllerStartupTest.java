package dev.calicodcos.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.calicodcos.controller.store.InitialSpec;
import dev.calicodcos.kvstore.EtcdClients;
import dev.calicodcos.kvstore.EtcdKvStore;
import dev.calicodcos.kvstore.EtcdOptions;
import dev.calicodcos.kvstore.KvStore;
import dev.calicodcos.model.ClusterKeys;
import dev.calicodcos.model.Specs;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.validation.SpecReader;
import dev.calicodcos.testkit.EtcdServer;
import dev.calicodcos.testkit.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the controller command does before it starts: the initial spec, the DC/OS CA. */
class ControllerStartupTest {

    @Test
    @Tag("integration")
    void theInitialSpecIsStoredOnceAndNeverOverwritesOneAlreadyStored() {
        SpecReader reader = new SpecReader(new SpecCodec());
        String prefix = "/init-" + UUID.randomUUID();
        try (EtcdServer etcd = EtcdServer.start();
             KvStore kv = new EtcdKvStore(EtcdClients.connect(EtcdOptions.plain(etcd.endpoint())), Duration.ofSeconds(5))) {
            byte[] first = Specs.MINIMAL_YAML.getBytes(StandardCharsets.UTF_8);
            byte[] second = Specs.withSpec("cni:\n  mtu: 1440\n").getBytes(StandardCharsets.UTF_8);

            assertThat(InitialSpec.store(kv, prefix, reader, first)).isEqualTo(new InitialSpec.Outcome.Stored("default"));
            assertThat(InitialSpec.store(kv, prefix, reader, second)).isEqualTo(new InitialSpec.Outcome.AlreadyStored("default"));
            assertThat(kv.get(new ClusterKeys(prefix, "default").spec()).orElseThrow().value()).isEqualTo(first);
            assertThat(InitialSpec.store(kv, prefix + "x", reader, "kind: [".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(InitialSpec.Outcome.Invalid.class);
            assertThat(kv.get(new ClusterKeys(prefix + "x", "default").spec())).isEmpty();
        }
    }

    @Test
    @Tag("integration")
    void theDcosCaBundleIsTrustedAndNothingElse(@TempDir Path dir) throws Exception {
        TestCertificates certs = TestCertificates.generate(dir);
        X509Certificate server = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(certs.serverCert()));

        TrustedCa ca = TrustedCa.fromPem(certs.caCert());

        ca.trustManager().checkServerTrusted(new X509Certificate[] {server}, "RSA");
        TestCertificates other = TestCertificates.generate(Files.createDirectory(dir.resolve("other")));
        X509Certificate stranger = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(other.serverCert()));
        assertThatThrownBy(() -> ca.trustManager().checkServerTrusted(new X509Certificate[] {stranger}, "RSA"))
                .isInstanceOf(java.security.cert.CertificateException.class);
        assertThatThrownBy(() -> TrustedCa.fromPem(Files.writeString(dir.resolve("empty.pem"), "")))
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void everyCommandHasHelp() {
        Cli cli = new Cli(options -> {
            throw new AssertionError("help must not connect");
        });
        for (String command : new String[] {"validate", "apply", "get", "diff", "status", "pause", "resume", "controller", "node", "completion"}) {
            Cli.Run run = cli.run(command, "--help");
            assertThat(run.exitCode()).as(command).isZero();
            assertThat(run.out()).as(command).contains("Usage: calico-dcos " + command);
        }
    }
}
