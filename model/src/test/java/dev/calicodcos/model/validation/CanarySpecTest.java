package dev.calicodcos.model.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.model.Specs;
import dev.calicodcos.model.spec.Canary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CanarySpecTest {
    @ParameterizedTest(name = "canary {0} of {1} agents is {2}")
    @CsvSource({"0, 50, 0", "2, 50, 2", "2, 1, 1", "10%, 50, 5", "10%, 7, 1", "1%, 1000, 10", "100%, 3, 3", "0%, 9, 0"})
    void aCountOrAPercentageRoundedUpPicksTheWave(String canary, int selected, int wave) {
        var spec = Specs.parse(Specs.withSpec("rollout:\n  canary: " + (canary.endsWith("%") ? "\"" + canary + "\"" : canary) + "\n"));

        assertThat(spec.spec().rollout().canary().of(selected)).isEqualTo(wave);
        assertThat(spec.spec().rollout().canary().toString()).isEqualTo(canary);
    }

    @Test
    void oldSpecsHaveNoCanaryWave() {
        assertThat(Specs.parse(Specs.withSpec("rollout: {maxConcurrentRestarts: 2}\n")).spec().rollout().canary()).isEqualTo(Canary.NONE);
    }

    @Test
    void anImpossibleCanaryIsRejectedNamingTheFieldAndLine() {
        ReadResult percent = Specs.read(Specs.withSpec("rollout:\n  canary: \"150%\"\n"));
        ReadResult negative = Specs.read(Specs.withSpec("rollout:\n  canary: -1\n"));
        ReadResult word = Specs.read(Specs.withSpec("rollout:\n  canary: two\n"));

        assertThat(percent.problems()).extracting(p -> p.format("f.yaml"))
                .containsExactly("f.yaml:7:5: spec.rollout.canary: must be a number of agents such as 2, or a percentage such as 10%");
        assertThat(negative.problems()).extracting(p -> p.format("f.yaml")).singleElement().asString()
                .startsWith("f.yaml:7:5: spec.rollout.canary: must be ≥ 0");
        assertThat(word.problems()).extracting(p -> p.format("f.yaml")).singleElement().asString()
                .contains("spec.rollout.canary");
    }

    @Test
    void aSelectorNamesTheWaveByHostnameOrAttributesAndWritesBackAsGiven() {
        var spec = Specs.parse(Specs.withSpec("rollout:\n  canary:\n    hostnames: [a1.example.com]\n    attributes: {rack: r1}\n"));

        Canary canary = spec.spec().rollout().canary();
        assertThat(canary.selector()).hasValueSatisfying(s -> {
            assertThat(s.matches("a1.example.com", java.util.Map.of("rack", "r1", "zone", "z"))).isTrue();
            assertThat(s.matches("a1.example.com", java.util.Map.of("rack", "r2"))).isFalse();
            assertThat(s.matches("a2.example.com", java.util.Map.of("rack", "r1"))).isFalse();
        });
        assertThat(canary).hasToString("{hostnames: [a1.example.com], attributes: {rack: r1}}");
        assertThat(Specs.parse(new dev.calicodcos.model.codec.SpecCodec().toYaml(spec)).spec().rollout().canary()).isEqualTo(canary);
    }

    @Test
    void anEmptyOrMisspelledSelectorIsRejectedNamingTheField() {
        ReadResult empty = Specs.read(Specs.withSpec("rollout:\n  canary: {}\n"));
        ReadResult misspelled = Specs.read(Specs.withSpec("rollout:\n  canary: {hostname: [a1]}\n"));
        ReadResult noHosts = Specs.read(Specs.withSpec("rollout:\n  canary: {hostnames: []}\n"));

        assertThat(empty.problems()).extracting(p -> p.format("f.yaml")).singleElement().asString().contains("spec.rollout.canary");
        assertThat(misspelled.problems()).extracting(p -> p.format("f.yaml")).singleElement().asString()
                .contains("spec.rollout.canary").contains("hostname");
        assertThat(noHosts.problems()).extracting(p -> p.format("f.yaml")).singleElement().asString()
                .contains("spec.rollout.canary.hostnames");
    }
}
