package dev.calicodcos.model.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.model.Specs;
import dev.calicodcos.model.spec.CalicoCluster;
import dev.calicodcos.model.spec.EtcdProxyStep;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SpecReaderTest {

    @ParameterizedTest
    @ValueSource(strings = {"minimal.yaml", "full.yaml", "tls.yaml"})
    void publishedExamplesAreValidWithoutWarnings(String example) {
        ReadResult result = Specs.read(Specs.exampleText(example));

        assertThat(result).isInstanceOf(ReadResult.Valid.class);
        assertThat(result.problems()).isEmpty();
    }

    @Test
    void minimalSpecGetsEveryStepEnabledWithDefaults() {
        CalicoCluster cluster = Specs.minimal();

        assertThat(cluster.name()).isEqualTo("default");
        assertThat(cluster.spec().rollout().maxConcurrentRestarts()).isEqualTo(1);
        assertThat(cluster.spec().rollout().restartTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(cluster.spec().etcd().endpoints()).containsExactly("http://127.0.0.1:2379");
        assertThat(cluster.spec().etcd().tls()).isEmpty();
        assertThat(cluster.spec().etcdProxy().mode()).isEqualTo(EtcdProxyStep.Mode.GATEWAY);
        assertThat(cluster.spec().dockerClusterStore().clusterStore()).isEmpty();
        assertThat(cluster.spec().node().image()).isEqualTo("calico/node:v2.6.12");
        assertThat(List.of(cluster.spec().etcdProxy().enabled(), cluster.spec().dockerClusterStore().enabled(),
                cluster.spec().cni().enabled(), cluster.spec().libnetwork().enabled(), cluster.spec().node().enabled()))
                .containsOnly(true);
    }

    @Test
    void tlsExampleBindsTlsFiles() {
        CalicoCluster cluster = Specs.parse(Specs.exampleText("tls.yaml"));

        assertThat(cluster.spec().etcd().tls()).isPresent();
        assertThat(cluster.spec().etcd().tls().get().caFile()).contains("/etc/calico/certs/ca.pem");
        assertThat(cluster.spec().etcdProxy().upstreamTls()).isEqualTo(Optional.empty());
    }

    @Test
    void everyViolationIsReportedWithItsLine() {
        ReadResult result = Specs.read(Specs.withSpec("""
                rollout:
                  maxConcurrentRestarts: 0
                  paused: "no"
                node:
                  image: calico/node:v2.6.12
                  colour: blue
                """));

        assertThat(result).isInstanceOf(ReadResult.Invalid.class);
        assertThat(result.problems()).extracting(p -> p.format("f.yaml")).containsExactlyInAnyOrder(
                "f.yaml:7:5: spec.rollout.maxConcurrentRestarts: must be ≥ 1",
                "f.yaml:8:5: spec.rollout.paused: must be a boolean, not a string",
                "f.yaml:11:5: spec.node.colour: unknown field");
    }

    @Test
    void semanticRulesRunOnlyOnSchemaValidDocumentsAndNameTheField() {
        ReadResult result = Specs.read(Specs.withSpec("""
                etcd:
                  endpoints: [https://etcd-1:2379]
                  tls:
                    certFile: /etc/calico/cert.pem
                node:
                  image: Calico/Node:latest
                """));

        assertThat(result.problems()).extracting(Problem::text).contains(
                "spec.etcd.tls.keyFile: is required when certFile is given",
                "spec.node.image: is not a valid image reference (expected [registry/]repository[:tag][@sha256:digest], lower-case repository)");
    }

    @Test
    void warningsDoNotMakeASpecInvalid() {
        ReadResult result = Specs.read(Specs.withSpec("""
                etcdProxy:
                  enabled: false
                """));

        assertThat(result).isInstanceOf(ReadResult.Valid.class);
        assertThat(result.problems()).extracting(Problem::text)
                .containsExactly("spec.etcd.endpoints: point at loopback but spec.etcdProxy is disabled: something else must serve etcd on every agent");
    }

    @Test
    void statusInAnAppliedDocumentIsIgnored() {
        CalicoCluster cluster = Specs.parse(Specs.MINIMAL_YAML + "status:\n  anything: 1\n");

        assertThat(cluster.status()).isNull();
    }
}
