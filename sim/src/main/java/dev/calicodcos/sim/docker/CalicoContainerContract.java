package dev.calicodcos.sim.docker;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What Calico's containers need to work, checked on {@code POST /containers/create} (pure but for the
 * host file check). A create that breaks a rule is refused with 400 naming the rule and its source, so
 * that a container that would start but not work on a real agent fails a test here.
 *
 * <p>Sources:
 * <ul>
 *   <li>calico/node: calicoctl v1.6.5 {@code calicoctl/commands/node/run.go} (github:projectcalico/calicoctl),
 *       lines 228-234 (node name defaults to the host name), 249-253 (NODENAME, CALICO_NETWORKING_BACKEND,
 *       CALICO_LIBNETWORK_ENABLED), 215 (backend values), 302-313 (volumes: log dir on /var/log/calico,
 *       /var/run/calico, /lib/modules, /run for the xtables lock; /run/docker/plugins and
 *       /var/run/docker.sock with libnetwork), 315-330 (ETCD_ENDPOINTS and the TLS files mounted at the
 *       paths the ETCD_*_FILE variables name), 338-344 ({@code --net=host --privileged}, {@code
 *       --restart=always}, or {@code --rm} with {@code --init-system}; no pid mode);
 *       calico/node v2.6 {@code calico_node/startup/startup.go determineNodeName()}: NODENAME, else
 *       HOSTNAME, else the kernel host name.</li>
 *   <li>calico/libnetwork-plugin v1.1.3 (github:projectcalico/libnetwork-plugin): {@code README.md} lines
 *       34-41 ({@code --net=host}, {@code --privileged}, {@code -v /run/docker/plugins:/run/docker/plugins},
 *       {@code -v /var/run/docker.sock:/var/run/docker.sock}); {@code utils/os/utils.go} lines 5-13 (the
 *       node name is HOSTNAME, else {@code os.Hostname()}, which under {@code --net=host} is the kernel
 *       host name Docker gives the container).</li>
 * </ul>
 */
final class CalicoContainerContract {
    static final String RUN_GO = "calicoctl v1.6.5 calicoctl/commands/node/run.go";
    static final String README = "libnetwork-plugin v1.1.3 README.md";
    static final String UTILS_GO = "libnetwork-plugin v1.1.3 utils/os/utils.go:5-13";
    static final String STARTUP_GO = "calico/node v2.6 calico_node/startup/startup.go determineNodeName()";

    /** The two Calico images the contract knows. */
    enum Kind {
        NODE("calico/node"), LIBNETWORK("calico/libnetwork-plugin");

        final String repository;

        Kind(String repository) {
            this.repository = repository;
        }
    }

    /** An existing Calico container: its kind, name and effective Calico node name. */
    record Existing(Kind kind, String name, String nodeName) {}

    private CalicoContainerContract() {}

    /** {@code calico/node} or {@code calico/libnetwork-plugin} behind any registry, with any tag or digest. */
    static Optional<Kind> kind(String image) {
        String repo = image;
        int at = repo.indexOf('@');
        if (at >= 0) {
            repo = repo.substring(0, at);
        }
        int slash = repo.lastIndexOf('/');
        int colon = repo.lastIndexOf(':');
        if (colon > slash) {
            repo = repo.substring(0, colon);
        }
        String[] parts = repo.split("/");
        if (parts.length > 2 && (parts[0].contains(".") || parts[0].contains(":") || parts[0].equals("localhost"))) {
            repo = repo.substring(parts[0].length() + 1);
        } else if (parts.length == 3 && parts[0].equals("docker.io")) {
            repo = repo.substring("docker.io/".length());
        }
        for (Kind k : Kind.values()) {
            if (repo.equals(k.repository)) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    /**
     * The first rule the create breaks, as the 400 message; empty when it keeps the contract.
     *
     * @param body           the create body (config with {@code HostConfig})
     * @param hostRoot       the agent's host root: bind sources may be written with or without it
     * @param kernelHostname what {@code --net=host} containers get as their host name
     */
    static Optional<String> check(Kind kind, JsonNode body, Path hostRoot, String kernelHostname, List<Existing> existing) {
        List<String> problems = new ArrayList<>();
        JsonNode host = body.path("HostConfig");
        Map<String, String> env = env(body);
        Map<String, String> binds = binds(host, hostRoot);
        String prefix = kind.repository + " contract: ";
        if (!host.path("NetworkMode").asText("").equals("host")) {
            problems.add(kind == Kind.NODE ? "HostConfig.NetworkMode must be \"host\" (" + RUN_GO + ":338 --net=host)"
                    : "HostConfig.NetworkMode must be \"host\" (" + README + ":35,37 --net=host)");
        }
        if (!host.path("Privileged").asBoolean(false)) {
            problems.add(kind == Kind.NODE ? "HostConfig.Privileged must be true (" + RUN_GO + ":338 --privileged)"
                    : "HostConfig.Privileged must be true (" + README + ":35,38 --privileged)");
        }
        if (kind == Kind.NODE) {
            node(host, env, binds, problems);
        } else {
            requireBind(binds, "/run/docker/plugins", "/run/docker/plugins", README + ":35,40", problems);
            requireBind(binds, "/var/run/docker.sock", "/var/run/docker.sock", README + ":35,41", problems);
        }
        tlsFiles(env, binds, hostRoot, kind == Kind.NODE ? RUN_GO + ":320-330" : RUN_GO + ":320-330 (same files)", problems);
        if (problems.isEmpty()) {
            String mine = nodeName(kind, env, kernelHostname);
            for (Existing other : existing) {
                if (other.kind() != kind && !other.nodeName().equals(mine)) {
                    problems.add(kind == Kind.NODE
                            ? "the node name " + describe(kind, env, mine) + " differs from " + other.name() + "'s node name '"
                              + other.nodeName() + "' (HOSTNAME, else the kernel host name; " + UTILS_GO + "; " + STARTUP_GO + ")"
                            : "the node name " + describe(kind, env, mine) + " differs from " + other.name() + "'s node name '"
                              + other.nodeName() + "' (NODENAME, else HOSTNAME, else the kernel host name; " + STARTUP_GO + "; "
                              + UTILS_GO + ")");
                }
            }
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(prefix + problems.get(0));
    }

    /** The Calico node name the container will use. */
    static String nodeName(Kind kind, Map<String, String> env, String kernelHostname) {
        if (kind == Kind.NODE && !env.getOrDefault("NODENAME", "").isEmpty()) {
            return env.get("NODENAME");
        }
        String hostname = env.getOrDefault("HOSTNAME", "");
        return hostname.isEmpty() ? kernelHostname : hostname;
    }

    private static void node(JsonNode host, Map<String, String> env, Map<String, String> binds, List<String> problems) {
        boolean restartAlways = host.path("RestartPolicy").path("Name").asText("").equals("always");
        if (!restartAlways && !host.path("AutoRemove").asBoolean(false)) {
            problems.add("HostConfig.RestartPolicy.Name must be \"always\" (or AutoRemove with an init system) ("
                    + RUN_GO + ":340-344 --restart=always)");
        }
        if (!host.path("PidMode").asText("").isEmpty()) {
            problems.add("HostConfig.PidMode must not be set (" + RUN_GO + ":338-344 sets none)");
        }
        if (env.getOrDefault("NODENAME", "").isEmpty()) {
            problems.add("Env NODENAME must be set (" + RUN_GO + ":228-234,249-250)");
        }
        if (env.getOrDefault("ETCD_ENDPOINTS", "").isEmpty()) {
            problems.add("Env ETCD_ENDPOINTS must be set (" + RUN_GO + ":315-319)");
        }
        String backend = env.get("CALICO_NETWORKING_BACKEND");
        if (backend != null && !backend.matches("none|bird|gobgp")) {
            problems.add("Env CALICO_NETWORKING_BACKEND must be bird, gobgp or none, not '" + backend + "' (" + RUN_GO + ":215)");
        }
        if (!binds.containsKey("/var/log/calico")) {
            problems.add("a bind on /var/log/calico (the log dir) is missing (" + RUN_GO + ":303)");
        }
        requireBind(binds, "/var/run/calico", "/var/run/calico", RUN_GO + ":304", problems);
        requireBind(binds, "/lib/modules", "/lib/modules", RUN_GO + ":305", problems);
        requireBind(binds, "/run", "/run", RUN_GO + ":306 (the xtables lock)", problems);
        if ("true".equals(env.get("CALICO_LIBNETWORK_ENABLED"))) {
            requireBind(binds, "/run/docker/plugins", "/run/docker/plugins", RUN_GO + ":309-313", problems);
            requireBind(binds, "/var/run/docker.sock", "/var/run/docker.sock", RUN_GO + ":309-313", problems);
        }
    }

    /** ETCD_CA_CERT_FILE, ETCD_CERT_FILE, ETCD_KEY_FILE name container paths that are mounts of existing host files. */
    private static void tlsFiles(Map<String, String> env, Map<String, String> binds, Path hostRoot, String source,
                                 List<String> problems) {
        if (env.containsKey("ETCD_CERT_FILE") != env.containsKey("ETCD_KEY_FILE")) {
            problems.add("Env ETCD_CERT_FILE and ETCD_KEY_FILE go together (" + source + ")");
        }
        for (String variable : List.of("ETCD_CA_CERT_FILE", "ETCD_CERT_FILE", "ETCD_KEY_FILE")) {
            String target = env.get(variable);
            if (target == null) {
                continue;
            }
            String sourcePath = binds.get(normalize(target));
            if (sourcePath == null) {
                problems.add("Env " + variable + "=" + target + " is not a mounted file: bind the host file there (" + source + ")");
            } else if (!Files.isRegularFile(onHost(sourcePath, hostRoot))) {
                problems.add("the host file " + sourcePath + " mounted for " + variable + " does not exist (Docker would create"
                        + " an empty directory in its place) (" + source + ")");
            }
        }
    }

    private static void requireBind(Map<String, String> binds, String hostPath, String containerPath, String source,
                                    List<String> problems) {
        String actual = binds.get(normalize(containerPath));
        if (actual == null || !normalize(actual).equals(normalize(hostPath))) {
            problems.add("a bind " + hostPath + ":" + containerPath + " is missing" + (actual == null ? "" : " (found "
                    + actual + ":" + containerPath + ")") + " (" + source + ")");
        }
    }

    private static String describe(Kind kind, Map<String, String> env, String name) {
        if (kind == Kind.NODE && !env.getOrDefault("NODENAME", "").isEmpty()) {
            return "'" + name + "' (NODENAME)";
        }
        return "'" + name + "' (" + (env.getOrDefault("HOSTNAME", "").isEmpty() ? "the kernel host name" : "HOSTNAME") + ")";
    }

    static Map<String, String> env(JsonNode body) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode e : body.path("Env")) {
            String s = e.asText();
            int eq = s.indexOf('=');
            if (eq > 0) {
                env.put(s.substring(0, eq), s.substring(eq + 1));
            }
        }
        return env;
    }

    /** Container path → host path (as written, host root prefix dropped), from {@code Binds} and bind {@code Mounts}. */
    static Map<String, String> binds(JsonNode host, Path hostRoot) {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode b : host.path("Binds")) {
            String[] parts = b.asText().split(":");
            if (parts.length >= 2) {
                out.put(normalize(parts[1]), withoutRoot(parts[0], hostRoot));
            }
        }
        for (JsonNode m : host.path("Mounts")) {
            if (m.path("Type").asText("bind").equals("bind")) {
                out.put(normalize(m.path("Target").asText()), withoutRoot(m.path("Source").asText(), hostRoot));
            }
        }
        return out;
    }

    private static String withoutRoot(String path, Path hostRoot) {
        String root = hostRoot.toString();
        return path.startsWith(root + "/") ? path.substring(root.length()) : path;
    }

    /** {@code /var/run} is a link to {@code /run} on CentOS 7: both spellings name the same place. */
    static String normalize(String path) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return p.equals("/var/run") ? "/run" : p.startsWith("/var/run/") ? "/run/" + p.substring("/var/run/".length()) : p;
    }

    private static Path onHost(String agentPath, Path hostRoot) {
        return hostRoot.resolve(agentPath.startsWith("/") ? agentPath.substring(1) : agentPath);
    }
}
