package dev.calicodcos.sim.master;

import java.util.List;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.scheduler.Protos.Event;

/** Scheduler events built from the real protobuf messages. */
final class Events {
    private Events() {}

    static Event subscribed(Protos.FrameworkID id, double heartbeatSeconds, Protos.MasterInfo master) {
        return Event.newBuilder().setType(Event.Type.SUBSCRIBED)
                .setSubscribed(Event.Subscribed.newBuilder().setFrameworkId(id)
                        .setHeartbeatIntervalSeconds(heartbeatSeconds).setMasterInfo(master))
                .build();
    }

    static Event heartbeat() {
        return Event.newBuilder().setType(Event.Type.HEARTBEAT).build();
    }

    static Event offers(List<Protos.Offer> offers) {
        return Event.newBuilder().setType(Event.Type.OFFERS).setOffers(Event.Offers.newBuilder().addAllOffers(offers)).build();
    }

    static Event rescind(Protos.OfferID id) {
        return Event.newBuilder().setType(Event.Type.RESCIND).setRescind(Event.Rescind.newBuilder().setOfferId(id)).build();
    }

    static Event update(Protos.TaskStatus status) {
        return Event.newBuilder().setType(Event.Type.UPDATE).setUpdate(Event.Update.newBuilder().setStatus(status)).build();
    }

    static Event failure(Protos.AgentID agentId) {
        return Event.newBuilder().setType(Event.Type.FAILURE).setFailure(Event.Failure.newBuilder().setAgentId(agentId)).build();
    }

    static Event error(String message) {
        return Event.newBuilder().setType(Event.Type.ERROR).setError(Event.Error.newBuilder().setMessage(message)).build();
    }
}
