package dev.calicodcos.sim.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.calicodcos.sim.ClusterFaults;
import dev.calicodcos.sim.agent.SimAgent;
import dev.calicodcos.sim.systemd.SystemctlResult;
import dev.calicodcos.sim.master.Http;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loopback admin endpoint: the fake systemctl's back end and HTTP fault injection (for the demo and
 * for processes that cannot call Java). Routes:
 * <pre>
 * GET  /agents                                   agents with id, host root, DOCKER_HOST
 * POST /agents/{host}/systemctl                  body: one argument per line
 * POST /faults/agents/{host}/{disconnect|reconnect|restart|remove|partition|heal}
 * POST /faults/agents/{host}/docker-refuses-config?key={key}   body: the failure message
 * POST /faults/agents/{host}/{docker-accepts-config|fail-pulls|allow-pulls}
 * POST /faults/agents/{host}/workloads?framework={name}&name={task}&container={DOCKER|MESOS}[&honoursMaintenance=true]   answers the task ID
 * POST /faults/workloads/{taskId}/stop
 * POST /faults/master/{failover|no-leader|leader|recovering|recovered}
 * POST /faults/tasks/{taskId}/{fail|terminate}
 * POST /faults/updates/{taskId}/{drop|duplicate}
 * POST /faults/streams/{stall|unstall}
 * </pre>
 */
public final class AdminHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AdminHttpServer.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpServer server;
    private final Function<String, Optional<SimAgent>> agents;
    private final java.util.function.Supplier<List<SimAgent>> allAgents;
    private final java.util.function.Supplier<ClusterFaults> faults;

    public AdminHttpServer(ExecutorService executor, Function<String, Optional<SimAgent>> agents,
                           java.util.function.Supplier<List<SimAgent>> allAgents,
                           java.util.function.Supplier<ClusterFaults> faults) throws IOException {
        this.agents = agents;
        this.allAgents = allAgents;
        this.faults = faults;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try {
            route(exchange);
        } catch (RuntimeException e) {
            LOG.error("admin request failed path={}", exchange.getRequestURI().getPath(), e);
            Http.text(exchange, 500, e.toString());
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String[] p = Arrays.stream(exchange.getRequestURI().getPath().split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
        boolean post = exchange.getRequestMethod().equals("POST");
        if (p.length == 1 && p[0].equals("agents") && !post) {
            ArrayNode out = MAPPER.createArrayNode();
            for (SimAgent a : allAgents.get()) {
                out.addObject().put("hostname", a.spec().hostname()).put("id", a.id().getValue())
                        .put("public", a.spec().publicAgent()).put("host_root", a.hostRoot().root().toString())
                        .put("docker_host", a.docker().dockerHost()).put("connected", a.connected());
            }
            Http.json(exchange, 200, out.toString());
            return;
        }
        if (!post) {
            Http.text(exchange, 405, "POST only");
            return;
        }
        if (p.length == 3 && p[0].equals("agents") && p[2].equals("systemctl")) {
            Optional<SimAgent> agent = agents.apply(p[1]);
            if (agent.isEmpty()) {
                Http.text(exchange, 404, "no agent " + p[1]);
                return;
            }
            List<String> args = Http.body(exchange).lines().toList();
            SystemctlResult result = agent.get().systemctl().run(args);
            Http.text(exchange, 200, result.wire());
            return;
        }
        if (p.length == 4 && p[0].equals("faults") && p[1].equals("agents") && p[3].equals("workloads")) {
            runWorkload(exchange, p[2]);
            return;
        }
        if (p.length >= 3 && p[0].equals("faults")) {
            if (fault(Arrays.copyOfRange(p, 1, p.length), exchange)) {
                Http.text(exchange, 200, "ok");
            } else {
                Http.text(exchange, 404, "unknown fault or target");
            }
            return;
        }
        Http.text(exchange, 404, "");
    }

    private boolean fault(String[] p, HttpExchange exchange) throws IOException {
        ClusterFaults f = faults.get();
        switch (p[0]) {
            case "agents" -> {
                if (p.length != 3) {
                    return false;
                }
                return switch (p[2]) {
                    case "disconnect" -> f.disconnectAgent(p[1]);
                    case "reconnect" -> f.reconnectAgent(p[1]);
                    case "restart" -> f.restartAgent(p[1]);
                    case "remove" -> f.removeAgent(p[1]);
                    case "partition" -> f.partitionAgent(p[1]);
                    case "heal" -> f.healAgent(p[1]);
                    case "docker-refuses-config" -> {
                        String key = Http.query(exchange).get("key");
                        yield key != null && !key.isEmpty() && f.dockerRefusesConfig(p[1], key, Http.body(exchange).strip());
                    }
                    case "docker-accepts-config" -> f.clearDockerRefusal(p[1]);
                    case "fail-pulls" -> f.failImagePulls(p[1], true);
                    case "allow-pulls" -> f.failImagePulls(p[1], false);
                    default -> false;
                };
            }
            case "master" -> {
                switch (p[1]) {
                    case "failover" -> f.failoverMaster();
                    case "no-leader" -> f.noLeader();
                    case "leader" -> f.restoreLeader();
                    case "recovering" -> f.masterRecovering(true);
                    case "recovered" -> f.masterRecovering(false);
                    default -> {
                        return false;
                    }
                }
                return true;
            }
            case "tasks" -> {
                return p.length == 3 && switch (p[2]) {
                    case "fail" -> f.failTask(p[1]);
                    case "terminate" -> f.terminateTask(p[1]);
                    default -> false;
                };
            }
            case "updates" -> {
                if (p.length != 3) {
                    return false;
                }
                switch (p[2]) {
                    case "drop" -> f.dropNextStatusUpdate(p[1]);
                    case "duplicate" -> f.duplicateNextStatusUpdate(p[1]);
                    default -> {
                        return false;
                    }
                }
                return true;
            }
            case "workloads" -> {
                return p.length == 3 && p[2].equals("stop") && f.stopWorkload(p[1]);
            }
            case "streams" -> {
                f.stallEventStreams(p[1].equals("stall"));
                return true;
            }
            default -> {
                return false;
            }
        }
    }

    private void runWorkload(HttpExchange exchange, String agent) throws IOException {
        java.util.Map<String, String> query = Http.query(exchange);
        String framework = query.get("framework");
        String name = query.get("name");
        Optional<ClusterFaults.Containerizer> container = Arrays.stream(ClusterFaults.Containerizer.values())
                .filter(c -> c.name().equals(query.get("container"))).findFirst();
        if (framework == null || framework.isEmpty() || name == null || name.isEmpty() || container.isEmpty()) {
            Http.text(exchange, 400, "framework, name and container (DOCKER or MESOS) are required");
            return;
        }
        if (agents.apply(agent).isEmpty()) {
            Http.text(exchange, 404, "no agent " + agent);
            return;
        }
        Http.text(exchange, 200, faults.get().runWorkload(agent, framework, name, container.get(),
                Boolean.parseBoolean(query.getOrDefault("honoursMaintenance", "false"))));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
