package dev.calicodcos.sim;

import java.util.List;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.scheduler.Protos.Call;

/** Builders for launch calls in tests. */
// Resource.role and FrameworkInfo.role are deprecated in mesos.proto but are the wire fields
// for frameworks without RESERVATION_REFINEMENT / MULTI_ROLE (reference 7.3, 7.6).
@SuppressWarnings("deprecation")
final class Tasks {
    private Tasks() {}

    /** A command task taking 0.1 cpus and 32 MB with the offer's role information copied. */
    static Protos.TaskInfo.Builder task(String id, Protos.Offer offer, Protos.CommandInfo.Builder command) {
        String role = offer.getResources(0).getRole();
        Protos.Resource.Builder cpus = Protos.Resource.newBuilder().setName("cpus").setType(Protos.Value.Type.SCALAR)
                .setScalar(Protos.Value.Scalar.newBuilder().setValue(0.1)).setRole(role);
        Protos.Resource.Builder mem = Protos.Resource.newBuilder().setName("mem").setType(Protos.Value.Type.SCALAR)
                .setScalar(Protos.Value.Scalar.newBuilder().setValue(32)).setRole(role);
        if (offer.hasAllocationInfo()) {
            cpus.setAllocationInfo(offer.getAllocationInfo());
            mem.setAllocationInfo(offer.getAllocationInfo());
        }
        return Protos.TaskInfo.newBuilder().setName(id).setTaskId(Protos.TaskID.newBuilder().setValue(id))
                .setAgentId(offer.getAgentId()).addResources(cpus).addResources(mem).setCommand(command);
    }

    static Protos.CommandInfo.Builder args(String... argv) {
        return Protos.CommandInfo.newBuilder().setShell(false).setValue(argv[0]).addAllArguments(List.of(argv));
    }

    static Protos.CommandInfo.Builder shell(String script) {
        return Protos.CommandInfo.newBuilder().setShell(true).setValue(script);
    }

    static Call.Builder launch(Protos.Offer offer, Protos.TaskInfo.Builder... tasks) {
        Protos.Offer.Operation.Launch.Builder launch = Protos.Offer.Operation.Launch.newBuilder();
        for (Protos.TaskInfo.Builder t : tasks) {
            launch.addTaskInfos(t);
        }
        return Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder().addOfferIds(offer.getId())
                .addOperations(Protos.Offer.Operation.newBuilder().setType(Protos.Offer.Operation.Type.LAUNCH).setLaunch(launch))
                .setFilters(Protos.Filters.newBuilder().setRefuseSeconds(3600)));
    }
}
