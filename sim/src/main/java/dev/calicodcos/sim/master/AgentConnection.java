package dev.calicodcos.sim.master;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.Optional;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;

/** What the master asks of an agent. Every method returns at once; results come back as status updates. */
public interface AgentConnection {
    void launch(FrameworkID frameworkId, FrameworkInfo framework, TaskInfo task);

    void kill(TaskID taskId, Optional<Duration> gracePeriod);

    void acknowledge(TaskID taskId, ByteString uuid);

    /** Kills every task of a removed framework and forgets its pending updates. */
    void shutdownFramework(FrameworkID frameworkId);
}
