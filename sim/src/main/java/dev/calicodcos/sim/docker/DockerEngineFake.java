package dev.calicodcos.sim.docker;

import static dev.calicodcos.sim.docker.DockerJson.MAPPER;
import static dev.calicodcos.sim.docker.DockerJson.strings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.calicodcos.sim.AgentSpec;
import dev.calicodcos.sim.agent.HostRoot;
import dev.calicodcos.sim.master.Http;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A per-agent fake of the Docker Engine API on loopback TCP ({@code DOCKER_HOST=tcp://127.0.0.1:<port>}).
 * No process runs in a container, but what a running container shows its host is there: Felix's health port,
 * BIRD's control socket and the libnetwork plugin's sockets ({@link ContainerEndpoints}), and a crash-looping
 * image restarts as Docker's restart manager would. Images come from a fixed {@link Registry}. The daemon reads
 * {@code /etc/docker/daemon.json} from the agent's host root when it starts or reloads, like dockerd. While the
 * daemon is stopped or failed the port is closed (connection refused). Calico's containers are checked against
 * {@link CalicoContainerContract}; container and daemon events go to {@code <root>/var/log/fake-docker.log}.
 * Endpoints: see sim/README.md.
 */
public final class DockerEngineFake implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DockerEngineFake.class);
    private static final Pattern VERSION_PREFIX = Pattern.compile("^/v\\d+\\.\\d+(/.*)$");
    private static final Pattern CONTAINER_ACTION =
            Pattern.compile("^/containers/([^/]+)/(start|stop|restart|kill|json|rename|update)$");
    private static final Pattern CONTAINER = Pattern.compile("^/containers/([^/]+)$");
    private static final Pattern IMAGE_JSON = Pattern.compile("^/images/(.+)/json$");
    private static final Pattern CONTAINER_NAME = Pattern.compile("/?[a-zA-Z0-9][a-zA-Z0-9_.-]+");
    static final String REGISTRY_UNREACHABLE =
            "Get https://registry-1.docker.io/v2/: dial tcp: lookup registry-1.docker.io: no such host";

    /** systemd-ish state of the docker unit. */
    public enum DaemonState { RUNNING, STOPPED, FAILED }

    private final AgentSpec spec;
    private final HostRoot hostRoot;
    private final String loopback;
    private final Registry registry;
    private final Clock clock;
    private final ExecutorService executor;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, DockerContainer> containers = new LinkedHashMap<>();
    private final LocalImages images = new LocalImages();
    private final HostListeners listeners;
    private final Map<String, String> refusedConfigKeys = new LinkedHashMap<>();
    private boolean pullsFail;
    private HttpServer server;
    private int port;
    private DaemonState state = DaemonState.STOPPED;
    private Optional<String> clusterStore = Optional.empty();
    private boolean liveRestore;
    private String lastFailure = "";
    private Instant activeSince;
    private final DockerEventLog events;

    /**
     * @param loopback the agent's stand-in for {@code 127.0.0.1}, where {@code --net=host} containers listen
     * @param preloaded images the agent has from the start ({@code repository[:tag]}); ones the registry does not
     *                  know work too (without a digest), behaving by their repository
     */
    public DockerEngineFake(AgentSpec spec, HostRoot hostRoot, String loopback, Registry registry, Clock clock,
                            ExecutorService executor, List<String> preloaded) {
        this.spec = spec;
        this.hostRoot = hostRoot;
        this.loopback = loopback;
        this.registry = registry;
        this.clock = clock;
        this.executor = executor;
        this.events = new DockerEventLog(hostRoot.dockerLog(), clock);
        this.listeners = new HostListeners(spec.hostname(), clock);
        for (String reference : preloaded) {
            ImageRef ref = ImageRef.parse(reference).filter(r -> r.tag() != null)
                    .orElseThrow(() -> new IllegalArgumentException("dockerImages: '" + reference
                            + "' is not an image reference of the form repository[:tag]"));
            Optional<KnownImage> known = registry.resolve(ref) instanceof Registry.Found f ? Optional.of(f.image())
                    : Optional.empty();
            images.preloaded(known.orElseGet(() -> KnownImage.of(ref.tagged(), ImageBehaviour.byRepository(ref.repository()))),
                    known.isPresent());
        }
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

    // ---------------------------------------------------------------- faults

    /**
     * From now on dockerd refuses to start (and to reload) while daemon.json has the top-level {@code key}, failing
     * with {@code message}, until {@link #acceptConfig()}.
     */
    public synchronized void refuseConfig(String key, String message) {
        refusedConfigKeys.put(key, message);
    }

    /** Lifts every {@link #refuseConfig} refusal. */
    public synchronized void acceptConfig() {
        refusedConfigKeys.clear();
    }

    /** The registry is unreachable from this agent: every pull fails with 500 until {@code failing} is false. */
    public synchronized void failPulls(boolean failing) {
        pullsFail = failing;
    }

    // ---------------------------------------------------------------- the daemon

    /** Starts dockerd: reads daemon.json; a config dockerd would refuse leaves the unit failed. */
    public synchronized Optional<String> start() {
        if (state == DaemonState.RUNNING) {
            return Optional.empty();
        }
        Optional<String> problem = loadConfig();
        if (problem.isPresent()) {
            return failedToStart(problem.get());
        }
        try {
            server = listen();
        } catch (IOException e) {
            return failedToStart("cannot bind 127.0.0.1:" + port + ": " + e.getMessage());
        }
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
        port = server.getAddress().getPort();
        state = DaemonState.RUNNING;
        activeSince = clock.instant();
        events.daemon("start", "");
        for (DockerContainer c : containers.values()) {
            if (!c.running() && c.startsWithDaemon(c.stoppedByDaemon)) {
                startContainer(c).ifPresent(p -> LOG.error("docker could not restart agent={} container={}: {}",
                        spec.hostname(), c.name, p));
                c.restartCount++;
            }
        }
        return Optional.empty();
    }

    /** Why dockerd did not start, where a test run shows it (a real one logs it to its journal). */
    private Optional<String> failedToStart(String why) {
        state = DaemonState.FAILED;
        lastFailure = why;
        LOG.warn("docker failed to start agent={} reason={}", spec.hostname(), why);
        events.daemon("failed", why);
        return Optional.of(why);
    }

    /**
     * The daemon's socket. dockerd re-creates its unix socket on every start, so its previous instance never
     * stands in its way; this TCP stand-in may find the port still held for a moment after a restart.
     */
    private HttpServer listen() throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (true) {
            try {
                return HttpServer.create(new InetSocketAddress("127.0.0.1", port), 32);
            } catch (BindException held) {
                if (port == 0 || System.nanoTime() > deadline) {
                    throw held;
                }
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
        }
    }

    /**
     * Stops dockerd: running containers exit (and remember that the daemon stopped them), unless live-restore is
     * on: then they keep running, but no one restarts a crash-looping one.
     */
    public synchronized void stop() {
        catchUp();
        if (server != null) {
            server.stop(0);
            server = null;
        }
        for (DockerContainer c : containers.values()) {
            if (c.restarting()) {
                c.status = "exited";
                c.stoppedByDaemon = true;
            } else if (c.running() && !liveRestore) {
                listeners.close(c.id);
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

    /** Parses daemon.json into the effective config; empty when dockerd would accept it (nothing is applied otherwise). */
    private Optional<String> loadConfig() {
        Path file = hostRoot.daemonJson();
        if (!Files.exists(file)) {
            clusterStore = Optional.empty();
            liveRestore = false;
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
        for (Map.Entry<String, String> refused : refusedConfigKeys.entrySet()) {
            if (config.has(refused.getKey())) {
                return Optional.of(refused.getValue());
            }
        }
        if (config.has("live-restore") && !config.get("live-restore").isBoolean()) {
            return Optional.of("unable to configure the Docker daemon with file " + file + ": json: cannot unmarshal "
                    + config.get("live-restore").getNodeType().toString().toLowerCase(java.util.Locale.ROOT)
                    + " into Go struct field Config.live-restore of type bool");
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
        } else {
            clusterStore = config.has("cluster-store") ? Optional.of(config.get("cluster-store").asText()) : Optional.empty();
        }
        liveRestore = config.path("live-restore").asBoolean(false);
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
            catchUp();
            if (method.equals("GET") && path.equals("/version")) {
                json(exchange, 200, version());
            } else if (method.equals("GET") && path.equals("/info")) {
                json(exchange, 200, info());
            } else if (method.equals("GET") && path.equals("/containers/json")) {
                json(exchange, 200, list(Http.query(exchange)));
            } else if (method.equals("POST") && path.equals("/containers/create")) {
                create(exchange, Http.query(exchange));
            } else if ((m = CONTAINER_ACTION.matcher(path)).matches()) {
                containerAction(exchange, method, m.group(1), m.group(2));
            } else if (method.equals("DELETE") && (m = CONTAINER.matcher(path)).matches()) {
                remove(exchange, m.group(1), Http.query(exchange));
            } else if (method.equals("GET") && path.equals("/images/json")) {
                ArrayNode out = MAPPER.createArrayNode();
                images.all().forEach(i -> out.add(DockerJson.image(i, true)));
                json(exchange, 200, out);
            } else if (method.equals("GET") && (m = IMAGE_JSON.matcher(path)).matches()) {
                Optional<LocalImages.LocalImage> image = images.find(m.group(1));
                if (image.isPresent()) {
                    json(exchange, 200, DockerJson.image(image.get(), false));
                } else {
                    error(exchange, 404, "No such image: " + m.group(1));
                }
            } else if (method.equals("POST") && path.equals("/images/create")) {
                pull(exchange, Http.query(exchange));
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
        i.put("Images", images.all().size());
        i.put("Driver", "overlay2");
        i.put("Name", spec.hostname());
        i.put("ServerVersion", spec.dockerVersion());
        i.put("OperatingSystem", "CentOS Linux 7 (Core)");
        i.put("OSType", "linux");
        i.put("Architecture", "x86_64");
        i.put("KernelVersion", "3.10.0-1160.el7.x86_64");
        i.put("DockerRootDir", "/var/lib/docker");
        i.put("LiveRestoreEnabled", liveRestore);
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
            if ((all || c.running()) && matches(c, filters)) {
                DockerJson.listEntry(out.addObject(), c);
            }
        }
        return out;
    }

    private static boolean matches(DockerContainer c, JsonNode filters) {
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
        String imageRef = body.get("Image").asText();
        Optional<LocalImages.LocalImage> image = images.find(imageRef);
        if (image.isEmpty()) {
            error(exchange, 404, "No such image: " + imageRef);
            return;
        }
        String name = query.getOrDefault("name", "sim_" + Long.toHexString(random.nextLong()));
        if (!CONTAINER_NAME.matcher(name).matches()) {
            error(exchange, 400, "Invalid container name (" + name + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
            return;
        }
        name = name.startsWith("/") ? name.substring(1) : name;
        if (nameInUse(exchange, name)) {
            return;
        }
        Optional<CalicoContainerContract.Kind> calico = CalicoContainerContract.kind(image.get().image().reference());
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
        containers.put(id, new DockerContainer(id, name, imageRef, image.get().image(), config,
                hostConfig.isObject() ? (ObjectNode) hostConfig : MAPPER.createObjectNode(), clock.instant()));
        events.container("create", name, "image=" + imageRef);
        ObjectNode answer = MAPPER.createObjectNode().put("Id", id);
        answer.putArray("Warnings");
        json(exchange, 201, answer);
    }

    /** Answers 409 when another container has the name. */
    private boolean nameInUse(HttpExchange exchange, String name) throws IOException {
        for (DockerContainer c : containers.values()) {
            if (c.name.equals(name)) {
                error(exchange, 409, "Conflict. The container name \"/" + name + "\" is already in use by container \""
                        + c.id + "\". You have to remove (or rename) that container to be able to reuse that name.");
                return true;
            }
        }
        return false;
    }

    private void containerAction(HttpExchange exchange, String method, String ref, String action) throws IOException {
        DockerContainer c = find(ref);
        if (c == null) {
            error(exchange, 404, "No such container: " + ref);
            return;
        }
        if (action.equals("json") && method.equals("GET")) {
            json(exchange, 200, DockerJson.inspect(c));
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
                c.restartCount = 0;       // moby daemon/start.go: a start by the API resets the restart manager and count
                Optional<String> problem = startContainer(c);
                if (problem.isPresent()) {
                    error(exchange, 500, problem.get());
                    return;
                }
            }
            case "stop" -> {
                if (!c.running()) {
                    notModified(exchange);
                    return;
                }
                c.stoppedByUser = true;
                halt(c, 15);
                events.container("stop", c.name, "");
            }
            case "kill" -> {
                if (!c.running()) {
                    error(exchange, 409, "Container " + c.id + " is not running");
                    return;
                }
                if (c.restarting()) {
                    error(exchange, 409, "Container " + c.id + " is restarting, wait until the container is running");
                    return;
                }
                c.stoppedByUser = true;
                halt(c, 9);
            }
            case "restart" -> {
                if (c.running()) {
                    halt(c, 15);
                    events.container("stop", c.name, "");
                }
                c.stoppedByUser = false;
                Optional<String> problem = startContainer(c);
                if (problem.isPresent()) {
                    error(exchange, 500, problem.get());
                    return;
                }
                events.container("restart", c.name, "");
            }
            case "rename" -> {
                rename(exchange, c, Http.query(exchange).getOrDefault("name", ""));
                return;
            }
            case "update" -> {
                update(exchange, c);
                return;
            }
            default -> {
                error(exchange, 404, "unknown action");
                return;
            }
        }
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
    }

    /** moby {@code daemon/rename.go}: a valid, different, unused name. */
    private void rename(HttpExchange exchange, DockerContainer c, String requested) throws IOException {
        if (!CONTAINER_NAME.matcher(requested).matches()) {
            error(exchange, 400, "Invalid container name (" + requested + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
            return;
        }
        String name = requested.startsWith("/") ? requested.substring(1) : requested;
        if (name.equals(c.name)) {
            error(exchange, 400, "Renaming a container with the same name as its current name");
            return;
        }
        if (nameInUse(exchange, name)) {
            return;
        }
        String old = c.name;
        c.name = name;
        events.container("rename", name, "oldName=/" + old);
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
    }

    /** {@code docker update}: resources are kept as sent; a new restart policy applies from now on. */
    private void update(HttpExchange exchange, DockerContainer c) throws IOException {
        JsonNode body = MAPPER.readTree(Http.body(exchange));
        if (body == null || !body.isObject()) {
            error(exchange, 400, "invalid update body");
            return;
        }
        JsonNode policy = body.path("RestartPolicy");
        if (policy.isObject() && !policy.path("Name").asText("").isEmpty()) {
            String name = policy.path("Name").asText();
            int retries = policy.path("MaximumRetryCount").asInt(0);
            if (!name.matches("no|always|unless-stopped|on-failure")) {
                error(exchange, 400, "invalid restart policy '" + name + "'");
                return;
            }
            if (retries < 0) {
                error(exchange, 400, "maximum retry count cannot be negative");
                return;
            }
            if (retries > 0 && !name.equals("on-failure")) {
                error(exchange, 400, "maximum retry count cannot be used with restart policy '" + name + "'");
                return;
            }
            if (c.hostConfig.path("AutoRemove").asBoolean(false) && !name.equals("no")) {
                error(exchange, 409, "Restart policy cannot be updated because AutoRemove is enabled for the container");
                return;
            }
        }
        body.properties().forEach(e -> {
            if (!e.getValue().isNull() && !(e.getKey().equals("RestartPolicy") && policy.path("Name").asText("").isEmpty())) {
                c.hostConfig.set(e.getKey(), e.getValue());
            }
        });
        if (c.restarting()) {
            // the restart already scheduled still happens (moby restartmanager); the new policy decides after it
            int allowed = c.restartsAllowed();
            c.loopLimit = allowed == Integer.MAX_VALUE ? allowed : c.loopRestarts + Math.max(1, allowed);
        }
        events.container("update", c.name, "");
        json(exchange, 200, MAPPER.createObjectNode().set("Warnings", MAPPER.createArrayNode()));
    }

    private void remove(HttpExchange exchange, String ref, Map<String, String> query) throws IOException {
        DockerContainer c = find(ref);
        if (c == null) {
            error(exchange, 404, "No such container: " + ref);
            return;
        }
        boolean force = "1".equals(query.get("force")) || "true".equals(query.get("force"));
        if (c.running() && !force) {
            error(exchange, 409, "You cannot remove a " + c.status + " container " + c.id
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

    /**
     * {@code POST /images/create?fromImage=&tag=}: from the {@link Registry}. {@code tag} may be a digest; with
     * neither a tag nor a digest every tag of the repository is pulled, as the API does.
     */
    private void pull(HttpExchange exchange, Map<String, String> query) throws IOException {
        String from = query.get("fromImage");
        if (from == null || from.isEmpty()) {
            error(exchange, 400, "fromImage is required (only pulls are simulated)");
            return;
        }
        String tag = query.getOrDefault("tag", "");
        String reference = tag.isEmpty() ? from : from + (tag.startsWith("sha256:") ? "@" : ":") + tag;
        Optional<ImageRef> ref = ImageRef.parse(reference);
        if (ref.isEmpty()) {
            error(exchange, 400, "invalid reference format");
            return;
        }
        if (pullsFail) {
            error(exchange, 500, REGISTRY_UNREACHABLE);
            return;
        }
        boolean allTags = !reference.contains("@") && reference.lastIndexOf(':') <= reference.lastIndexOf('/');
        if (allTags && !registry.allTags(ref.get().repository()).isEmpty()) {
            StringBuilder progress = new StringBuilder();
            for (KnownImage image : registry.allTags(ref.get().repository())) {
                ImageRef each = ImageRef.parse(image.reference()).orElseThrow();
                images.pulled(image, each);
                progress.append(status("Pulling from " + each.repository(), each.tag()));
                progress.append(status("Digest: " + image.digest(), null));
            }
            progress.append(status("Status: Downloaded newer image for " + ref.get().repository(), null));
            Http.json(exchange, 200, progress.toString());
            return;
        }
        Registry.Answer answer = registry.resolve(ref.get());
        if (!(answer instanceof Registry.Found found)) {
            LOG.info("docker pull refused agent={} image={} reason={}", spec.hostname(), reference, answer.refusal());
            error(exchange, 404, answer.refusal());
            return;
        }
        boolean present = images.find(ref.get().toString()).isPresent();
        images.pulled(found.image(), ref.get());
        String shown = ref.get().toString();
        Http.json(exchange, 200, status("Pulling from " + ref.get().repository(),
                ref.get().digest() != null ? ref.get().digest() : ref.get().tag())
                + status("Digest: " + found.image().digest(), null)
                + status((present ? "Status: Image is up to date for " : "Status: Downloaded newer image for ") + shown, null));
    }

    private static String status(String status, String id) {
        ObjectNode line = MAPPER.createObjectNode().put("status", status);
        if (id != null) {
            line.put("id", id);
        }
        return line + "\r\n";
    }

    // ---------------------------------------------------------------- container state

    /**
     * The container starts: a crash-looping image exits with 1 at once and, if its policy says so, is restarted
     * with Docker's backoff ({@link #catchUp()}); any other opens what it serves on the host. Empty when it started.
     */
    private Optional<String> startContainer(DockerContainer c) {
        Instant now = clock.instant();
        if (c.image.behaviour() == ImageBehaviour.CRASH_LOOP) {
            c.startedAt = now;
            c.finishedAt = now;
            c.exitCode = 1;
            c.stoppedByDaemon = false;
            events.container("start", c.name, "");
            events.container("die", c.name, "exitCode=1");
            c.loopRestarts = 0;
            c.loopLimit = c.restartsAllowed();
            c.nextRestartAt = now.plus(RestartBackoff.delay(1));
            c.status = c.loopLimit > 0 ? "restarting" : "exited";
            return Optional.empty();
        }
        List<HostEndpoint> endpoints = ContainerEndpoints.of(c.image.behaviour(), CalicoContainerContract.env(c.config),
                hostRoot.root(), loopback);
        Optional<String> problem = endpoints.stream().map(HostEndpoint::problem).flatMap(Optional::stream).findFirst();
        if (problem.isPresent()) {
            return problem;
        }
        c.status = "running";
        c.startedAt = now;
        c.exitCode = 0;
        c.stoppedByDaemon = false;
        events.container("start", c.name, "");
        listeners.open(c.id, endpoints);
        return Optional.empty();
    }

    /** A running container gets a signal and exits with 128 + it; a restarting one just stays down. */
    private void halt(DockerContainer c, int signal) {
        if (c.restarting()) {
            c.status = "exited";
            return;
        }
        listeners.close(c.id);
        events.container("kill", c.name, "signal=" + signal);
        c.status = "exited";
        c.exitCode = 128 + signal;
        c.finishedAt = clock.instant();
        events.container("die", c.name, "exitCode=" + c.exitCode);
    }

    /** Brings every crash loop up to the clock: the restarts that fell due happened (and were logged) at their time. */
    private synchronized void catchUp() {
        Instant now = clock.instant();
        for (DockerContainer c : containers.values()) {
            while (c.restarting() && c.loopRestarts < c.loopLimit && !c.nextRestartAt.isAfter(now)) {
                Instant at = c.nextRestartAt;
                c.loopRestarts++;
                c.restartCount++;
                c.startedAt = at;
                c.finishedAt = at;
                events.container(at, "start", c.name, "");
                events.container(at, "die", c.name, "exitCode=1");
                c.nextRestartAt = at.plus(RestartBackoff.delay(c.loopRestarts + 1));
            }
            if (c.restarting() && c.loopRestarts >= c.loopLimit) {
                c.status = "exited";
            }
        }
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
            CalicoContainerContract.kind(c.image.reference()).ifPresent(k -> out.add(new CalicoContainerContract.Existing(k, c.name,
                    CalicoContainerContract.nodeName(k, CalicoContainerContract.env(c.config), kernelHostname()))));
        }
        return out;
    }

    /** Every line of {@code <root>/var/log/fake-docker.log}. */
    public List<DockerEvent> events() {
        catchUp();
        return events.read();
    }

    /** How often the container was started (by the API, a restart, a daemon start with its restart policy, a crash loop). */
    public int startCount(String name) {
        return (int) events().stream().filter(e -> e.subject().equals(DockerEvent.CONTAINER) && e.event().equals("start")
                && e.name().equals(name)).count();
    }

    /** How often the daemon started (the first start included). */
    public int daemonStarts() {
        return (int) events().stream().filter(e -> e.subject().equals(DockerEvent.DAEMON) && e.event().equals("start")).count();
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

    /** Snapshot for tests and the demo: name → "status/restart count". */
    public synchronized Map<String, String> containerStates() {
        catchUp();
        Map<String, String> out = new LinkedHashMap<>();
        containers.values().forEach(c -> out.put(c.name, c.status + "/" + c.restartCount));
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

    /** The simulator ends: the API port and everything containers serve on the host close. */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
        listeners.close();
        state = DaemonState.STOPPED;
    }
}
