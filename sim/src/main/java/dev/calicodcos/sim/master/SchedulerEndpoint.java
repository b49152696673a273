package dev.calicodcos.sim.master;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import org.apache.mesos.v1.scheduler.Protos.Call;

/**
 * {@code POST /api/v1/scheduler}: the master's checks in the master's order (reference 7.2), after
 * authentication and leadership which the server has already applied.
 */
final class SchedulerEndpoint {
    static final String STREAM_ID = "Mesos-Stream-Id";
    private static final Set<Call.Type> NEEDS_PAYLOAD = Set.of(Call.Type.ACCEPT, Call.Type.DECLINE, Call.Type.KILL,
            Call.Type.SHUTDOWN, Call.Type.ACKNOWLEDGE, Call.Type.RECONCILE, Call.Type.MESSAGE, Call.Type.UPDATE_FRAMEWORK,
            Call.Type.ACCEPT_INVERSE_OFFERS, Call.Type.DECLINE_INVERSE_OFFERS, Call.Type.REQUEST,
            Call.Type.ACKNOWLEDGE_OPERATION_STATUS, Call.Type.RECONCILE_OPERATIONS);

    private final Master master;

    SchedulerEndpoint(Master master) {
        this.master = master;
    }

    void handle(HttpExchange exchange) throws IOException {
        Optional<Call.Builder> read = StrictCalls.read(exchange, Call.newBuilder());
        if (read.isEmpty()) {
            return;
        }
        Call call = read.get().build();
        Optional<String> invalid = validate(call);
        if (invalid.isPresent()) {
            Http.text(exchange, 400, invalid.get());
            return;
        }
        Optional<String> streamId = Optional.ofNullable(exchange.getRequestHeaders().getFirst(STREAM_ID));
        if (call.getType() == Call.Type.SUBSCRIBE) {
            subscribe(exchange, call, streamId);
            return;
        }
        if (call.getType() == Call.Type.UNKNOWN) {
            Http.text(exchange, 501, "Received an unexpected 'UNKNOWN' call");
            return;
        }
        CallResult result = master.call(call, streamId);
        Http.text(exchange, result.status(), result.body());
    }

    private void subscribe(HttpExchange exchange, Call call, Optional<String> streamId) throws IOException {
        if (!MediaTypes.acceptsJson(exchange)) {
            Http.text(exchange, 406, "Expecting 'Accept' to allow 'application/json' (the simulator streams JSON only)");
            return;
        }
        if (streamId.isPresent()) {
            Http.text(exchange, 400, "Subscribe calls should not include the 'Mesos-Stream-Id' header");
            return;
        }
        EventStream stream = master.subscribe(call);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set(STREAM_ID, stream.id());
        exchange.sendResponseHeaders(200, 0);           // chunked
        stream.pump(exchange.getResponseBody());
        exchange.close();
    }

    /** Envelope validation ({@code validation::scheduler::call::validate}). Pure. */
    static Optional<String> validate(Call call) {
        if (!call.hasType()) {
            return Optional.of("Expecting 'type' to be present");
        }
        if (call.getType() == Call.Type.SUBSCRIBE) {
            if (!call.hasSubscribe()) {
                return Optional.of("Expecting 'subscribe' to be present");
            }
            var info = call.getSubscribe().getFrameworkInfo();
            if (call.hasFrameworkId() != info.hasId()
                    || (call.hasFrameworkId() && !call.getFrameworkId().equals(info.getId()))) {
                return Optional.of("'framework_id' differs from 'subscribe.framework_info.id'");
            }
            return Optional.empty();
        }
        if (!call.hasFrameworkId()) {
            return Optional.of("Expecting 'framework_id' to be present");
        }
        if (NEEDS_PAYLOAD.contains(call.getType())) {
            String field = call.getType().name().toLowerCase(java.util.Locale.ROOT);
            var descriptor = Call.getDescriptor().findFieldByName(field);
            if (descriptor != null && !call.hasField(descriptor)) {
                return Optional.of("Expecting '" + field + "' to be present");
            }
        }
        if (call.getType() == Call.Type.ACKNOWLEDGE && call.getAcknowledge().getUuid().size() != 16) {
            return Optional.of("Not a valid UUID");
        }
        return Optional.empty();
    }
}
