package dev.calicodcos.reconcilers.host;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Volume;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.model.spec.Resources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** {@link DockerEngine} through docker-java over the engine's socket. */
public final class DockerJavaEngine implements DockerEngine, AutoCloseable {
    private final DockerClient client;
    private final String dockerHost;

    private DockerJavaEngine(DockerClient client, String dockerHost) {
        this.client = client;
        this.dockerHost = dockerHost;
    }

    /** {@code dockerHost} as DOCKER_HOST spells it, e.g. {@code unix:///var/run/docker.sock}. */
    public static DockerJavaEngine connect(String dockerHost, Duration timeout) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(dockerHost)
                .withDockerTlsVerify(false)
                .build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(URI.create(dockerHost))
                .connectionTimeout(Duration.ofSeconds(5))
                .responseTimeout(timeout)
                .maxConnections(8)
                .build();
        return new DockerJavaEngine(DockerClientImpl.getInstance(config, http), dockerHost);
    }

    @Override
    public DockerInfo info() {
        Info info = call(() -> client.infoCmd().exec());
        // docker-java's Info has no LiveRestoreEnabled property: it lands among the raw values.
        return new DockerInfo(info.getServerVersion(), nonBlank(info.getClusterStore()), nonBlank(info.getClusterAdvertise()),
                Boolean.TRUE.equals(info.getRawValues().get("LiveRestoreEnabled")));
    }

    @Override
    public Optional<ContainerState> inspect(String name) {
        return call(() -> {
            try {
                InspectContainerResponse c = client.inspectContainerCmd(name).exec();
                Map<String, String> labels = c.getConfig().getLabels() == null ? Map.of() : c.getConfig().getLabels();
                boolean running = Boolean.TRUE.equals(c.getState().getRunning()) && !Boolean.TRUE.equals(c.getState().getRestarting());
                return Optional.of(new ContainerState(c.getId(), c.getConfig().getImage(), c.getImageId(), labels, running,
                        definition(c, labels)));
            } catch (NotFoundException e) {
                return Optional.empty();
            }
        });
    }

    /** The container as {@link #run} would create it again, from the image it runs now (by id). */
    private static ContainerSpec definition(InspectContainerResponse c, Map<String, String> labels) {
        HostConfig host = c.getHostConfig();
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : c.getConfig().getEnv() == null ? new String[0] : c.getConfig().getEnv()) {
            int eq = line.indexOf('=');
            env.put(eq < 0 ? line : line.substring(0, eq), eq < 0 ? "" : line.substring(eq + 1));
        }
        Map<String, String> binds = new LinkedHashMap<>();
        if (host != null && host.getBinds() != null) {
            for (Bind bind : host.getBinds()) {
                binds.put(bind.getPath(), bind.getVolume().getPath());
            }
        }
        Optional<Resources> limits = host == null || host.getMemory() == null || host.getNanoCPUs() == null
                || host.getMemory() == 0 || host.getNanoCPUs() == 0
                ? Optional.empty()
                : Optional.of(new Resources(host.getNanoCPUs() / 1e9, (int) (host.getMemory() / (1024L * 1024L))));
        String restart = host == null || host.getRestartPolicy() == null ? "no" : host.getRestartPolicy().getName();
        return new ContainerSpec(c.getName().startsWith("/") ? c.getName().substring(1) : c.getName(), c.getImageId(), env,
                binds, host != null && Boolean.TRUE.equals(host.getPrivileged()),
                host == null || host.getNetworkMode() == null ? "default" : host.getNetworkMode(),
                restart == null || restart.isEmpty() ? "no" : restart, labels, limits);
    }

    @Override
    public void ensureImage(String image) {
        call(() -> {
            try {
                client.inspectImageCmd(image).exec();
                return null;
            } catch (NotFoundException e) {
                try {
                    client.pullImageCmd(image).start().awaitCompletion(10, TimeUnit.MINUTES);
                    return null;
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new StepFailure(StepReason.INTERRUPTED, "interrupted while pulling " + image, interrupted);
                } catch (DockerException pull) {
                    throw new StepFailure(StepReason.IMAGE_PULL_FAILED, "cannot pull " + image + ": " + pull.getMessage(), pull);
                }
            }
        });
    }

    @Override
    public String run(ContainerSpec spec) {
        return call(() -> {
            List<Bind> binds = spec.binds().entrySet().stream()
                    .map(b -> new Bind(b.getKey(), new Volume(b.getValue())))
                    .toList();
            HostConfig host = HostConfig.newHostConfig()
                    .withNetworkMode(spec.networkMode())
                    .withPrivileged(spec.privileged())
                    .withRestartPolicy(RestartPolicy.parse(spec.restartPolicy()))
                    .withBinds(binds);
            spec.limits().ifPresent(limits -> host
                    .withMemory(limits.memMb() * 1024L * 1024L)
                    .withNanoCPUs((long) (limits.cpus() * 1_000_000_000L)));
            CreateContainerResponse created = client.createContainerCmd(spec.image())
                    .withName(spec.name())
                    .withEnv(spec.envList())
                    .withLabels(spec.labels())
                    .withHostConfig(host)
                    .exec();
            client.startContainerCmd(created.getId()).exec();
            return created.getId();
        });
    }

    @Override
    public void start(String id) {
        call(() -> client.startContainerCmd(id).exec());
    }

    @Override
    public void remove(String id) {
        call(() -> {
            try {
                client.removeContainerCmd(id).withForce(true).exec();
            } catch (NotFoundException ignored) {
                // already gone: what we wanted
            }
            return null;
        });
    }

    private <T> T call(DockerCall<T> call) {
        try {
            return call.exec();
        } catch (StepFailure e) {
            throw e;
        } catch (DockerException e) {
            throw new StepFailure(StepReason.DOCKER_ERROR, "docker at " + dockerHost + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // docker-java wraps connection failures (refused, missing socket) in plain runtime exceptions.
            throw new StepFailure(StepReason.DOCKER_NOT_RUNNING, "docker at " + dockerHost + " does not answer: " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    private static Optional<String> nonBlank(String value) {
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value);
    }

    @FunctionalInterface
    private interface DockerCall<T> {
        T exec();
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
