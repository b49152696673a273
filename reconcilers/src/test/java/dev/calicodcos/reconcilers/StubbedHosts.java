package dev.calicodcos.reconcilers;

import dev.calicodcos.reconcilers.agent.NodeAgentSteps;
import dev.calicodcos.reconcilers.agent.StepRunner;
import dev.calicodcos.reconcilers.host.Host;
import dev.calicodcos.reconcilers.host.LocalCommands;
import dev.calicodcos.reconcilers.host.RootedFiles;
import dev.calicodcos.reconcilers.host.Services;
import dev.calicodcos.reconcilers.host.UrlDownloader;
import dev.calicodcos.reconcilers.step.CrashPoints;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The five steps on a host root with stubbed services, Docker engine and network: passes that start
 * no process (no {@code detect_ip} under the root), so the unit tier can run them.
 */
public final class StubbedHosts {
    private StubbedHosts() {}

    /** @param dockerVersion the engine's version, or empty: no engine running */
    public static StepRunner runner(Path root, Services services, Optional<String> dockerVersion) {
        Host host = new Host(new RootedFiles(root), services, new StubDockerEngine(dockerVersion), new LocalCommands(Map.of()),
                new UrlDownloader(Duration.ofSeconds(5)), new StubNetwork("127.0.0.1"));
        return NodeAgentSteps.runner(host, "agent-1", Clock.systemUTC(), CrashPoints.NONE);
    }
}
