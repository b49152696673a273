package dev.calicodcos.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Runs a simulated cluster stand-alone until interrupted, for poking at it by hand:
 * {@code java -cp <sim classpath> dev.calicodcos.sim.SimulatedClusterMain [private agents] [public agents]}.
 */
public final class SimulatedClusterMain {
    private SimulatedClusterMain() {}

    public static void main(String[] args) throws Exception {
        int privateAgents = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        int publicAgents = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        List<AgentSpec> specs = new ArrayList<>();
        for (int i = 0; i < privateAgents; i++) {
            specs.add(AgentSpec.privateAgent("10.0.1." + (21 + i)));
        }
        for (int i = 0; i < publicAgents; i++) {
            specs.add(AgentSpec.publicAgent("10.0.5." + (10 + i)));
        }
        SimulatedCluster cluster = SimulatedCluster.builder().agents(specs).agentRestartDelay(Duration.ofSeconds(3)).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cluster.close();
            stopped.countDown();
        }));
        System.out.println("master " + cluster.masterUrl());
        System.out.println("admin  " + cluster.adminUrl());
        cluster.hostRoots().forEach((host, root) -> System.out.println("agent  " + host + " root=" + root
                + " docker=" + cluster.agent(host).docker().dockerHost()));
        stopped.await();
    }
}
