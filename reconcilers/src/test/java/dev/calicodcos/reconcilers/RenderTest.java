package dev.calicodcos.reconcilers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.model.Specs;
import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.spec.CalicoClusterSpec;
import dev.calicodcos.reconcilers.cni.CniDesired;
import dev.calicodcos.reconcilers.cni.CniReconciler;
import dev.calicodcos.reconcilers.container.ContainerDesired;
import dev.calicodcos.reconcilers.container.NodeReconciler;
import dev.calicodcos.reconcilers.docker.DockerClusterStoreReconciler;
import dev.calicodcos.reconcilers.docker.DockerStoreDesired;
import dev.calicodcos.reconcilers.etcdproxy.EtcdProxyDesired;
import dev.calicodcos.reconcilers.etcdproxy.EtcdProxyReconciler;
import dev.calicodcos.reconcilers.host.StepFailure;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The pure render functions: spec + agent facts → desired state and hash. */
class RenderTest {
    private final ObjectMapper json = new ObjectMapper();

    static AgentFacts facts(Optional<String> mesosVersion) {
        return new AgentFacts("agent-1", Optional.of("10.0.0.5"), Optional.of("20.10.24"), mesosVersion,
                Optional.of("1.11.0"), false, false);
    }

    static CalicoClusterSpec spec(String yaml) {
        return Specs.parse(Specs.withSpec(yaml)).spec();
    }

    private static final String TLS = """
            etcd:
              endpoints: ["https://e1:2379", "https://e2:2379"]
              tls: {caFile: /etc/calico/ca.pem, certFile: /etc/calico/cert.pem, keyFile: /etc/calico/key.pem}
            """;

    @Test
    void aV2ProxyLetsEtcdDiscoverThePeersThroughSrvItself() {
        EtcdProxyDesired desired = EtcdProxyReconciler.render(spec("etcdProxy: {mode: v2proxy, discoverySrv: etcd.example.com}"),
                facts(Optional.empty()), List.of(), "/opt/calico-dcos/bin/etcd");

        assertThat(desired.argv()).contains("--proxy=on", "--discovery-srv=etcd.example.com", "--listen-client-urls=http://127.0.0.1:2379")
                .noneMatch(a -> a.startsWith("--initial-cluster"));
    }

    @Test
    void theClusterStoreIsDerivedFromTheEtcdEndpointsWithTlsOptions() throws Exception {
        DockerStoreDesired desired = DockerClusterStoreReconciler.render(spec(TLS), facts(Optional.empty()));

        assertThat(desired.keys()).isEqualTo(json.readTree("""
                {"cluster-store": "etcd://e1:2379,e2:2379",
                 "cluster-store-opts": {"kv.cacertfile": "/etc/calico/ca.pem", "kv.certfile": "/etc/calico/cert.pem",
                                        "kv.keyfile": "/etc/calico/key.pem"}}
                """));
    }

    @Test
    void anExplicitClusterStoreWins() {
        DockerStoreDesired desired = DockerClusterStoreReconciler.render(
                spec("dockerClusterStore: {clusterStore: \"etcd://10.0.0.1:2379\", clusterAdvertise: \"eth0:2376\"}"),
                facts(Optional.empty()));

        assertThat(desired.clusterStore()).isEqualTo("etcd://10.0.0.1:2379");
        assertThat(desired.key("cluster-advertise").asText()).isEqualTo("eth0:2376");
    }

    @Test
    void theCniConfigCarriesTlsFilesAndTheNodeNameAndNoCniVersion() {
        CniDesired desired = CniReconciler.render(spec(TLS), facts(Optional.of("1.4.0")));

        assertThat(desired.config().has("cniVersion")).isFalse();
        assertThat(desired.config().get("etcd_endpoints").asText()).isEqualTo("https://e1:2379,https://e2:2379");
        assertThat(desired.config().get("etcd_ca_cert_file").asText()).isEqualTo("/etc/calico/ca.pem");
        assertThat(desired.config().get("etcd_key_file").asText()).isEqualTo("/etc/calico/key.pem");
        assertThat(desired.config().get("nodename").asText()).isEqualTo("agent-1");
        assertThat(desired.restartUnit()).isEmpty();
    }

    @Test
    void onlyMesosBefore12NeedsAnAgentRestartUnlessTheSpecSaysOtherwise() {
        assertThat(CniReconciler.render(spec("{}"), facts(Optional.of("1.0.1"))).restartUnit()).contains("dcos-mesos-slave");
        assertThat(CniReconciler.render(spec("{}"), facts(Optional.of("1.2.0"))).restartUnit()).isEmpty();
        assertThat(CniReconciler.render(spec("cni: {agentRestart: always}"), facts(Optional.of("1.9.0"))).restartUnit())
                .contains("dcos-mesos-slave");
        assertThat(CniReconciler.render(spec("cni: {agentRestart: never}"), facts(Optional.of("1.0.1"))).restartUnit()).isEmpty();
    }

    @Test
    void calicoNodeGetsTheDetectedIpAndLooseRpfTolerance() {
        ContainerDesired node = NodeReconciler.render(spec("{}"), facts(Optional.empty()));

        assertThat(node.env()).containsEntry("IP", "10.0.0.5").containsEntry("FELIX_IGNORELOOSERPF", "true")
                .containsEntry("NODENAME", "agent-1").containsEntry("ETCD_ENDPOINTS", "http://127.0.0.1:2379");
        assertThat(node.privileged()).isTrue();
    }

    @Test
    void withoutADetectedIpCalicoNodeIsNotRenderedWithAGuess() {
        AgentFacts noIp = new AgentFacts("agent-1", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false, false);

        assertThatThrownBy(() -> NodeReconciler.render(spec("{}"), noIp))
                .isInstanceOf(StepFailure.class).hasMessageContaining("detect_ip");
        assertThat(NodeReconciler.render(spec("node: {ipDetection: \"can-reach=10.0.0.1\"}"), noIp).env())
                .containsEntry("IP", "autodetect").containsEntry("IP_AUTODETECTION_METHOD", "can-reach=10.0.0.1");
    }

    @Test
    void aSpecChangeChangesOnlyTheHashesOfTheStepsThatReadIt() {
        CalicoClusterSpec before = spec("cni: {mtu: 1500}");
        CalicoClusterSpec after = spec("cni: {mtu: 1440}");
        AgentFacts facts = facts(Optional.of("1.4.0"));

        assertThat(CniReconciler.render(after, facts).hash()).isNotEqualTo(CniReconciler.render(before, facts).hash());
        assertThat(DockerClusterStoreReconciler.render(after, facts).hash()).isEqualTo(DockerClusterStoreReconciler.render(before, facts).hash());
        assertThat(NodeReconciler.render(after, facts).hash()).isEqualTo(NodeReconciler.render(before, facts).hash());
    }

    @Test
    void theGatewayListensWhereTheSpecSaysAndForwardsToTheUpstream() {
        EtcdProxyDesired desired = EtcdProxyReconciler.render(spec("etcdProxy: {listenAddress: \"127.0.0.1:2379\"}"),
                facts(Optional.empty()), List.of("http://10.0.0.1:2379", "http://10.0.0.2:2379"), "/opt/calico-dcos/bin/etcd");

        assertThat(desired.argv()).containsExactly("/opt/calico-dcos/bin/etcd", "gateway", "start",
                "--listen-addr=127.0.0.1:2379", "--endpoints=10.0.0.1:2379,10.0.0.2:2379");
    }
}
