package dev.calicodcos.sim.master;

import dev.calicodcos.sim.AgentSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.mesos.v1.Protos;

// Resource.role is deprecated in mesos.proto but is the wire field without RESERVATION_REFINEMENT.
/** An agent's resources and attributes as Mesos shows them, and the offers made from them. Pure. */
@SuppressWarnings("deprecation")
final class AgentOffers {
    private AgentOffers() {}

    static Protos.Offer offer(Protos.OfferID id, Protos.FrameworkID frameworkId, boolean multiRole, Protos.AgentID agentId,
                              AgentSpec spec, String role, ResourcePool resources) {
        Optional<String> allocation = multiRole ? Optional.of(role) : Optional.empty();
        String host = spec.hostname();
        Protos.Offer.Builder b = Protos.Offer.newBuilder().setId(id).setFrameworkId(frameworkId).setAgentId(agentId)
                .setHostname(host)
                .setUrl(Protos.URL.newBuilder().setScheme("http").setPath("/slave(1)")
                        .setAddress(Protos.Address.newBuilder().setHostname(host).setIp(host).setPort(5051)))
                .addAllResources(resources.toProtos(allocation))
                .addAllAttributes(attributes(spec));
        allocation.ifPresent(r -> b.setAllocationInfo(Protos.Resource.AllocationInfo.newBuilder().setRole(r)));
        return b.build();
    }

    static List<Protos.Attribute> attributes(AgentSpec spec) {
        List<Protos.Attribute> out = new ArrayList<>();
        spec.attributes().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                out.add(Protos.Attribute.newBuilder().setName(e.getKey()).setType(Protos.Value.Type.TEXT)
                        .setText(Protos.Value.Text.newBuilder().setValue(e.getValue())).build()));
        return out;
    }

    /** The agent's total resources as offered: role "*" on private agents, {@code slave_public} on public ones. */
    static List<Protos.Resource> totalResources(AgentSpec spec) {
        String role = spec.reservationRole();
        Protos.Value.Ranges.Builder ports = Protos.Value.Ranges.newBuilder();
        spec.ports().forEach(r -> ports.addRange(Protos.Value.Range.newBuilder().setBegin(r[0]).setEnd(r[1])));
        return List.of(
                scalar("cpus", spec.cpus(), role), scalar("mem", spec.memMb(), role), scalar("disk", spec.diskMb(), role),
                Protos.Resource.newBuilder().setName("ports").setType(Protos.Value.Type.RANGES).setRanges(ports)
                        .setRole(role).build());
    }

    private static Protos.Resource scalar(String name, double value, String role) {
        return Protos.Resource.newBuilder().setName(name).setType(Protos.Value.Type.SCALAR)
                .setScalar(Protos.Value.Scalar.newBuilder().setValue(value)).setRole(role).build();
    }
}
