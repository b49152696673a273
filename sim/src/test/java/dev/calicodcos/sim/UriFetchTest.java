package dev.calicodcos.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.Protos.TaskState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class UriFetchTest {
    @TempDir
    Path files;
    private HttpServer server;
    private SimulatedCluster cluster;
    private TestScheduler scheduler;

    @BeforeEach
    void start() throws Exception {
        Files.createDirectories(files.resolve("pkg"));
        Files.writeString(files.resolve("pkg/hello.txt"), "hello");
        Process tar = new ProcessBuilder("tar", "-C", files.toString(), "-czf", files.resolve("pkg.tar.gz").toString(), "pkg").start();
        assertThat(tar.waitFor()).isZero();
        Files.writeString(files.resolve("run.sh"), "#!/bin/sh\necho ran\n");
        Files.writeString(files.resolve("plain.txt"), "plain");
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.createContext("/", exchange -> {
            Path file = files.resolve(exchange.getRequestURI().getPath().substring(1));
            if (!Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                byte[] bytes = Files.readAllBytes(file);
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        });
        server.start();
        cluster = SimulatedCluster.builder().agents(AgentSpec.privateAgent("10.0.1.21"))
                .heartbeatInterval(Duration.ofSeconds(1)).allocationInterval(Duration.ofMillis(100)).start();
        scheduler = new TestScheduler(cluster.masterUrl());
        scheduler.subscribe(TestScheduler.multiRole("calico").build());
    }

    @AfterEach
    void stop() throws Exception {
        scheduler.close();
        cluster.close();
        server.stop(0);
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    private TaskState runUntilTerminal(String taskId, Protos.CommandInfo.Builder command) throws Exception {
        Protos.Offer offer = await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.offers(o -> true), l -> !l.isEmpty()).get(0);
        scheduler.call(Tasks.launch(offer, Tasks.task(taskId, offer, command)));
        return await().atMost(Duration.ofSeconds(15)).until(() -> {
            for (Protos.TaskStatus s : scheduler.updates(taskId)) {
                scheduler.acknowledge(s);
            }
            return scheduler.updates(taskId).stream().map(Protos.TaskStatus::getState)
                    .filter(dev.calicodcos.sim.master.TaskStates::isTerminal).findFirst().orElse(null);
        }, java.util.Objects::nonNull);
    }

    @Test
    void urisAreFetchedExtractedAndMadeExecutableBeforeTheCommandRuns() throws Exception {
        Protos.CommandInfo.Builder command = Tasks.shell("test -f pkg/hello.txt && test -f pkg.tar.gz && test -x tool"
                + " && test \"$(./tool)\" = ran && test -f plain.txt");
        command.addUris(Protos.CommandInfo.URI.newBuilder().setValue(base() + "pkg.tar.gz"));
        command.addUris(Protos.CommandInfo.URI.newBuilder().setValue(base() + "run.sh").setExecutable(true).setOutputFile("tool"));
        command.addUris(Protos.CommandInfo.URI.newBuilder().setValue(files.resolve("plain.txt").toUri().toString()).setCache(true));

        assertThat(runUntilTerminal("fetching", command)).isEqualTo(TaskState.TASK_FINISHED);
    }

    @Test
    void failedFetchFailsTheTaskFromTheAgent() throws Exception {
        Protos.CommandInfo.Builder command = Tasks.shell("true");
        command.addUris(Protos.CommandInfo.URI.newBuilder().setValue(base() + "missing.tgz"));

        assertThat(runUntilTerminal("nofetch", command)).isEqualTo(TaskState.TASK_FAILED);
        Protos.TaskStatus failed = scheduler.updates("nofetch").get(0);
        assertThat(failed.getSource()).isEqualTo(Protos.TaskStatus.Source.SOURCE_AGENT);
        assertThat(failed.getReason()).isEqualTo(Protos.TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
        assertThat(failed.getMessage()).startsWith("Failed to launch container: Failed to fetch all URIs");
    }
}
