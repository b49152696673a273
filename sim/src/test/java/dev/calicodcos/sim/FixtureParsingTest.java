package dev.calicodcos.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Message;
import dev.calicodcos.sim.proto.StrictJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The upstream fixtures against the real Mesos 1.11 protobufs (runtime protobuf-java 3.25.5) through
 * the simulator's strict parser. Valid ones parse; the ones the fixtures README flags (⚠) fail.
 */
class FixtureParsingTest {
    private static final Path DIR = Path.of(System.getProperty("calico.dcos.sharedDir"), "fixtures", "mesos");

    /** Flagged ⚠ (not wire-accurate) or, for the ACCEPT example, not parseable by protobuf-java-util. */
    private static final List<String> REJECTED = List.of(
            "scheduler-subscribe-call-master-detection-example-INVALID.json",   // no 'subscribe' wrapper
            "scheduler-offers-event.json",                                      // offers not nested
            "scheduler-error-event.json",                                       // message not nested
            "scheduler-update-event.json",                                      // 'bytes' is not a field
            "operator-task-added-event.json",                                   // Task has no 'command'
            "operator-task-updated-event.json",                                 // IDs at top level
            "scheduler-acknowledge-call.json",                                  // uuid is not padded base64 of 16 bytes
            "scheduler-accept-call.json");                                      // limits: "Infinity" for a Value.Scalar

    static Stream<String> validFixtures() throws IOException {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith("scheduler-") || n.startsWith("operator-"))
                    .filter(n -> !REJECTED.contains(n)).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("validFixtures")
    void validFixtureParsesWithTheRealMesosProtobufs(String file) throws Exception {
        Message.Builder builder = builderFor(file);

        StrictJson.parse(Files.readString(DIR.resolve(file)), builder);

        assertThat(builder.isInitialized()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "scheduler-subscribe-call-master-detection-example-INVALID.json",
            "scheduler-offers-event.json", "scheduler-error-event.json", "scheduler-update-event.json",
            "operator-task-added-event.json", "operator-task-updated-event.json", "scheduler-accept-call.json",
            "scheduler-acknowledge-call.json"})
    void flaggedFixtureIsRejected(String file) throws Exception {
        String json = Files.readString(DIR.resolve(file));

        assertThatThrownBy(() -> StrictJson.parse(json, builderFor(file))).isInstanceOf(StrictJson.ParseFailure.class);
    }

    static Message.Builder builderFor(String file) {
        boolean call = file.contains("-call");
        if (file.startsWith("scheduler-")) {
            return call ? org.apache.mesos.v1.scheduler.Protos.Call.newBuilder()
                    : org.apache.mesos.v1.scheduler.Protos.Event.newBuilder();
        }
        if (call) {
            return org.apache.mesos.v1.master.Protos.Call.newBuilder();
        }
        return file.contains("-response") ? org.apache.mesos.v1.master.Protos.Response.newBuilder()
                : org.apache.mesos.v1.master.Protos.Event.newBuilder();
    }
}
