package dev.calicodcos.sim.master;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.calicodcos.sim.auth.IamService;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated master's HTTP face. Checks run in the master's order: authentication (DC/OS mode) →
 * leadership (307 / 503) → recovery (503) → the endpoint's own checks. Paths also answer under the
 * Admin Router prefix {@code /mesos}.
 */
public final class MasterHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MasterHttpServer.class);

    private final HttpServer server;
    private final Master master;
    private final Leadership leadership;
    private final Optional<IamService> iam;
    private final SchedulerEndpoint scheduler;
    private final OperatorEndpoint operator;
    private final MasterAnswers answers;
    private final long startMillis;

    public MasterHttpServer(InetSocketAddress bind, Master master, Leadership leadership, Optional<IamService> iam,
                            ExecutorService executor, long startMillis) throws IOException {
        this.master = master;
        this.leadership = leadership;
        this.iam = iam;
        this.answers = new MasterAnswers();
        this.scheduler = new SchedulerEndpoint(master);
        this.operator = new OperatorEndpoint(master, answers);
        this.startMillis = startMillis;
        this.server = HttpServer.create(bind, 64);
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
    }

    public String hostPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public URI url() {
        return URI.create("http://" + hostPort());
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try {
            route(exchange);
        } catch (RuntimeException e) {
            LOG.error("master request failed path={}", exchange.getRequestURI().getPath(), e);
            Http.text(exchange, 500, "simulator error: " + e);
        }
    }

    private void route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (iam.isPresent() && path.equals("/acs/api/v1/auth/login")) {
            login(exchange, iam.get());
            return;
        }
        if (iam.isPresent() && path.equals("/acs/api/v1/auth/jwks")) {
            Http.json(exchange, 200, iam.get().jwks());
            return;
        }
        if (iam.isPresent() && !iam.get().authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "oauthjwt");
            Http.respond(exchange, 401, "text/html", "<html><body><h1>401 Unauthorized</h1></body></html>");
            return;
        }
        String p = Http.masterPath(path);
        if (p.equals("/master/redirect") || p.equals("/redirect")) {
            redirect(exchange, "");
            return;
        }
        if (p.startsWith("/master/redirect/") || p.startsWith("/redirect/")) {
            Http.text(exchange, 404, "");
            return;
        }
        Endpoint endpoint = endpoint(p);
        if (endpoint == null) {
            Http.text(exchange, 404, "");
            return;
        }
        Optional<String> leader = leadership.leader();
        if (leader.isEmpty()) {
            Http.text(exchange, 503, "No leader elected");
            return;
        }
        if (!leader.get().equals(hostPort())) {
            String query = exchange.getRequestURI().getRawQuery();
            redirect(exchange, p + (query == null ? "" : "?" + query));
            return;
        }
        if (leadership.isRecovering() && (endpoint == Endpoint.SCHEDULER || endpoint == Endpoint.OPERATOR)) {
            Http.text(exchange, 503, "Master has not finished recovery");
            return;
        }
        switch (endpoint) {
            case SLAVES -> {
                Optional<String> slaveId = query(exchange, "slave_id");
                Http.json(exchange, 200, answers.slaves(master.view(), slaveId));
            }
            case STATE -> Http.json(exchange, 200, answers.state(master.view(), "127.0.0.1",
                    server.getAddress().getPort(), startMillis));
            case FRAMEWORKS -> Http.json(exchange, 200, answers.frameworks(master.view()));
            case MAINTENANCE_SCHEDULE -> maintenanceSchedule(exchange);
            case MAINTENANCE_STATUS -> Http.json(exchange, 200, master.maintenanceStatusJson());
            case SCHEDULER -> scheduler.handle(exchange);
            case OPERATOR -> operator.handle(exchange);
            default -> Http.text(exchange, 404, "");
        }
    }

    private enum Endpoint { SLAVES, STATE, FRAMEWORKS, MAINTENANCE_SCHEDULE, MAINTENANCE_STATUS, SCHEDULER, OPERATOR }

    /** GET answers the schedule; POST replaces it whole (400 with Mesos' reason when it is invalid). */
    private void maintenanceSchedule(HttpExchange exchange) throws IOException {
        switch (exchange.getRequestMethod()) {
            case "GET" -> Http.json(exchange, 200, master.maintenanceScheduleJson());
            case "POST" -> {
                Optional<String> error = master.replaceMaintenanceSchedule(Http.body(exchange));
                if (error.isPresent()) {
                    Http.text(exchange, 400, error.get());
                } else {
                    Http.text(exchange, 200, "");
                }
            }
            default -> Http.text(exchange, 405, "Expecting 'GET' or 'POST', received '" + exchange.getRequestMethod() + "'");
        }
    }

    private static Endpoint endpoint(String p) {
        return switch (p) {
            case "/master/slaves", "/slaves" -> Endpoint.SLAVES;
            case "/master/state", "/state" -> Endpoint.STATE;
            case "/master/frameworks", "/frameworks" -> Endpoint.FRAMEWORKS;
            case "/master/maintenance/schedule", "/maintenance/schedule" -> Endpoint.MAINTENANCE_SCHEDULE;
            case "/master/maintenance/status", "/maintenance/status" -> Endpoint.MAINTENANCE_STATUS;
            case "/api/v1/scheduler", "/master/api/v1/scheduler" -> Endpoint.SCHEDULER;
            case "/api/v1", "/master/api/v1" -> Endpoint.OPERATOR;
            default -> null;
        };
    }

    private void redirect(HttpExchange exchange, String pathAndQuery) throws IOException {
        Optional<String> leader = leadership.leader();
        if (leader.isEmpty()) {
            Http.text(exchange, 503, "No leader elected");
            return;
        }
        exchange.getResponseHeaders().set("Location", "//" + leader.get() + pathAndQuery);
        Http.text(exchange, 307, "");
    }

    private static void login(HttpExchange exchange, IamService iam) throws IOException {
        if (!exchange.getRequestMethod().equals("POST")) {
            Http.text(exchange, 405, "");
            return;
        }
        Optional<String> answer = iam.login(Http.body(exchange));
        if (answer.isPresent()) {
            Http.json(exchange, 200, answer.get());
        } else {
            exchange.getResponseHeaders().set("WWW-Authenticate", "acsjwt");
            Http.json(exchange, 401, "{\"title\":\"Invalid authentication credentials\",\"description\":\"Login failed\",\"code\":\"ERR_INVALID_CREDENTIALS\"}");
        }
    }

    private static Optional<String> query(HttpExchange exchange, String name) {
        String q = exchange.getRequestURI().getQuery();
        if (q == null) {
            return Optional.empty();
        }
        for (String part : q.split("&")) {
            int eq = part.indexOf('=');
            if (eq > 0 && part.substring(0, eq).equals(name)) {
                return Optional.of(part.substring(eq + 1));
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
