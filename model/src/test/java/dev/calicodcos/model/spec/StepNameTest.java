package dev.calicodcos.model.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.model.Specs;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every step finds its own section of the spec, the one named like the step. */
class StepNameTest {

    @ParameterizedTest
    @EnumSource(StepName.class)
    void aStepsSectionIsTheSpecFieldNamedAfterIt(StepName step) throws ReflectiveOperationException {
        CalicoClusterSpec spec = Specs.minimal().spec();
        RecordComponent field = Arrays.stream(CalicoClusterSpec.class.getRecordComponents())
                .filter(c -> c.getName().equals(step.id())).findFirst().orElseThrow();

        assertThat(step.section(spec)).isSameAs(field.getAccessor().invoke(spec));
    }

    @ParameterizedTest
    @EnumSource(StepName.class)
    void switchingAStepOffDisablesThatStepAlone(StepName step) {
        CalicoClusterSpec spec = Specs.parse(Specs.withSpec(step.id() + ":\n  enabled: false")).spec();

        assertThat(Arrays.stream(StepName.values()).filter(s -> !s.enabledIn(spec))).containsExactly(step);
    }

    @Test
    void everyKindOfSectionBelongsToExactlyOneStep() {
        CalicoClusterSpec spec = Specs.minimal().spec();
        Set<Class<?>> used = Arrays.stream(StepName.values()).map(s -> s.section(spec).getClass()).collect(Collectors.toSet());

        assertThat(used).hasSize(StepName.values().length).containsExactlyInAnyOrder(StepSection.class.getPermittedSubclasses());
    }
}
