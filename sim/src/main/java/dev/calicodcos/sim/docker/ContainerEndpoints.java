package dev.calicodcos.sim.docker;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a running container serves on its agent's host, by its image's behaviour and its environment (pure).
 *
 * <ul>
 *   <li>calico/node, Felix's health server (libcalico-go {@code lib/health/health.go} as vendored by Felix 2.6:
 *       {@code GET /readiness} and {@code /liveness} answer 204 with no body when good, 503 when bad; Felix
 *       2.6 {@code config/config_params.go}: {@code HealthEnabled} default false, {@code HealthPort} default
 *       9099, read from {@code FELIX_*} variables whatever their case). Felix listens on every address
 *       ({@code :9099}); here on the agent's loopback stand-in.</li>
 *   <li>calico/node, BIRD: {@code bird -s /var/run/calico/bird.ctl}, a bind mount of the host's
 *       {@code /var/run/calico}, when the backend is {@code bird} (calicoctl's default). Its greeting is
 *       {@code 0001 BIRD 1.6.3 ready.}.</li>
 *   <li>calico/libnetwork-plugin v1.1.3 ({@code main.go}: {@code ServeUnix("calico")} and
 *       {@code ServeUnix("calico-ipam")}; go-plugins-helpers {@code sdk/handler.go} at the vendored commit
 *       61cb8e2: {@code /run/docker/plugins/<name>.sock}, {@code /Plugin.Activate} answered for any method
 *       with {@code Content-Type: application/vnd.docker.plugins.v1.1+json} and the manifest line
 *       {@code {"Implements": ["NetworkDriver"]}} or {@code ["IpamDriver"]}).</li>
 * </ul>
 */
final class ContainerEndpoints {
    static final int FELIX_DEFAULT_HEALTH_PORT = 9099;
    static final String BIRD_GREETING = "0001 BIRD 1.6.3 ready.\n";
    static final String PLUGIN_CONTENT_TYPE = "application/vnd.docker.plugins.v1.1+json";
    static final Path BIRD_SOCKET = Path.of("var/run/calico/bird.ctl");
    static final Path PLUGIN_DIR = Path.of("run/docker/plugins");

    private ContainerEndpoints() {}

    /**
     * @param env      the container's environment
     * @param hostRoot the agent's host root (where bind-mounted host paths are)
     * @param loopback the agent's stand-in for {@code 127.0.0.1}
     */
    static List<HostEndpoint> of(ImageBehaviour behaviour, Map<String, String> env, Path hostRoot, String loopback) {
        List<HostEndpoint> out = new ArrayList<>();
        switch (behaviour) {
            case NODE_READY, NODE_NEVER_READY -> {
                boolean ready = behaviour == ImageBehaviour.NODE_READY;
                if (felixBool(env, "HEALTHENABLED", false)) {
                    out.add(new HostEndpoint(new HostEndpoint.Tcp(loopback, felixHealthPort(env)),
                            new HostEndpoint.Http(request -> felixHealth(request, ready))));
                }
                if (ready && env.getOrDefault("CALICO_NETWORKING_BACKEND", "bird").equals("bird")) {
                    out.add(new HostEndpoint(new HostEndpoint.Unix(hostRoot.resolve(BIRD_SOCKET)),
                            new HostEndpoint.Greeting(BIRD_GREETING)));
                }
            }
            case LIBNETWORK_PLUGIN -> {
                out.add(plugin(hostRoot, "calico", "NetworkDriver"));
                out.add(plugin(hostRoot, "calico-ipam", "IpamDriver"));
            }
            case PLAIN, CRASH_LOOP -> { }
        }
        return out;
    }

    private static HostEndpoint plugin(Path hostRoot, String name, String driver) {
        String manifest = "{\"Implements\": [\"" + driver + "\"]}\n";
        return new HostEndpoint(new HostEndpoint.Unix(hostRoot.resolve(PLUGIN_DIR).resolve(name + ".sock")),
                new HostEndpoint.Http(request -> request.path().equals("/Plugin.Activate")
                        ? new HostEndpoint.Response(200, PLUGIN_CONTENT_TYPE, manifest) : HostEndpoint.Response.goNotFound()));
    }

    /** Felix's health handlers answer any method; a bad state is 503, a good one 204. */
    private static HostEndpoint.Response felixHealth(HostEndpoint.Request request, boolean ready) {
        return switch (request.path()) {
            case "/readiness" -> HostEndpoint.Response.empty(ready ? 204 : 503);
            case "/liveness" -> HostEndpoint.Response.empty(204);
            default -> HostEndpoint.Response.goNotFound();
        };
    }

    /** A {@code FELIX_<name>} variable, any case; Felix's boolean words; an unparsable value keeps the default. */
    static boolean felixBool(Map<String, String> env, String name, boolean otherwise) {
        return felixValue(env, name).map(v -> switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "y", "t" -> true;
            case "false", "0", "no", "n", "f" -> false;
            default -> otherwise;
        }).orElse(otherwise);
    }

    /** {@code FELIX_HEALTHPORT}: Go's {@code ParseInt(raw, 0, 64)} (so {@code 0x} and leading-0 octal), 1 to 65535. */
    static int felixHealthPort(Map<String, String> env) {
        return felixValue(env, "HEALTHPORT").map(v -> {
            try {
                String s = v.trim();
                int port = s.startsWith("0x") || s.startsWith("0X") ? Integer.parseInt(s.substring(2), 16)
                        : s.length() > 1 && s.startsWith("0") ? Integer.parseInt(s.substring(1), 8) : Integer.parseInt(s);
                return port >= 1 && port <= 65535 ? port : FELIX_DEFAULT_HEALTH_PORT;
            } catch (NumberFormatException e) {
                return FELIX_DEFAULT_HEALTH_PORT;
            }
        }).orElse(FELIX_DEFAULT_HEALTH_PORT);
    }

    private static java.util.Optional<String> felixValue(Map<String, String> env, String name) {
        return env.entrySet().stream().filter(e -> e.getKey().toUpperCase(Locale.ROOT).equals("FELIX_" + name))
                .map(Map.Entry::getValue).reduce((first, last) -> last);
    }
}
