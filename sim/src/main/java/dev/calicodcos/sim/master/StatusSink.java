package dev.calicodcos.sim.master;

import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.TaskStatus;

/** What an agent tells the master: a status update to forward (the agent retries until acknowledged). */
public interface StatusSink {
    void statusUpdate(AgentID agentId, FrameworkID frameworkId, TaskStatus status);
}
