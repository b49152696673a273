package dev.calicodcos.sim.master;

import dev.calicodcos.sim.AgentSpec;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskStatus;

/** Master bookkeeping. Mutable records are guarded by the {@link Master} lock. */
// Resource.role and FrameworkInfo.role are deprecated in mesos.proto but are the wire fields
// for frameworks without RESERVATION_REFINEMENT / MULTI_ROLE (reference 7.3, 7.6).
@SuppressWarnings("deprecation")
final class Records {
    private Records() {}

    static final class Framework {
        final FrameworkID id;
        FrameworkInfo info;
        final Set<String> suppressedRoles = new HashSet<>();
        final OfferFilters filters = new OfferFilters();
        EventStream stream;
        ScheduledFuture<?> failoverTimer;
        /** A framework the simulator stands in for (a test's workloads): active without a stream, never offered anything. */
        final boolean standIn;

        Framework(FrameworkID id, FrameworkInfo info) {
            this(id, info, false);
        }

        Framework(FrameworkID id, FrameworkInfo info, boolean standIn) {
            this.id = id;
            this.info = info;
            this.standIn = standIn;
        }

        /** Listed as active and connected: subscribed, or stood in for. */
        boolean active() {
            return standIn || connected();
        }

        boolean connected() {
            return stream != null && stream.isOpen();
        }

        boolean has(FrameworkInfo.Capability.Type capability) {
            return info.getCapabilitiesList().stream().anyMatch(c -> c.getType() == capability);
        }

        boolean multiRole() {
            return has(FrameworkInfo.Capability.Type.MULTI_ROLE);
        }

        boolean partitionAware() {
            return has(FrameworkInfo.Capability.Type.PARTITION_AWARE);
        }

        List<String> roles() {
            return multiRole() ? info.getRolesList() : List.of(info.getRole());
        }
    }

    static final class Agent {
        final AgentID id;
        final AgentSpec spec;
        final AgentConnection connection;
        final ResourcePool total;
        final Instant registeredTime;
        Instant reregisteredTime;
        boolean connected = true;

        Agent(AgentID id, AgentSpec spec, AgentConnection connection, ResourcePool total, Instant registeredTime) {
            this.id = id;
            this.spec = spec;
            this.connection = connection;
            this.total = total;
            this.registeredTime = registeredTime;
        }
    }

    record Offer(OfferID id, FrameworkID frameworkId, AgentID agentId, String role, ResourcePool resources,
                 Protos.Offer proto) {}

    record Filter(String agentId, String role, ResourcePool resources, Instant expiry) {}

    static final class Task {
        final TaskInfo info;
        final FrameworkID frameworkId;
        final String role;
        final ResourcePool resources;
        TaskStatus latest;                 // null while STAGING
        TaskStatus unreachable;            // set by the master while the task's agent is unreachable

        Task(TaskInfo info, FrameworkID frameworkId, String role, ResourcePool resources) {
            this.info = info;
            this.frameworkId = frameworkId;
            this.role = role;
            this.resources = resources;
        }

        Protos.TaskState state() {
            if (unreachable != null) {
                return Protos.TaskState.TASK_UNREACHABLE;
            }
            return latest == null ? Protos.TaskState.TASK_STAGING : latest.getState();
        }

        boolean terminal() {
            return TaskStates.isTerminal(state());
        }
    }
}
