package dev.calicodcos.sim.master;

import com.google.protobuf.Message;
import com.sun.net.httpserver.HttpExchange;
import dev.calicodcos.sim.proto.StrictJson;
import java.io.IOException;
import java.util.Optional;

/** The first checks every v1 call gets, in the master's order: method, media type, then a strict parse. */
final class StrictCalls {
    private StrictCalls() {}

    /** The parsed call, or empty once the refusal (405, 400 or 415) has been sent to the client. */
    static <B extends Message.Builder> Optional<B> read(HttpExchange exchange, B builder) throws IOException {
        Optional<String> contentProblem = MediaTypes.checkRequest(exchange);
        if (contentProblem.isPresent()) {
            int status = Integer.parseInt(contentProblem.get().substring(0, 3));
            Http.text(exchange, status, contentProblem.get().substring(4));
            return Optional.empty();
        }
        try {
            return Optional.of(StrictJson.parse(Http.body(exchange), builder));
        } catch (StrictJson.ParseFailure e) {
            Http.text(exchange, 400, e.getMessage());
            return Optional.empty();
        }
    }
}
