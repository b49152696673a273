package dev.calicodcos.reconcilers.container;

/**
 * One observation on the host that says a Calico container does its job, not only that it runs.
 * Rendered with the container (pure); {@link ReadinessProbe} carries it out.
 */
public sealed interface ReadinessCheck {
    /** What is checked, for messages: "Felix readiness on port 9099". */
    String describe();

    /** An HTTP GET on the host's loopback that must answer 2xx (Felix's {@code /readiness} on its health port). */
    record HttpGet(int port, String path, String what) implements ReadinessCheck {
        @Override
        public String describe() {
            return what + " (GET 127.0.0.1:" + port + path + ")";
        }
    }

    /** A Unix socket that greets with a line starting with {@code prefix} (BIRD's control socket says {@code 0001 BIRD … ready.}). */
    record SocketGreeting(String hostPath, String prefix, String what) implements ReadinessCheck {
        @Override
        public String describe() {
            return what + " (" + hostPath + ")";
        }
    }

    /**
     * A Docker plugin answering {@code POST /Plugin.Activate} on its Unix socket with 200 and a body
     * naming {@code implementsKind} (Docker's own handshake with a plugin).
     */
    record PluginActivate(String hostPath, String implementsKind, String what) implements ReadinessCheck {
        @Override
        public String describe() {
            return what + " (POST /Plugin.Activate on " + hostPath + ")";
        }
    }
}
