package dev.calicodcos.model.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.model.Specs;
import org.junit.jupiter.api.Test;

/** A plain http:// download must name its checksum: nothing else proves the file is the one meant. */
class DownloadSpecTest {
    private static final String SHA = "a".repeat(64);

    @Test
    void aPlainHttpPluginWithoutAChecksumIsRejectedNamingTheFieldAndLine() {
        ReadResult read = Specs.read(Specs.withSpec("cni:\n  plugins:\n    calico: {url: \"http://artifacts.internal/calico\"}\n"));

        assertThat(read.problems()).extracting(p -> p.format("f.yaml")).containsExactly(
                "f.yaml:8:7: spec.cni.plugins.calico.sha256: is required with a plain http:// url: nothing else proves the file is the one meant");
    }

    @Test
    void aPlainHttpEtcdBinaryWithoutAChecksumIsRejected() {
        ReadResult read = Specs.read(Specs.withSpec("etcdProxy:\n  binary: {url: \"http://artifacts.internal/etcd.tar.gz\"}\n"));

        assertThat(read.problems()).extracting(p -> p.format("f.yaml")).singleElement().asString()
                .contains("spec.etcdProxy.binary.sha256: is required with a plain http:// url");
    }

    @Test
    void httpWithAChecksumAndHttpsOrFileWithoutOneAreAccepted() {
        assertThat(Specs.read(Specs.withSpec("cni:\n  plugins:\n    calico: {url: \"http://a/calico\", sha256: \"" + SHA + "\"}\n")).problems()).isEmpty();
        assertThat(Specs.read(Specs.withSpec("cni:\n  plugins:\n    calico: {url: \"https://a/calico\"}\n")).problems()).isEmpty();
        assertThat(Specs.read(Specs.withSpec("etcdProxy:\n  binary: {url: \"file:///opt/etcd\"}\n")).problems()).isEmpty();
    }
}
