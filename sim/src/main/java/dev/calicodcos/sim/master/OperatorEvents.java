package dev.calicodcos.sim.master;

import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.master.Protos.Event;
import org.apache.mesos.v1.master.Protos.Response;

/** Operator API events ({@code mesos.v1.master.Event}) built from master views. Pure. */
final class OperatorEvents {
    private OperatorEvents() {}

    static Event subscribed(Views.MasterView view, double heartbeatSeconds) {
        Response.GetTasks.Builder tasks = Response.GetTasks.newBuilder();
        Response.GetFrameworks.Builder frameworks = Response.GetFrameworks.newBuilder();
        for (Views.FrameworkView f : view.frameworks()) {
            frameworks.addFrameworks(framework(f));
            f.tasks().forEach(t -> tasks.addTasks(task(t, f.info().getUser())));
        }
        Response.GetState state = Response.GetState.newBuilder()
                .setGetTasks(tasks).setGetFrameworks(frameworks)
                .setGetExecutors(Response.GetExecutors.newBuilder())
                .setGetAgents(OperatorEndpoint.getAgents(view).getGetAgents()).build();
        return Event.newBuilder().setType(Event.Type.SUBSCRIBED).setSubscribed(Event.Subscribed.newBuilder()
                .setGetState(state).setHeartbeatIntervalSeconds(heartbeatSeconds)).build();
    }

    static Event heartbeat() {
        return Event.newBuilder().setType(Event.Type.HEARTBEAT).build();
    }

    static Event agentAdded(Views.AgentView agent) {
        return Event.newBuilder().setType(Event.Type.AGENT_ADDED)
                .setAgentAdded(Event.AgentAdded.newBuilder().setAgent(OperatorEndpoint.agent(agent))).build();
    }

    static Event agentRemoved(Protos.AgentID id) {
        return Event.newBuilder().setType(Event.Type.AGENT_REMOVED)
                .setAgentRemoved(Event.AgentRemoved.newBuilder().setAgentId(id)).build();
    }

    static Event taskAdded(Views.TaskView task, String user) {
        return Event.newBuilder().setType(Event.Type.TASK_ADDED)
                .setTaskAdded(Event.TaskAdded.newBuilder().setTask(task(task, user))).build();
    }

    static Event taskUpdated(Protos.FrameworkID frameworkId, Protos.TaskStatus status) {
        return Event.newBuilder().setType(Event.Type.TASK_UPDATED).setTaskUpdated(Event.TaskUpdated.newBuilder()
                .setFrameworkId(frameworkId).setStatus(status).setState(status.getState())).build();
    }

    static Event frameworkAdded(Views.FrameworkView framework) {
        return Event.newBuilder().setType(Event.Type.FRAMEWORK_ADDED)
                .setFrameworkAdded(Event.FrameworkAdded.newBuilder().setFramework(framework(framework))).build();
    }

    static Event frameworkRemoved(Protos.FrameworkInfo info) {
        return Event.newBuilder().setType(Event.Type.FRAMEWORK_REMOVED)
                .setFrameworkRemoved(Event.FrameworkRemoved.newBuilder().setFrameworkInfo(info)).build();
    }

    static Response.GetFrameworks.Framework framework(Views.FrameworkView f) {
        return Response.GetFrameworks.Framework.newBuilder().setFrameworkInfo(f.info()).setActive(f.active())
                .setConnected(f.active()).setRecovered(false).build();
    }

    static Protos.Task task(Views.TaskView t, String user) {
        Protos.Task.Builder b = Protos.Task.newBuilder().setName(t.info().getName()).setTaskId(t.info().getTaskId())
                .setFrameworkId(Protos.FrameworkID.newBuilder().setValue(t.frameworkId()))
                .setAgentId(t.info().getAgentId()).setState(t.state()).addAllResources(t.info().getResourcesList())
                .setUser(t.info().getCommand().hasUser() ? t.info().getCommand().getUser() : user);
        t.latest().ifPresent(s -> b.addStatuses(s).setStatusUpdateState(s.getState()).setStatusUpdateUuid(s.getUuid()));
        if (t.info().hasLabels()) {
            b.setLabels(t.info().getLabels());
        }
        if (t.info().hasKillPolicy()) {
            b.setKillPolicy(t.info().getKillPolicy());
        }
        return b.build();
    }
}
