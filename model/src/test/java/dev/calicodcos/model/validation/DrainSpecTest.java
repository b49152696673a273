package dev.calicodcos.model.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.model.Specs;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.hash.StepHashes;
import dev.calicodcos.model.spec.CalicoClusterSpec;
import dev.calicodcos.model.spec.Rollout;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DrainSpecTest {
    private final SpecCodec codec = new SpecCodec();

    @Test
    void aSpecWithoutDrainMeansOffWithATenMinuteTimeout() {
        Rollout rollout = Specs.parse(Specs.withSpec("rollout: {maxConcurrentRestarts: 2}\n")).spec().rollout();

        assertThat(rollout.drain()).isEqualTo(Rollout.Drain.OFF);
        assertThat(rollout.drain().enabled()).isFalse();
        assertThat(rollout.drain().timeout()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void drainReadsWithItsTimeoutAndSurvivesTheRoundTrip() throws Exception {
        CalicoClusterSpec spec = Specs.parse(Specs.withSpec("rollout:\n  drain:\n    enabled: true\n    timeout: 90s\n")).spec();

        assertThat(spec.rollout().drain()).isEqualTo(new Rollout.Drain(true, Duration.ofSeconds(90)));
        assertThat(codec.json().readValue(codec.json().writeValueAsBytes(spec), CalicoClusterSpec.class)).isEqualTo(spec);
        assertThat(codec.toJson(spec)).contains("\"timeout\" : \"90s\"");
    }

    @Test
    void theMaintenanceWindowCoversTheDrainTheRestartAndItsStabilityPeriod() {
        Rollout rollout = Specs.parse(Specs.withSpec(
                "rollout:\n  restartTimeout: 2m\n  stabilityPeriod: 20s\n  drain: {enabled: true, timeout: 5m}\n")).spec().rollout();

        assertThat(rollout.drain().window(rollout)).isEqualTo(Duration.ofSeconds(7 * 60 + 20));
    }

    @Test
    void drainChangesNoStepHash() {
        StepHashes hashes = new StepHashes(codec);
        CalicoClusterSpec off = Specs.parse(Specs.withSpec("rollout: {maxConcurrentRestarts: 2}\n")).spec();
        CalicoClusterSpec on = Specs.parse(Specs.withSpec("rollout:\n  maxConcurrentRestarts: 2\n  drain: {enabled: true, timeout: 1m}\n"))
                .spec();

        assertThat(hashes.of(on)).isEqualTo(hashes.of(off));
    }

    @Test
    void aBadDrainIsAnErrorNamingTheField() {
        ReadResult word = Specs.read(Specs.withSpec("rollout:\n  drain:\n    timeout: soon\n"));
        ReadResult unknown = Specs.read(Specs.withSpec("rollout:\n  drain:\n    enable: true\n"));

        assertThat(word.problems()).extracting(Problem::text).singleElement().asString()
                .contains("spec.rollout.drain.timeout", "must be a duration");
        assertThat(unknown.problems()).extracting(Problem::text).singleElement().asString()
                .contains("spec.rollout.drain", "enable");
    }
}
