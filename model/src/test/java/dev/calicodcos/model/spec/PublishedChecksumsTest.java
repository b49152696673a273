package dev.calicodcos.model.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.model.Specs;
import org.junit.jupiter.api.Test;

class PublishedChecksumsTest {
    @Test
    void theDefaultEtcdReleaseIsVerifiedAgainstItsPublishedChecksum() {
        EtcdBinary binary = Specs.minimal().spec().etcdProxy().binary();

        assertThat(binary.sha256()).as("the spec pins nothing").isEmpty();
        assertThat(PublishedChecksums.of(binary.url())).hasValue("f0c53075564c1b98f5e6b1c009dd5c55b911fae1fe4993913246e8d2c8976651");
    }

    @Test
    void theDefaultCniPluginsHaveNoPublishedChecksumAndAnyOtherUrlHasNone() {
        CniStep cni = Specs.minimal().spec().cni();

        assertThat(PublishedChecksums.of(cni.plugins().calico().url())).isEmpty();
        assertThat(PublishedChecksums.of("https://mirror.example.com/etcd-v3.4.23-linux-amd64.tar.gz")).isEmpty();
    }
}
