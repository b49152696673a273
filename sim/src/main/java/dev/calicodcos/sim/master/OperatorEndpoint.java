package dev.calicodcos.sim.master;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.Optional;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.master.Protos.Call;
import org.apache.mesos.v1.master.Protos.Response;

/** {@code POST /api/v1}: the operator API. Only {@code GET_AGENTS} is simulated; other calls get 501. */
// Resource.role and FrameworkInfo.role are deprecated in mesos.proto but are the wire fields
// for frameworks without RESERVATION_REFINEMENT / MULTI_ROLE (reference 7.3, 7.6).
@SuppressWarnings("deprecation")
final class OperatorEndpoint {
    private final Master master;
    private final MasterAnswers answers;

    OperatorEndpoint(Master master, MasterAnswers answers) {
        this.master = master;
        this.answers = answers;
    }

    void handle(HttpExchange exchange) throws IOException {
        Optional<Call.Builder> read = StrictCalls.read(exchange, Call.newBuilder());
        if (read.isEmpty()) {
            return;
        }
        Call call = read.get().build();
        if (!call.hasType()) {
            Http.text(exchange, 400, "Expecting 'type' to be present");
            return;
        }
        if (!MediaTypes.acceptsJson(exchange)) {
            Http.text(exchange, 406, "Expecting 'Accept' to allow 'application/json'");
            return;
        }
        switch (call.getType()) {
            case GET_AGENTS -> Http.json(exchange, 200, answers.getAgents(master.view()));
            case SUBSCRIBE -> {
                EventStream stream = master.subscribeOperator();
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, 0);      // chunked RecordIO, no Mesos-Stream-Id
                stream.pump(exchange.getResponseBody());
                exchange.close();
            }
            default -> Http.text(exchange, 501, "Operator call " + call.getType() + " is not implemented by the simulator");
        }
    }

    static Response getAgents(Views.MasterView view) {
        Response.GetAgents.Builder agents = Response.GetAgents.newBuilder();
        view.agents().forEach(a -> agents.addAgents(agent(a)));
        return Response.newBuilder().setType(Response.Type.GET_AGENTS).setGetAgents(agents).build();
    }

    /** One entry of {@code get_agents.agents} (also the payload of {@code AGENT_ADDED}). */
    static Response.GetAgents.Agent agent(Views.AgentView a) {
        String host = a.spec().hostname();
        Protos.AgentInfo.Builder info = Protos.AgentInfo.newBuilder().setHostname(host).setPort(5051)
                .setId(Protos.AgentID.newBuilder().setValue(a.id()))
                .addAllAttributes(AgentOffers.attributes(a.spec()));
        // agent_info.resources use the internal format: reservations only, no role key
        for (Protos.Resource r : a.total().toProtos(Optional.empty())) {
            Protos.Resource.Builder b = r.toBuilder().clearRole();
            if (!r.getRole().equals("*")) {
                b.addReservations(staticReservation(r.getRole()));
            }
            info.addResources(b);
        }
        Response.GetAgents.Agent.Builder agent = Response.GetAgents.Agent.newBuilder().setAgentInfo(info)
                .setActive(a.active()).setDeactivated(false).setVersion(a.spec().mesosVersion())
                .setPid("slave(1)@" + host + ":5051")
                .setRegisteredTime(time(a.registeredTime()))
                .addAllTotalResources(withReservations(a.total().toProtos(Optional.empty())))
                .addAllAllocatedResources(withReservations(a.usedFull()))
                .addAllOfferedResources(withReservations(a.offeredFull()));
        a.reregisteredTime().ifPresent(t -> agent.setReregisteredTime(time(t)));
        LegacyJson.AGENT_CAPABILITIES.forEach(c -> agent.addCapabilities(
                Protos.AgentInfo.Capability.newBuilder().setType(Protos.AgentInfo.Capability.Type.valueOf(c))));
        return agent.build();
    }

    private static java.util.List<Protos.Resource> withReservations(java.util.List<Protos.Resource> in) {
        return in.stream().map(r -> r.getRole().equals("*") ? r
                : r.toBuilder().addReservations(staticReservation(r.getRole())).build()).toList();
    }

    private static Protos.Resource.ReservationInfo staticReservation(String role) {
        return Protos.Resource.ReservationInfo.newBuilder()
                .setType(Protos.Resource.ReservationInfo.Type.STATIC).setRole(role).build();
    }

    private static Protos.TimeInfo time(java.time.Instant t) {
        return Protos.TimeInfo.newBuilder().setNanoseconds(t.getEpochSecond() * 1_000_000_000L + t.getNano()).build();
    }
}
