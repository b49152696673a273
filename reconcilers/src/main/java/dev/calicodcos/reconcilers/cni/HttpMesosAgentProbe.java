package dev.calicodcos.reconcilers.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.model.agent.AgentFacts;
import dev.calicodcos.reconcilers.host.HostNetwork;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * {@link MesosAgentProbe} over HTTP: {@code GET /metrics/snapshot} of the local agent and its gauge
 * {@code slave/registered} (1 or 0), which every Mesos from 1.0 to 1.10 serves under that name
 * ({@code src/slave/metrics.cpp}). The gauge is the agent's {@code master.isSome()}: a leading
 * master detected by an agent that has recovered, so it is 0 while the agent process is starting,
 * has lost its master or cannot start at all (then nothing answers).
 *
 * <p>Where: a DC/OS agent runs Mesos with {@code --ip_discovery_command=/opt/mesosphere/bin/detect_ip},
 * so it binds {@code <detect_ip>:5051} ({@code LIBPROCESS_IP}; DC/OS sets no port, and 5051 is
 * Mesos' default for private and public agents alike), not 127.0.0.1. The simulator's agents have
 * no address of their own on the machine: when the host loopback is a stand-in
 * ({@code CALICO_DCOS_HOST_LOOPBACK}), the agent is asked there.
 */
public final class HttpMesosAgentProbe implements MesosAgentProbe {
    /** Mesos' default agent port ({@code SlaveInfo.port}), which DC/OS keeps. */
    public static final int AGENT_PORT = 5051;
    static final String GAUGE = "slave/registered";
    private static final int MAX_ANSWER = 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String loopback;
    private final int port;
    private final Duration timeout;

    /** The agent on {@value #AGENT_PORT}, as on DC/OS. */
    public HttpMesosAgentProbe(String loopback, Duration timeout) {
        this(loopback, AGENT_PORT, timeout);
    }

    HttpMesosAgentProbe(String loopback, int port, Duration timeout) {
        this.loopback = loopback;
        this.port = port;
        this.timeout = timeout;
    }

    /** Pure: where this host's Mesos agent listens; empty when detect_ip gave no address. */
    public static Optional<String> endpoint(AgentFacts facts, String loopback, int port) {
        if (!loopback.equals(HostNetwork.LOOPBACK)) {
            return Optional.of(loopback + ":" + port);
        }
        return facts.ip().map(ip -> (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port);
    }

    @Override
    public Optional<String> notRegistered(AgentFacts facts) {
        Optional<String> endpoint = endpoint(facts, loopback, port);
        if (endpoint.isEmpty()) {
            return Optional.of("the Mesos agent's address is unknown (detect_ip gave none)");
        }
        String where = "the Mesos agent at " + endpoint.get();
        try {
            return registration(endpoint.get()).map(problem -> where + " " + problem);
        } catch (ConnectException e) {
            return Optional.of(where + " does not answer (" + e.getMessage() + ")");
        } catch (SocketTimeoutException e) {
            return Optional.of(where + " did not answer within " + timeout.toMillis() + " ms");
        } catch (IOException | RuntimeException e) {
            return Optional.of(where + " could not be asked (" + e + ")");
        }
    }

    private Optional<String> registration(String endpoint) throws IOException {
        HttpURLConnection http = (HttpURLConnection) URI.create("http://" + endpoint + "/metrics/snapshot").toURL()
                .openConnection(Proxy.NO_PROXY);
        http.setConnectTimeout((int) timeout.toMillis());
        http.setReadTimeout((int) timeout.toMillis());
        try {
            int status = http.getResponseCode();
            if (status != 200) {
                return Optional.of("answered HTTP " + status + " to GET /metrics/snapshot");
            }
            try (InputStream in = http.getInputStream()) {
                return judge(JSON.readTree(in.readNBytes(MAX_ANSWER)));
            }
        } finally {
            http.disconnect();
        }
    }

    /** Pure: the verdict on a {@code /metrics/snapshot} answer. */
    static Optional<String> judge(JsonNode snapshot) {
        JsonNode gauge = snapshot == null ? null : snapshot.get(GAUGE);
        if (gauge == null || !gauge.isNumber()) {
            return Optional.of("does not report " + GAUGE + " (still starting?)");
        }
        return gauge.asDouble() == 1.0 ? Optional.empty()
                : Optional.of("reports " + GAUGE + " " + gauge.asText() + ": not registered with a master");
    }
}
