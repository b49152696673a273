package dev.calicodcos.controller.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.controller.mesos.FrameworkInfo;
import dev.calicodcos.controller.mesos.MasterEndpoint;
import dev.calicodcos.controller.mesos.MesosSchedulerDriver;
import dev.calicodcos.controller.mesos.SchedulerDriverConfig;
import dev.calicodcos.controller.store.EtcdFrameworkIdStore;
import dev.calicodcos.model.ClusterKeys;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import okhttp3.OkHttpClient;

/**
 * Wires the node-agent framework for the controller: one driver per leadership term, the framework
 * id kept in etcd (fenced), node-agent tasks built by {@link NodeAgentTaskFactory}.
 *
 * @param principal the DC/OS service account uid when authentication is on
 */
public record MesosFleet(OkHttpClient http, MasterEndpoint master, ClusterKeys keys, String frameworkName, String role,
                         Optional<String> principal, NodeAgentTaskFactory tasks, Duration reconcileSettle, Clock clock) {

    public FleetFactory factory() {
        return (kv, leadership, registry) -> {
            FrameworkInfo info = FrameworkInfo.forEveryAgent("root", frameworkName, role);
            FrameworkInfo framework = principal.map(info::withPrincipal).orElse(info);
            EtcdFrameworkIdStore ids = new EtcdFrameworkIdStore(kv, keys.frameworkId(), leadership::fence);
            return new NodeAgentFramework(self -> new MesosSchedulerDriver(http, SchedulerDriverConfig.defaults(master, framework),
                    ids, self::knownTasks, self, new ObjectMapper()), tasks, clock, reconcileSettle, registry);
        };
    }
}
