package dev.calicodcos.reconcilers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.model.Specs;
import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.model.spec.CalicoClusterSpec;
import dev.calicodcos.model.spec.Resources;
import dev.calicodcos.reconcilers.cni.CniDesired;
import dev.calicodcos.reconcilers.cni.CniReconciler;
import dev.calicodcos.reconcilers.container.ContainerDesired;
import dev.calicodcos.reconcilers.container.LibnetworkReconciler;
import dev.calicodcos.reconcilers.container.NodeReconciler;
import dev.calicodcos.reconcilers.container.ReadinessCheck;
import dev.calicodcos.reconcilers.docker.DockerClusterStoreReconciler;
import dev.calicodcos.reconcilers.docker.DockerStoreDesired;
import dev.calicodcos.reconcilers.host.StepFailure;
import java.util.Map;
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
    void calicoNodeIsRunAsCalicoctlNodeRunWithoutDockerNetworkingRunsIt() {
        ContainerDesired node = NodeReconciler.render(spec("node: {env: {CALICO_IPV4POOL_CIDR: 10.32.0.0/16}}"), facts(Optional.empty()));

        assertThat(node.env()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "NODENAME", "agent-1",
                "CALICO_NETWORKING_BACKEND", "bird",
                "CALICO_LIBNETWORK_ENABLED", "false",
                "ETCD_ENDPOINTS", "http://127.0.0.1:2379",
                "IP", "10.0.0.5",
                "FELIX_IGNORELOOSERPF", "true",
                "FELIX_HEALTHENABLED", "true",
                "CALICO_IPV4POOL_CIDR", "10.32.0.0/16"));
        assertThat(node.binds()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "/var/log/calico", "/var/log/calico",
                "/var/run/calico", "/var/run/calico",
                "/lib/modules", "/lib/modules",
                "/run", "/run"));
        assertThat(node.privileged()).isTrue();
        assertThat(node.networkMode()).isEqualTo("host");
        assertThat(node.restartPolicy()).isEqualTo("always");
        assertThat(node.limits()).as("Felix is not capped unless the spec asks").isEmpty();
    }

    @Test
    void calicoNodeTakesTlsFilesOneByOneAndLimitsOnlyWhenGiven() {
        ContainerDesired node = NodeReconciler.render(spec(TLS + "node: {resources: {cpus: 0.5, memMb: 300}}"), facts(Optional.empty()));

        assertThat(node.env()).containsEntry("ETCD_CA_CERT_FILE", "/etc/calico/certs/ca_cert.crt")
                .containsEntry("ETCD_CERT_FILE", "/etc/calico/certs/cert.crt").containsEntry("ETCD_KEY_FILE", "/etc/calico/certs/key.pem");
        assertThat(node.binds()).containsEntry("/etc/calico/ca.pem", "/etc/calico/certs/ca_cert.crt")
                .containsEntry("/etc/calico/cert.pem", "/etc/calico/certs/cert.crt")
                .containsEntry("/etc/calico/key.pem", "/etc/calico/certs/key.pem");
        assertThat(node.limits()).contains(new Resources(0.5, 300));
    }

    @Test
    void aUserMayChooseAnotherNetworkingBackendButNotTheManagedVariables() {
        ContainerDesired node = NodeReconciler.render(spec("node: {env: {CALICO_NETWORKING_BACKEND: none}}"), facts(Optional.empty()));

        assertThat(node.env()).containsEntry("CALICO_NETWORKING_BACKEND", "none");
    }

    @Test
    void theLibnetworkPluginRunsAsItsReadmeSaysWithTheNodeNameInHostname() {
        ContainerDesired plugin = LibnetworkReconciler.render(spec("{}"), facts(Optional.empty()));

        assertThat(plugin.env()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "ETCD_ENDPOINTS", "http://127.0.0.1:2379",
                "HOSTNAME", "agent-1",
                "CALICO_LIBNETWORK_HOSTNAME", "agent-1"));
        assertThat(plugin.binds()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "/run/docker/plugins", "/run/docker/plugins",
                "/var/run/docker.sock", "/var/run/docker.sock"));
        assertThat(plugin.privileged()).isTrue();
        assertThat(plugin.networkMode()).isEqualTo("host");
        assertThat(plugin.restartPolicy()).isEqualTo("always");
        assertThat(plugin.limits()).isEmpty();
    }

    @Test
    void theSameNodeNameGoesToCalicoNodeTheCniConfigAndLibnetwork() {
        AgentFacts named = new AgentFacts("ip-10-0-0-5.unresolvable", Optional.of("10.0.0.5"), Optional.empty(), Optional.of("1.4.0"),
                Optional.empty(), false, false);

        assertThat(NodeReconciler.render(spec("{}"), named).env()).containsEntry("NODENAME", "ip-10-0-0-5.unresolvable");
        assertThat(CniReconciler.render(spec("{}"), named).config().get("nodename").asText()).isEqualTo("ip-10-0-0-5.unresolvable");
        assertThat(LibnetworkReconciler.render(spec("{}"), named).env()).containsEntry("HOSTNAME", "ip-10-0-0-5.unresolvable")
                .containsEntry("CALICO_LIBNETWORK_HOSTNAME", "ip-10-0-0-5.unresolvable");
    }

    @Test
    void withoutADetectedIpCalicoNodeIsNotRenderedWithAGuess() {
        AgentFacts noIp = new AgentFacts("agent-1", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false, false);

        assertThatThrownBy(() -> NodeReconciler.render(spec("{}"), noIp))
                .isInstanceOf(StepFailure.class).hasMessageContaining("detect_ip");
        assertThat(NodeReconciler.render(spec("node: {ipDetection: \"can-reach=10.0.0.1\"}"), noIp).env())
                .containsEntry("IP", "autodetect").containsEntry("IP_AUTODETECTION_METHOD", "can-reach=10.0.0.1");
        assertThat(NodeReconciler.render(spec("node: {ipDetection: first-found}"), noIp).env())
                .as("calicoctl leaves its default method out").containsEntry("IP", "autodetect").doesNotContainKey("IP_AUTODETECTION_METHOD");
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
    void calicoNodeIsJudgedByFelixReadinessAndBirdsControlSocket() {
        ContainerDesired node = NodeReconciler.render(spec("node: {env: {FELIX_HEALTHENABLED: \"false\"}}"), facts(Optional.empty()));

        assertThat(node.env()).as("the gate needs Felix's health endpoint").containsEntry("FELIX_HEALTHENABLED", "true");
        assertThat(NodeReconciler.readiness(node.env())).containsExactly(
                new ReadinessCheck.HttpGet(9099, "/readiness", "Felix readiness"),
                new ReadinessCheck.SocketGreeting("/var/run/calico/bird.ctl", "0001 ", "BIRD control socket"));
    }

    @Test
    void withoutBirdOrWithAnotherHealthPortTheChecksFollowTheEnvironment() {
        assertThat(NodeReconciler.readiness(Map.of("FELIX_HEALTHENABLED", "true", "FELIX_HEALTHPORT", "9199",
                "CALICO_NETWORKING_BACKEND", "none")))
                .containsExactly(new ReadinessCheck.HttpGet(9199, "/readiness", "Felix readiness"));
        assertThat(NodeReconciler.readiness(Map.of("NODENAME", "agent-1")))
                .as("a container from before the gate existed is judged by running alone").isEmpty();
    }
}
