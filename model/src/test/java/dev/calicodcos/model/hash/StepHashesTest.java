package dev.calicodcos.model.hash;

import static dev.calicodcos.model.spec.StepName.CNI;
import static dev.calicodcos.model.spec.StepName.DOCKER_CLUSTER_STORE;
import static dev.calicodcos.model.spec.StepName.ETCD_PROXY;
import static dev.calicodcos.model.spec.StepName.LIBNETWORK;
import static dev.calicodcos.model.spec.StepName.NODE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.model.Specs;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.spec.StepName;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** For every spec field: which steps' hashes a change to it changes (and so which steps re-run). */
class StepHashesTest {
    private static final Set<StepName> NONE = EnumSet.noneOf(StepName.class);
    private static final Set<StepName> ETCD_USERS = EnumSet.of(DOCKER_CLUSTER_STORE, CNI, LIBNETWORK, NODE);
    private static final String TLS = """
            etcd:
              endpoints: [https://etcd-1:2379]
              tls: {caFile: /ca.pem, certFile: /c.pem, keyFile: /k.pem}
            """;

    private final StepHashes hashes = new StepHashes(new SpecCodec());

    static Stream<Arguments> changes() {
        return Stream.of(
                Arguments.of("", "agents:\n  roles: [slave_public]", NONE),
                Arguments.of("", "agents:\n  attributes: {rack: r2}", NONE),
                Arguments.of("", "agents:\n  exclude: [a1]", NONE),
                Arguments.of("", "rollout:\n  maxConcurrentRestarts: 5", NONE),
                Arguments.of("", "rollout:\n  maxFailedAgents: 5", NONE),
                Arguments.of("", "rollout:\n  restartTimeout: 1m", NONE),
                Arguments.of("", "rollout:\n  stabilityPeriod: 1m", NONE),
                Arguments.of("", "rollout:\n  paused: true", NONE),
                Arguments.of("", "etcd:\n  endpoints: [http://127.0.0.1:2379, http://127.0.0.2:2379]", ETCD_USERS),
                Arguments.of(TLS, TLS.replace("/ca.pem", "/ca2.pem"), ETCD_USERS),
                Arguments.of(TLS, TLS.replace("/c.pem", "/c2.pem"), ETCD_USERS),
                Arguments.of(TLS, TLS.replace("/k.pem", "/k2.pem"), ETCD_USERS),
                Arguments.of("", "etcdProxy:\n  enabled: false", EnumSet.of(ETCD_PROXY)),
                Arguments.of("", "etcdProxy:\n  mode: v2proxy", EnumSet.of(ETCD_PROXY)),
                Arguments.of("", "etcdProxy:\n  discoverySrv: etcd.example.com", EnumSet.of(ETCD_PROXY)),
                Arguments.of("", "etcdProxy:\n  upstreamEndpoints: [http://10.0.0.1:2379]", EnumSet.of(ETCD_PROXY)),
                Arguments.of("", "etcdProxy:\n  listenAddress: 127.0.0.1:2379\n  upstreamTls: {caFile: /ca.pem}", EnumSet.of(ETCD_PROXY)),
                Arguments.of("", "etcdProxy:\n  binary: {path: /usr/bin/etcd}", EnumSet.of(ETCD_PROXY)),
                Arguments.of("", "etcdProxy:\n  binary: {url: 'file:///usr/bin/etcd'}", EnumSet.of(ETCD_PROXY)),
                Arguments.of("", "etcdProxy:\n  binary: {sha256: " + "a".repeat(64) + "}", EnumSet.of(ETCD_PROXY)),
                Arguments.of("", "etcdProxy:\n  resources: {cpus: 0.5, memMb: 128}", EnumSet.of(ETCD_PROXY)),
                Arguments.of("", "dockerClusterStore:\n  enabled: false", EnumSet.of(DOCKER_CLUSTER_STORE)),
                Arguments.of("", "dockerClusterStore:\n  clusterStore: etcd://10.0.0.1:2379", EnumSet.of(DOCKER_CLUSTER_STORE)),
                Arguments.of("", "dockerClusterStore:\n  clusterAdvertise: eth0:2376", EnumSet.of(DOCKER_CLUSTER_STORE)),
                Arguments.of("", "dockerClusterStore:\n  applyMethod: restart", EnumSet.of(DOCKER_CLUSTER_STORE)),
                Arguments.of("", "dockerClusterStore:\n  takeOver: true", EnumSet.of(DOCKER_CLUSTER_STORE)),
                Arguments.of("", "dockerClusterStore:\n  daemonConfig: /etc/docker/other.json", EnumSet.of(DOCKER_CLUSTER_STORE)),
                Arguments.of("", "cni:\n  enabled: false", EnumSet.of(CNI)),
                Arguments.of("", "cni:\n  pluginsDir: /opt/cni/bin", EnumSet.of(CNI)),
                Arguments.of("", "cni:\n  configDir: /etc/cni/net.d", EnumSet.of(CNI)),
                Arguments.of("", "cni:\n  plugins:\n    calico: {url: 'https://example.com/calico'}", EnumSet.of(CNI)),
                Arguments.of("", "cni:\n  plugins:\n    calicoIpam: {url: 'https://example.com/calico-ipam', sha256: " + "b".repeat(64) + "}", EnumSet.of(CNI)),
                Arguments.of("", "cni:\n  networkName: calico-2", EnumSet.of(CNI)),
                Arguments.of("", "cni:\n  mtu: 1440", EnumSet.of(CNI)),
                Arguments.of("", "cni:\n  logLevel: DEBUG", EnumSet.of(CNI)),
                Arguments.of("", "cni:\n  ipam: {assignIpv6: true}", EnumSet.of(CNI)),
                Arguments.of("", "cni:\n  ipam: {ipv4Pools: [10.0.0.0/16]}", EnumSet.of(CNI)),
                Arguments.of("", "cni:\n  agentRestart: always", EnumSet.of(CNI)),
                Arguments.of("", "libnetwork:\n  enabled: false", EnumSet.of(LIBNETWORK)),
                Arguments.of("", "libnetwork:\n  image: calico/libnetwork-plugin:v1.1.2", EnumSet.of(LIBNETWORK)),
                Arguments.of("", "libnetwork:\n  privileged: false", EnumSet.of(LIBNETWORK)),
                Arguments.of("", "node:\n  enabled: false", EnumSet.of(NODE)),
                Arguments.of("", "node:\n  image: calico/node:v2.6.11", EnumSet.of(NODE)),
                Arguments.of("", "node:\n  privileged: false", EnumSet.of(NODE)),
                Arguments.of("", "node:\n  ignoreLooseRpf: false", EnumSet.of(NODE)),
                Arguments.of("", "node:\n  ipDetection: first-found", EnumSet.of(NODE)),
                Arguments.of("", "node:\n  env: {CALICO_IPV4POOL_IPIP: always}", EnumSet.of(NODE)),
                Arguments.of("", "node:\n  resources: {cpus: 1, memMb: 256}", EnumSet.of(NODE)),
                // An explicit cluster store no longer follows the etcd endpoints.
                Arguments.of("dockerClusterStore:\n  clusterStore: etcd://10.0.0.1:2379",
                        "dockerClusterStore:\n  clusterStore: etcd://10.0.0.1:2379\netcd:\n  endpoints: [http://127.0.0.2:2379]",
                        EnumSet.of(CNI, LIBNETWORK, NODE)),
                // Settings of a disabled step re-run nothing.
                Arguments.of("node:\n  enabled: false", "node:\n  enabled: false\n  image: calico/node:v9", NONE),
                // Writing a default explicitly changes nothing.
                Arguments.of("", "node:\n  image: calico/node:v2.6.12\nrollout:\n  restartTimeout: 300s", NONE));
    }

    @ParameterizedTest(name = "{1} changes {2}")
    @MethodSource("changes")
    void aChangeRerunsExactlyTheStepsThatReadTheField(String before, String after, Set<StepName> expected) {
        Map<StepName, String> old = hashes.of(Specs.parse(Specs.withSpec(before)).spec());
        Map<StepName, String> now = hashes.of(Specs.parse(Specs.withSpec(after)).spec());

        Set<StepName> changed = old.keySet().stream().filter(s -> !old.get(s).equals(now.get(s)))
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(StepName.class)));
        assertThat(changed).isEqualTo(expected);
    }

    /** A controller upgrade that changed these would re-run every step on every agent of an unchanged spec. */
    @Test
    void theHashesOfTheDefaultSpecDoNotChangeBetweenReleases() {
        assertThat(hashes.of(Specs.minimal().spec())).containsExactlyInAnyOrderEntriesOf(Map.of(
                ETCD_PROXY, "167e5006507a7309b3703d3a647c813e42aa787aee768a6b9fa1ff3bd7a59385",
                DOCKER_CLUSTER_STORE, "e69a665d6da3e279842636896a39e3bd3b8f7cd0767a3b5c49f3c653533af1d2",
                CNI, "fa67efb2e38ae29787e100cacfa4eafc5016421b8c8a206a5359744f8a4a2027",
                LIBNETWORK, "22ec36ef7d375b2a0c57379465920f014078b3975e01178f2a2f835ccbbe1c73",
                NODE, "eabd768dc0abf27fc3cc3d439249e741e911e1ac13a29c00c3047aaad9aab9e4"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("changes")
    void hashesAreSha256HexAndStable(String before, String ignored, Set<StepName> alsoIgnored) {
        var spec = Specs.parse(Specs.withSpec(before)).spec();

        assertThat(hashes.of(spec)).isEqualTo(hashes.of(spec));
        assertThat(hashes.of(spec).values()).allMatch(h -> h.matches("[0-9a-f]{64}"));
    }
}
