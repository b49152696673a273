package dev.calicodcos.reconcilers.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.reconcilers.host.CommandResult;
import dev.calicodcos.reconcilers.host.ContainerSpec;
import dev.calicodcos.reconcilers.host.ContainerState;
import dev.calicodcos.reconcilers.host.DockerEngine;
import dev.calicodcos.reconcilers.host.DockerInfo;
import dev.calicodcos.reconcilers.host.HostCommands;
import dev.calicodcos.reconcilers.host.RootedFiles;
import dev.calicodcos.reconcilers.host.StepFailure;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreflightTest {
    @TempDir
    Path root;

    private final HostCommands noCommands = (argv, timeout) -> new CommandResult(127, "", "not on this host");

    @Test
    void theFactsCarryDockersLiveRestoreSetting() {
        Preflight on = new Preflight(new RootedFiles(root), noCommands, docker(new DockerInfo("20.10.7", Optional.empty(), Optional.empty(), true)), "a1");
        Preflight off = new Preflight(new RootedFiles(root), noCommands, docker(new DockerInfo("20.10.7", Optional.empty(), Optional.empty(), false)), "a1");

        assertThat(on.run().facts().dockerLiveRestore()).contains(true);
        assertThat(off.run().facts().dockerLiveRestore()).contains(false);
        assertThat(on.run().facts().dockerVersion()).contains("20.10.7");
    }

    @Test
    void liveRestoreIsUnknownWhenDockerDoesNotAnswer() {
        Preflight preflight = new Preflight(new RootedFiles(root), noCommands, docker(null), "a1");

        assertThat(preflight.run().facts().dockerLiveRestore()).isEmpty();
        assertThat(preflight.run().facts().dockerVersion()).isEmpty();
    }

    /** A Docker engine that only answers {@code docker info} ({@code null}: dockerd is not running). */
    private static DockerEngine docker(DockerInfo info) {
        return new DockerEngine() {
            @Override
            public DockerInfo info() {
                if (info == null) {
                    throw new StepFailure(StepReason.DOCKER_NOT_RUNNING, "Cannot connect to the Docker daemon");
                }
                return info;
            }

            @Override
            public Optional<ContainerState> inspect(String name) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void ensureImage(String image) {
                throw new UnsupportedOperationException();
            }

            @Override
            public String run(ContainerSpec spec) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void start(String id) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void remove(String id) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
