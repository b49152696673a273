package dev.calicodcos.reconcilers.agent;

import dev.calicodcos.reconcilers.cni.CniReconciler;
import dev.calicodcos.reconcilers.cni.HttpMesosAgentProbe;
import dev.calicodcos.reconcilers.container.ContainerConverger;
import dev.calicodcos.reconcilers.container.HostReadinessProbe;
import dev.calicodcos.reconcilers.container.ReadinessProbe;
import dev.calicodcos.reconcilers.container.LibnetworkReconciler;
import dev.calicodcos.reconcilers.container.NodeReconciler;
import dev.calicodcos.reconcilers.docker.DockerClusterStoreReconciler;
import dev.calicodcos.reconcilers.etcdproxy.EtcdProbe;
import dev.calicodcos.reconcilers.etcdproxy.EtcdProxyReconciler;
import dev.calicodcos.reconcilers.etcdproxy.JetcdProbe;
import dev.calicodcos.reconcilers.etcdproxy.JndiSrvResolver;
import dev.calicodcos.reconcilers.etcdproxy.SrvResolver;
import dev.calicodcos.reconcilers.host.Host;
import dev.calicodcos.reconcilers.step.CrashPoints;
import dev.calicodcos.reconcilers.step.DisruptionLog;
import dev.calicodcos.reconcilers.step.RestartGate;
import dev.calicodcos.reconcilers.step.StepReconciler;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Wires the five steps, in order, onto one {@link Host}: the node agent's composition of its parts. */
public final class NodeAgentSteps {
    public static final String VERSION = "0.1.0";

    private NodeAgentSteps() {}

    public static StepRunner runner(Host host, String nodeName, Clock clock, CrashPoints crashPoints) {
        return runner(host, nodeName, clock, crashPoints, new JndiSrvResolver(), new JetcdProbe(Duration.ofSeconds(3)));
    }

    public static StepRunner runner(Host host, String nodeName, Clock clock, CrashPoints crashPoints,
                                    SrvResolver srv, EtcdProbe probe) {
        return runner(host, nodeName, clock, crashPoints, srv, probe,
                new HostReadinessProbe(host.files(), host.network().loopback(), Duration.ofSeconds(2)));
    }

    public static StepRunner runner(Host host, String nodeName, Clock clock, CrashPoints crashPoints,
                                    SrvResolver srv, EtcdProbe probe, ReadinessProbe readiness) {
        DisruptionLog disruptions = new DisruptionLog(host.files(), clock);
        RestartGate gate = new RestartGate(host.files(), host.services(), clock, crashPoints, disruptions);
        ContainerConverger containers = new ContainerConverger(host.docker(), host.files(), readiness, disruptions, clock);
        List<StepReconciler> steps = List.of(
                new EtcdProxyReconciler(host.files(), host.services(), host.network(), host.downloads(), srv, probe, gate, clock,
                        crashPoints),
                new DockerClusterStoreReconciler(host.files(), host.services(), host.docker(), gate, crashPoints),
                new CniReconciler(host.files(), host.services(), host.downloads(),
                        new HttpMesosAgentProbe(host.network().loopback(), Duration.ofSeconds(2)), gate, crashPoints),
                new LibnetworkReconciler(containers),
                new NodeReconciler(containers));
        Preflight preflight = new Preflight(host.files(), host.commands(), host.docker(), nodeName);
        return new StepRunner(steps, preflight, gate, clock, VERSION);
    }
}
