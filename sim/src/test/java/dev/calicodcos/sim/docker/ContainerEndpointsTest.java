package dev.calicodcos.sim.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a running container serves on its host, by image behaviour and environment (pure). */
class ContainerEndpointsTest {
    private static final Path ROOT = Path.of("/sim/agents/a/root");
    private static final String LOOPBACK = "127.9.0.3";

    private static List<String> addresses(ImageBehaviour behaviour, Map<String, String> env) {
        return ContainerEndpoints.of(behaviour, env, ROOT, LOOPBACK).stream().map(e -> e.address().toString()).toList();
    }

    private static HostEndpoint.Response ask(ImageBehaviour behaviour, Map<String, String> env, String path) {
        HostEndpoint.Http http = (HostEndpoint.Http) ContainerEndpoints.of(behaviour, env, ROOT, LOOPBACK).get(0).responder();
        return http.handler().apply(new HostEndpoint.Request("GET", path));
    }

    @Test
    void calicoNodeServesFelixHealthOnlyWhenEnabledAndBirdUnlessAnotherBackendIsChosen() {
        assertThat(addresses(ImageBehaviour.NODE_READY, Map.of()))
                .containsExactly("unix /sim/agents/a/root/var/run/calico/bird.ctl");
        assertThat(addresses(ImageBehaviour.NODE_READY, Map.of("FELIX_HEALTHENABLED", "true", "CALICO_NETWORKING_BACKEND", "bird")))
                .containsExactly("tcp 127.9.0.3:9099", "unix /sim/agents/a/root/var/run/calico/bird.ctl");
        assertThat(addresses(ImageBehaviour.NODE_READY, Map.of("felix_HealthEnabled", "yes", "FELIX_HEALTHPORT", "9199",
                "CALICO_NETWORKING_BACKEND", "gobgp"))).containsExactly("tcp 127.9.0.3:9199");
        assertThat(addresses(ImageBehaviour.NODE_READY, Map.of("FELIX_HEALTHENABLED", "false"))).hasSize(1);
    }

    @Test
    void felixAnswers204WhenReadyAndLiveAnd503ForReadinessOfANeverReadyNode() {
        Map<String, String> env = Map.of("FELIX_HEALTHENABLED", "true");

        assertThat(ask(ImageBehaviour.NODE_READY, env, "/readiness")).isEqualTo(HostEndpoint.Response.empty(204));
        assertThat(ask(ImageBehaviour.NODE_READY, env, "/liveness")).isEqualTo(HostEndpoint.Response.empty(204));
        assertThat(ask(ImageBehaviour.NODE_NEVER_READY, env, "/readiness")).isEqualTo(HostEndpoint.Response.empty(503));
        assertThat(ask(ImageBehaviour.NODE_NEVER_READY, env, "/liveness")).isEqualTo(HostEndpoint.Response.empty(204));
        assertThat(ask(ImageBehaviour.NODE_READY, env, "/metrics").status()).isEqualTo(404);
        assertThat(addresses(ImageBehaviour.NODE_NEVER_READY, env)).containsExactly("tcp 127.9.0.3:9099");
    }

    @Test
    void felixHealthPortIsReadAsGoParsesIntegersAndFallsBackToTheDefault() {
        assertThat(ContainerEndpoints.felixHealthPort(Map.of("FELIX_HEALTHPORT", "0x2384"))).isEqualTo(9092);
        assertThat(ContainerEndpoints.felixHealthPort(Map.of("FELIX_HEALTHPORT", "70000"))).isEqualTo(9099);
        assertThat(ContainerEndpoints.felixHealthPort(Map.of("FELIX_HEALTHPORT", "x"))).isEqualTo(9099);
    }

    @Test
    void crashLoopAndPlainImagesServeNothing() {
        Map<String, String> env = Map.of("FELIX_HEALTHENABLED", "true");

        assertThat(addresses(ImageBehaviour.CRASH_LOOP, env)).isEmpty();
        assertThat(addresses(ImageBehaviour.PLAIN, env)).isEmpty();
    }

    @Test
    void libnetworkPluginActivatesOnItsTwoSocketsAsGoPluginsHelpersAnswers() {
        List<HostEndpoint> endpoints = ContainerEndpoints.of(ImageBehaviour.LIBNETWORK_PLUGIN, Map.of(), ROOT, LOOPBACK);

        assertThat(endpoints).extracting(e -> e.address().toString()).containsExactly(
                "unix /sim/agents/a/root/run/docker/plugins/calico.sock", "unix /sim/agents/a/root/run/docker/plugins/calico-ipam.sock");
        assertThat(((HostEndpoint.Http) endpoints.get(0).responder()).handler().apply(new HostEndpoint.Request("POST", "/Plugin.Activate")))
                .isEqualTo(new HostEndpoint.Response(200, "application/vnd.docker.plugins.v1.1+json",
                        "{\"Implements\": [\"NetworkDriver\"]}\n"));
        assertThat(((HostEndpoint.Http) endpoints.get(1).responder()).handler().apply(new HostEndpoint.Request("POST", "/Plugin.Activate"))
                .body()).isEqualTo("{\"Implements\": [\"IpamDriver\"]}\n");
    }

    @Test
    void aUnixSocketPathLongerThanSockaddrUnHoldsIsAProblemNamingIt() {
        Path deep = Path.of("/" + "d".repeat(90));

        List<HostEndpoint> endpoints = ContainerEndpoints.of(ImageBehaviour.LIBNETWORK_PLUGIN, Map.of(), deep, LOOPBACK);

        assertThat(endpoints.get(1).problem()).hasValueSatisfying(p -> assertThat(p)
                .contains(deep + "/run/docker/plugins/calico-ipam.sock").contains("more than the 107"));
        assertThat(ContainerEndpoints.of(ImageBehaviour.LIBNETWORK_PLUGIN, Map.of(), ROOT, LOOPBACK).get(1).problem()).isEmpty();
    }
}
