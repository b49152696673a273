package dev.calicodcos.sim.master;

import com.sun.net.httpserver.HttpExchange;
import java.util.Optional;

/** Method and media-type checks shared by the v1 endpoints. */
final class MediaTypes {
    static final String JSON = "application/json";
    static final String PROTOBUF = "application/x-protobuf";

    private MediaTypes() {}

    /**
     * Returns "{status} {message}" for the first failing check: method (405), Content-Type present (400),
     * Content-Type supported (415). The master compares the whole header literally, so
     * {@code application/json; charset=utf-8} is a 415 (reference section 1, rule 9).
     */
    static Optional<String> checkRequest(HttpExchange exchange) {
        if (!exchange.getRequestMethod().equals("POST")) {
            return Optional.of("405 Expecting a 'POST' request, received '" + exchange.getRequestMethod() + "'");
        }
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type == null) {
            return Optional.of("400 Expecting 'Content-Type' to be present");
        }
        if (type.equals(PROTOBUF)) {
            return Optional.of("415 Content-Type application/x-protobuf is valid for a real master but the simulator only speaks JSON");
        }
        if (!type.equals(JSON)) {
            return Optional.of("415 Expecting 'Content-Type' of application/json or application/x-protobuf");
        }
        return Optional.empty();
    }

    /** A missing Accept means JSON. */
    static boolean acceptsJson(HttpExchange exchange) {
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        if (accept == null || accept.isBlank()) {
            return true;
        }
        for (String part : accept.split(",")) {
            String type = part.split(";")[0].trim();
            if (type.equals(JSON) || type.equals("*/*") || type.equals("application/*")) {
                return true;
            }
        }
        return false;
    }
}
