package dev.calicodcos.sim.docker;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.function.Function;

/**
 * Something a running container serves on its agent's host: a listening address and what it answers
 * there. Values only; {@link HostListeners} does the serving.
 */
record HostEndpoint(Address address, Responder responder) {
    /** {@code sockaddr_un.sun_path} holds 108 bytes, the terminating NUL included. */
    static final int MAX_UNIX_PATH_BYTES = 107;

    sealed interface Address permits Tcp, Unix {}

    /** TCP on the agent's loopback stand-in, as a {@code --net=host} container binds it. */
    record Tcp(String host, int port) implements Address {
        @Override
        public String toString() {
            return "tcp " + host + ":" + port;
        }
    }

    /** A Unix domain socket at a path under the host root (a bind mount of the container). */
    record Unix(Path path) implements Address {
        @Override
        public String toString() {
            return "unix " + path;
        }
    }

    sealed interface Responder permits Greeting, Http {}

    /** Writes a line on every connection, then closes it (a BIRD control socket's greeting). */
    record Greeting(String text) implements Responder {}

    /** One HTTP/1.1 request per connection, answered by a pure function, then the connection closes. */
    record Http(Function<Request, Response> handler) implements Responder {}

    record Request(String method, String path) {}

    /** An answer; {@code contentType} empty for none; 204 carries neither body nor {@code Content-Length}, as Go's server writes it. */
    record Response(int status, String contentType, String body) {
        static Response empty(int status) {
            return new Response(status, "", "");
        }

        /** What Go's {@code http.ServeMux} answers for a path no handler serves. */
        static Response goNotFound() {
            return new Response(404, "text/plain; charset=utf-8", "404 page not found\n");
        }

        byte[] bytes(ZonedDateTime now) {
            byte[] content = body.getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason()).append("\r\n");
            if (!contentType.isEmpty()) {
                head.append("Content-Type: ").append(contentType).append("\r\n");
            }
            if (contentType.startsWith("text/plain")) {
                head.append("X-Content-Type-Options: nosniff\r\n");
            }
            head.append("Date: ").append(DateTimeFormatter.RFC_1123_DATE_TIME.format(now.withZoneSameInstant(ZoneOffset.UTC)))
                    .append("\r\n");
            if (status != 204) {
                head.append("Content-Length: ").append(content.length).append("\r\n");
            }
            head.append("Connection: close\r\n\r\n");
            byte[] headBytes = head.toString().getBytes(StandardCharsets.US_ASCII);
            byte[] out = new byte[headBytes.length + content.length];
            System.arraycopy(headBytes, 0, out, 0, headBytes.length);
            System.arraycopy(content, 0, out, headBytes.length, content.length);
            return out;
        }

        private String reason() {
            return switch (status) {
                case 200 -> "OK";
                case 204 -> "No Content";
                case 400 -> "Bad Request";
                case 404 -> "Not Found";
                case 431 -> "Request Header Fields Too Large";
                case 503 -> "Service Unavailable";
                default -> "Status";
            };
        }
    }

    /** Why this endpoint cannot be opened before trying, e.g. a socket path longer than Linux allows. */
    java.util.Optional<String> problem() {
        if (address instanceof Unix u) {
            int bytes = u.path().toString().getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_UNIX_PATH_BYTES) {
                return java.util.Optional.of("simulator: the unix socket path " + u.path() + " is " + bytes
                        + " bytes, more than the " + MAX_UNIX_PATH_BYTES + " a sockaddr_un holds; use a shorter work directory"
                        + " (SimulatedCluster.Builder.workDir)");
            }
        }
        return java.util.Optional.empty();
    }
}
