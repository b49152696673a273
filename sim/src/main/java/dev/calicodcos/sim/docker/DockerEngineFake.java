package dev.calicodcos.sim.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.calicodcos.sim.AgentSpec;
import dev.calicodcos.sim.agent.HostRoot;
import dev.calicodcos.sim.master.Http;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A per-agent fake of the Docker Engine API on loopback TCP ({@code DOCKER_HOST=tcp://127.0.0.1:<port>}).
 * Containers are bookkeeping only (no process runs); the daemon reads {@code /etc/docker/daemon.json}
 * from the agent's host root when it starts or reloads, like dockerd. While the daemon is stopped or
 * failed the port is closed (connection refused). Calico's containers are checked against
 * {@link CalicoContainerContract}; container and daemon events go to {@code <root>/var/log/fake-docker.log}.
 * Endpoints: see sim/README.md.
 */
public final class DockerEngineFake implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DockerEngineFake.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern VERSION_PREFIX = Pattern.compile("^/v\\d+\\.\\d+(/.*)$");
    private static final Pattern CONTAINER_ACTION = Pattern.compile("^/containers/([^/]+)/(start|stop|restart|kill|json)$");
    private static final Pattern CONTAINER = Pattern.compile("^/containers/([^/]+)$");
    private static final Pattern IMAGE_JSON = Pattern.compile("^/images/(.+)/json$");

    /** systemd-ish state of the docker unit. */
    public enum DaemonState { RUNNING, STOPPED, FAILED }

    private final AgentSpec spec;
    private final HostRoot hostRoot;
    private final Clock clock;
    private final ExecutorService executor;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, DockerContainer> containers = new LinkedHashMap<>();
    private final Set<String> images = new LinkedHashSet<>();
    private HttpServer server;
    private int port;
    private DaemonState state = DaemonState.STOPPED;
    private Optional<String> clusterStore = Optional.empty();
    private String lastFailure = "";
    private Instant activeSince;
    private final DockerEventLog events;

    public DockerEngineFake(AgentSpec spec, HostRoot hostRoot, Clock clock, ExecutorService executor, List<String> images) {
        this.spec = spec;
        this.hostRoot = hostRoot;
        this.clock = clock;
        this.executor = executor;
        this.events = new DockerEventLog(hostRoot.dockerLog(), clock);
        images.forEach(i -> this.images.add(normalizeImage(i)));
    }

    public synchronized String dockerHost() {
        return "tcp://127.0.0.1:" + port;
    }

    public synchronized DaemonState state() {
        return state;
    }

    public synchronized Optional<Instant> activeSince() {
        return state == DaemonState.RUNNING ? Optional.of(activeSince) : Optional.empty();
    }

    public synchronized String lastFailure() {
        return lastFailure;
    }

    /** Starts dockerd: reads daemon.json; a config dockerd would refuse leaves the unit failed. */
    public synchronized Optional<String> start() {
        if (state == DaemonState.RUNNING) {
            return Optional.empty();
        }
        Optional<String> problem = loadConfig();
        if (problem.isPresent()) {
            state = DaemonState.FAILED;
            lastFailure = problem.get();
            LOG.info("docker failed to start agent={} reason={}", spec.hostname(), problem.get());
            events.daemon("failed", problem.get());
            return problem;
        }
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 32);
        } catch (IOException e) {
            state = DaemonState.FAILED;
            lastFailure = "cannot bind 127.0.0.1:" + port + ": " + e.getMessage();
            events.daemon("failed", lastFailure);
            return Optional.of(lastFailure);
        }
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
        port = server.getAddress().getPort();
        state = DaemonState.RUNNING;
        activeSince = clock.instant();
        events.daemon("start", "");
        for (DockerContainer c : containers.values()) {
            if (c.startsWithDaemon(c.stoppedByDaemon)) {
                startContainer(c);
                c.restartCount++;
            }
        }
        return Optional.empty();
    }

    /** Stops dockerd: running containers exit (and remember that the daemon stopped them). */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
        for (DockerContainer c : containers.values()) {
            if (c.running()) {
                c.status = "exited";
                c.exitCode = 0;
                c.finishedAt = clock.instant();
                c.stoppedByDaemon = true;
                events.container("die", c.name, "exitCode=0");
            }
        }
        if (state == DaemonState.RUNNING) {
            state = DaemonState.STOPPED;
            events.daemon("stop", "");
        }
    }

    public synchronized Optional<String> restart() {
        stop();
        state = DaemonState.STOPPED;
        return start();
    }

    /** SIGHUP: re-reads daemon.json; the cluster store changes only where the version's reload applies it. */
    public synchronized Optional<String> reload() {
        if (state != DaemonState.RUNNING) {
            return Optional.of("docker.service is not active, cannot reload.");
        }
        Optional<String> before = clusterStore;
        Optional<String> problem = loadConfig();
        if (!DockerVersions.reloadAppliesClusterStore(spec.dockerVersion())) {
            clusterStore = before;
        }
        problem.ifPresent(p -> LOG.info("docker reload rejected config agent={} reason={}", spec.hostname(), p));
        return problem;
    }

    public synchronized void resetFailed() {
        if (state == DaemonState.FAILED) {
            state = DaemonState.STOPPED;
        }
    }

    /** Parses daemon.json into the effective config; empty when dockerd would accept it. */
    private Optional<String> loadConfig() {
        java.nio.file.Path file = hostRoot.daemonJson();
        if (!Files.exists(file)) {
            clusterStore = Optional.empty();
            return Optional.empty();
        }
        JsonNode config;
        try {
            config = MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            return Optional.of("unable to configure the Docker daemon with file " + file + ": invalid JSON: " + e.getMessage());
        }
        if (config == null || !config.isObject()) {
            return Optional.of("unable to configure the Docker daemon with file " + file + ": not a JSON object");
        }
        if (!DockerVersions.hasClusterStore(spec.dockerVersion())) {
            List<String> removed = new ArrayList<>();
            for (String key : List.of("cluster-store", "cluster-advertise", "cluster-store-opts")) {
                if (config.has(key)) {
                    removed.add(key);
                }
            }
            if (!removed.isEmpty()) {
                return Optional.of("unable to configure the Docker daemon with file " + file
                        + ": the following directives don't match any configuration option: " + String.join(", ", removed));
            }
            clusterStore = Optional.empty();
            return Optional.empty();
        }
        clusterStore = config.has("cluster-store") ? Optional.of(config.get("cluster-store").asText()) : Optional.empty();
        return Optional.empty();
    }

    // ---------------------------------------------------------------- HTTP

    private void dispatch(HttpExchange exchange) throws IOException {
        try {
            route(exchange);
        } catch (RuntimeException e) {
            LOG.error("docker fake request failed path={}", exchange.getRequestURI().getPath(), e);
            error(exchange, 500, e.toString());
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        Matcher versioned = VERSION_PREFIX.matcher(path);
        if (versioned.matches()) {
            path = versioned.group(1);
        }
        String method = exchange.getRequestMethod();
        exchange.getResponseHeaders().set("Api-Version", DockerVersions.apiVersion(spec.dockerVersion()));
        exchange.getResponseHeaders().set("Server", "Docker/" + spec.dockerVersion() + " (linux)");
        exchange.getResponseHeaders().set("Ostype", "linux");
        if (path.equals("/_ping")) {
            exchange.getResponseHeaders().set("Docker-Experimental", "false");
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            } else {
                Http.respond(exchange, 200, "text/plain; charset=utf-8", "OK");
            }
            return;
        }
        Matcher m;
        synchronized (this) {
            if (method.equals("GET") && path.equals("/version")) {
                json(exchange, 200, version());
            } else if (method.equals("GET") && path.equals("/info")) {
                json(exchange, 200, info());
            } else if (method.equals("GET") && path.equals("/containers/json")) {
                json(exchange, 200, list(query(exchange)));
            } else if (method.equals("POST") && path.equals("/containers/create")) {
                create(exchange, query(exchange));
            } else if ((m = CONTAINER_ACTION.matcher(path)).matches()) {
                containerAction(exchange, method, m.group(1), m.group(2));
            } else if (method.equals("DELETE") && (m = CONTAINER.matcher(path)).matches()) {
                remove(exchange, m.group(1), query(exchange));
            } else if (method.equals("GET") && path.equals("/images/json")) {
                json(exchange, 200, imageList());
            } else if (method.equals("GET") && (m = IMAGE_JSON.matcher(path)).matches()) {
                String name = normalizeImage(m.group(1));
                if (images.contains(name)) {
                    json(exchange, 200, image(name));
                } else {
                    error(exchange, 404, "No such image: " + m.group(1));
                }
            } else if (method.equals("POST") && path.equals("/images/create")) {
                pull(exchange, query(exchange));
            } else {
                error(exchange, 404, "page not found (not simulated: " + method + " " + path + ")");
            }
        }
    }

    private ObjectNode version() {
        ObjectNode v = MAPPER.createObjectNode();
        v.put("Version", spec.dockerVersion());
        v.put("ApiVersion", DockerVersions.apiVersion(spec.dockerVersion()));
        v.put("MinAPIVersion", "1.12");
        v.put("GitCommit", "simulated");
        v.put("GoVersion", "go1.20");
        v.put("Os", "linux");
        v.put("Arch", "amd64");
        v.put("KernelVersion", "3.10.0-1160.el7.x86_64");
        v.put("BuildTime", "2020-01-01T00:00:00.000000000+00:00");
        return v;
    }

    private ObjectNode info() {
        ObjectNode i = MAPPER.createObjectNode();
        i.put("ID", "SIM:" + spec.hostname());
        long running = containers.values().stream().filter(DockerContainer::running).count();
        i.put("Containers", containers.size());
        i.put("ContainersRunning", running);
        i.put("ContainersPaused", 0);
        i.put("ContainersStopped", containers.size() - running);
        i.put("Images", images.size());
        i.put("Driver", "overlay2");
        i.put("Name", spec.hostname());
        i.put("ServerVersion", spec.dockerVersion());
        i.put("OperatingSystem", "CentOS Linux 7 (Core)");
        i.put("OSType", "linux");
        i.put("Architecture", "x86_64");
        i.put("KernelVersion", "3.10.0-1160.el7.x86_64");
        i.put("DockerRootDir", "/var/lib/docker");
        i.put("LiveRestoreEnabled", false);
        if (DockerVersions.hasClusterStore(spec.dockerVersion())) {
            i.put("ClusterStore", clusterStore.orElse(""));
            i.put("ClusterAdvertise", "");
        }
        return i;
    }

    private ArrayNode list(Map<String, String> query) throws IOException {
        boolean all = "1".equals(query.get("all")) || "true".equals(query.get("all"));
        JsonNode filters = query.containsKey("filters") ? MAPPER.readTree(query.get("filters")) : MAPPER.createObjectNode();
        ArrayNode out = MAPPER.createArrayNode();
        for (DockerContainer c : containers.values()) {
            if ((!all && !c.running()) || !matches(c, filters)) {
                continue;
            }
            ObjectNode o = out.addObject();
            o.put("Id", c.id);
            o.putArray("Names").add("/" + c.name);
            o.put("Image", c.image);
            o.put("ImageID", imageId(c.image));
            o.put("Command", String.join(" ", strings(c.config.path("Cmd"))));
            o.put("Created", c.created.getEpochSecond());
            o.put("State", c.status);
            o.put("Status", c.running() ? "Up" : c.status.equals("created") ? "Created" : "Exited (" + c.exitCode + ")");
            o.set("Labels", c.config.path("Labels").isObject() ? c.config.get("Labels") : MAPPER.createObjectNode());
            o.putObject("HostConfig").put("NetworkMode", c.hostConfig.path("NetworkMode").asText("default"));
        }
        return out;
    }

    private boolean matches(DockerContainer c, JsonNode filters) {
        for (String label : strings(filters.path("label"))) {
            int eq = label.indexOf('=');
            JsonNode labels = c.config.path("Labels");
            if (eq < 0 ? !labels.has(label) : !label.substring(eq + 1).equals(labels.path(label.substring(0, eq)).asText(null))) {
                return false;
            }
        }
        for (String name : strings(filters.path("name"))) {
            if (!c.name.contains(name.startsWith("/") ? name.substring(1) : name)) {
                return false;
            }
        }
        for (String id : strings(filters.path("id"))) {
            if (!c.id.startsWith(id)) {
                return false;
            }
        }
        List<String> statuses = strings(filters.path("status"));
        return statuses.isEmpty() || statuses.contains(c.status);
    }

    private void create(HttpExchange exchange, Map<String, String> query) throws IOException {
        JsonNode body = MAPPER.readTree(Http.body(exchange));
        if (body == null || !body.path("Image").isTextual()) {
            error(exchange, 400, "Config cannot be empty in order to create a container");
            return;
        }
        String image = normalizeImage(body.get("Image").asText());
        if (!images.contains(image)) {
            error(exchange, 404, "No such image: " + body.get("Image").asText());
            return;
        }
        String name = query.getOrDefault("name", "sim_" + Long.toHexString(random.nextLong()));
        name = name.startsWith("/") ? name.substring(1) : name;
        for (DockerContainer c : containers.values()) {
            if (c.name.equals(name)) {
                error(exchange, 409, "Conflict. The container name \"/" + name + "\" is already in use by container \""
                        + c.id + "\". You have to remove (or rename) that container to be able to reuse that name.");
                return;
            }
        }
        Optional<CalicoContainerContract.Kind> calico = CalicoContainerContract.kind(body.get("Image").asText());
        if (calico.isPresent()) {
            Optional<String> broken = CalicoContainerContract.check(calico.get(), body, hostRoot.root(), kernelHostname(),
                    calicoContainers());
            if (broken.isPresent()) {
                LOG.info("docker refused a Calico container agent={} name={} reason={}", spec.hostname(), name, broken.get());
                error(exchange, 400, broken.get());
                return;
            }
        }
        byte[] idBytes = new byte[32];
        random.nextBytes(idBytes);
        String id = HexFormat.of().formatHex(idBytes);
        ObjectNode config = ((ObjectNode) body).deepCopy();
        JsonNode hostConfig = config.has("HostConfig") ? config.remove("HostConfig") : MAPPER.createObjectNode();
        containers.put(id, new DockerContainer(id, name, image, config, hostConfig, clock.instant()));
        events.container("create", name, "image=" + image);
        ObjectNode answer = MAPPER.createObjectNode().put("Id", id);
        answer.putArray("Warnings");
        json(exchange, 201, answer);
    }

    private void containerAction(HttpExchange exchange, String method, String ref, String action) throws IOException {
        DockerContainer c = find(ref);
        if (c == null) {
            error(exchange, 404, "No such container: " + ref);
            return;
        }
        if (action.equals("json") && method.equals("GET")) {
            json(exchange, 200, inspect(c));
            return;
        }
        if (!method.equals("POST")) {
            error(exchange, 405, "method not allowed");
            return;
        }
        switch (action) {
            case "start" -> {
                if (c.running()) {
                    notModified(exchange);
                    return;
                }
                c.stoppedByUser = false;
                startContainer(c);
            }
            case "stop", "kill" -> {
                if (!c.running()) {
                    if (action.equals("stop")) {
                        notModified(exchange);
                    } else {
                        error(exchange, 409, "Container " + c.id + " is not running");
                    }
                    return;
                }
                c.stoppedByUser = true;
                halt(c, action.equals("stop") ? 15 : 9);
                if (action.equals("stop")) {
                    events.container("stop", c.name, "");
                }
            }
            case "restart" -> {
                if (c.running()) {
                    halt(c, 15);
                    events.container("stop", c.name, "");
                }
                c.stoppedByUser = false;
                startContainer(c);
                events.container("restart", c.name, "");
            }
            default -> {
                error(exchange, 404, "unknown action");
                return;
            }
        }
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
    }

    private void remove(HttpExchange exchange, String ref, Map<String, String> query) throws IOException {
        DockerContainer c = find(ref);
        if (c == null) {
            error(exchange, 404, "No such container: " + ref);
            return;
        }
        boolean force = "1".equals(query.get("force")) || "true".equals(query.get("force"));
        if (c.running() && !force) {
            error(exchange, 409, "You cannot remove a running container " + c.id
                    + ". Stop the container before attempting removal or force remove");
            return;
        }
        if (c.running()) {
            halt(c, 9);
        }
        containers.remove(c.id);
        events.container("destroy", c.name, "");
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
    }

    private void pull(HttpExchange exchange, Map<String, String> query) throws IOException {
        String from = query.get("fromImage");
        if (from == null) {
            error(exchange, 400, "fromImage is required (only pulls are simulated)");
            return;
        }
        String image = normalizeImage(from.contains(":") || !query.containsKey("tag") ? from : from + ":" + query.get("tag"));
        images.add(image);
        String tag = image.substring(image.lastIndexOf(':') + 1);
        Http.json(exchange, 200, "{\"status\":\"Pulling from " + from + "\",\"id\":\"" + tag + "\"}\r\n"
                + "{\"status\":\"Status: Downloaded newer image for " + image + "\"}\r\n");
    }

    private void startContainer(DockerContainer c) {
        c.status = "running";
        c.startedAt = clock.instant();
        c.exitCode = 0;
        c.stoppedByDaemon = false;
        events.container("start", c.name, "");
    }

    /** A running container gets a signal and exits with 128 + it. */
    private void halt(DockerContainer c, int signal) {
        events.container("kill", c.name, "signal=" + signal);
        c.status = "exited";
        c.exitCode = 128 + signal;
        c.finishedAt = clock.instant();
        events.container("die", c.name, "exitCode=" + c.exitCode);
    }

    /** What a {@code --net=host} container sees as its host name: the agent's kernel host name. */
    private String kernelHostname() {
        try {
            return Files.readString(hostRoot.root().resolve(HostRoot.KERNEL_HOSTNAME)).strip();
        } catch (IOException e) {
            return spec.kernelHostname();
        }
    }

    private List<CalicoContainerContract.Existing> calicoContainers() {
        List<CalicoContainerContract.Existing> out = new ArrayList<>();
        for (DockerContainer c : containers.values()) {
            CalicoContainerContract.kind(c.image).ifPresent(k -> out.add(new CalicoContainerContract.Existing(k, c.name,
                    CalicoContainerContract.nodeName(k, CalicoContainerContract.env(c.config), kernelHostname()))));
        }
        return out;
    }

    /** Every line of {@code <root>/var/log/fake-docker.log}. */
    public List<DockerEvent> events() {
        return events.read();
    }

    /** How often the container was started (by the API, a restart, or a daemon start with its restart policy). */
    public int startCount(String name) {
        return (int) events().stream().filter(e -> e.subject().equals(DockerEvent.CONTAINER) && e.event().equals("start")
                && e.name().equals(name)).count();
    }

    /** How often the daemon started (the first start included). */
    public int daemonStarts() {
        return (int) events().stream().filter(e -> e.subject().equals(DockerEvent.DAEMON) && e.event().equals("start")).count();
    }

    private ObjectNode inspect(DockerContainer c) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("Id", c.id);
        o.put("Created", c.created.toString());
        o.put("Path", strings(c.config.path("Entrypoint")).stream().findFirst().orElse(""));
        o.set("Args", c.config.path("Cmd").isArray() ? c.config.get("Cmd") : MAPPER.createArrayNode());
        ObjectNode state = o.putObject("State");
        state.put("Status", c.status);
        state.put("Running", c.running());
        state.put("Paused", false);
        state.put("Restarting", false);
        state.put("OOMKilled", false);
        state.put("Dead", false);
        state.put("Pid", c.running() ? 10000 + Math.abs(c.id.hashCode() % 50000) : 0);
        state.put("ExitCode", c.exitCode);
        state.put("Error", "");
        state.put("StartedAt", c.startedAt == null ? "0001-01-01T00:00:00Z" : c.startedAt.toString());
        state.put("FinishedAt", c.finishedAt == null ? "0001-01-01T00:00:00Z" : c.finishedAt.toString());
        o.put("Image", imageId(c.image));
        o.put("Name", "/" + c.name);
        o.put("RestartCount", c.restartCount);
        o.put("Driver", "overlay2");
        ObjectNode config = c.config.deepCopy();
        config.put("Image", c.image);
        o.set("Config", config);
        o.set("HostConfig", c.hostConfig);
        o.putObject("NetworkSettings").putObject("Networks");
        o.putArray("Mounts");
        return o;
    }

    private ArrayNode imageList() {
        ArrayNode out = MAPPER.createArrayNode();
        for (String image : images) {
            ObjectNode o = out.addObject();
            o.put("Id", imageId(image));
            o.putArray("RepoTags").add(image);
            o.put("Created", 1577836800L);
            o.put("Size", 1024L);
        }
        return out;
    }

    private ObjectNode image(String name) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("Id", imageId(name));
        o.putArray("RepoTags").add(name);
        o.put("Created", "2020-01-01T00:00:00Z");
        o.put("Os", "linux");
        o.put("Architecture", "amd64");
        o.put("Size", 1024L);
        return o;
    }

    private DockerContainer find(String ref) {
        String name = ref.startsWith("/") ? ref.substring(1) : ref;
        DockerContainer exact = containers.get(ref);
        if (exact != null) {
            return exact;
        }
        for (DockerContainer c : containers.values()) {
            if (c.name.equals(name) || (ref.length() >= 4 && c.id.startsWith(ref))) {
                return c;
            }
        }
        return null;
    }

    /** Snapshot for tests and the demo: name → (status, restart count). */
    public synchronized Map<String, String> containerStates() {
        Map<String, String> out = new LinkedHashMap<>();
        containers.values().forEach(c -> out.put(c.name, c.status + "/" + c.restartCount));
        return out;
    }

    static String normalizeImage(String image) {
        int slash = image.lastIndexOf('/');
        return image.indexOf(':', slash + 1) >= 0 || image.contains("@") ? image : image + ":latest";
    }

    private static String imageId(String image) {
        return "sha256:" + String.format("%064x", new java.math.BigInteger(1, image.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .substring(0, 64);
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else if (node.isObject()) {
            node.properties().forEach(e -> out.add(e.getValue().asBoolean(false) ? e.getKey() : e.getKey()));
        } else if (node.isTextual()) {
            out.add(node.asText());
        }
        return out;
    }

    private static Map<String, String> query(HttpExchange exchange) {
        Map<String, String> out = new LinkedHashMap<>();
        String q = exchange.getRequestURI().getRawQuery();
        if (q == null) {
            return out;
        }
        for (String part : q.split("&")) {
            int eq = part.indexOf('=');
            String k = java.net.URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), java.nio.charset.StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : java.net.URLDecoder.decode(part.substring(eq + 1), java.nio.charset.StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    private static void json(HttpExchange exchange, int status, JsonNode body) throws IOException {
        Http.json(exchange, status, body.toString());
    }

    private static void error(HttpExchange exchange, int status, String message) throws IOException {
        Http.json(exchange, status, MAPPER.createObjectNode().put("message", message).toString());
    }

    private static void notModified(HttpExchange exchange) throws IOException {
        exchange.sendResponseHeaders(304, -1);
        exchange.close();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
        state = DaemonState.STOPPED;
    }
}
