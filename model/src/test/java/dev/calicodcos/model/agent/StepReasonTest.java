package dev.calicodcos.model.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The closed vocabulary of step reasons, and the operator's guide that explains every one of them. */
class StepReasonTest {
    private static final String TABLE_HEADER = "| reason | phase | retried by itself | step | what happened | what to do |";
    private static Map<String, List<String>> guideRows;

    /** docs/operations.md's reason table: the row's cells by the reason's token. */
    @BeforeAll
    static void readGuide() throws IOException {
        Path guide = Path.of(System.getProperty("calico.dcos.projectDir", ".."), "docs", "operations.md");
        List<String> lines = Files.readAllLines(guide, StandardCharsets.UTF_8);
        int header = lines.indexOf(TABLE_HEADER);
        assertThat(header).as("docs/operations.md has the table of reasons: " + TABLE_HEADER).isNotNegative();
        List<List<String>> rows = lines.subList(header + 2, lines.size()).stream().takeWhile(l -> l.startsWith("|"))
                .map(l -> Arrays.stream(l.substring(1, l.length() - 1).split("\\|")).map(String::strip).toList()).toList();
        guideRows = rows.stream().collect(Collectors.toMap(r -> r.get(0).replace("`", ""), Function.identity(), (a, b) -> {
            throw new AssertionError("the guide lists a reason twice: " + a.get(0));
        }));
    }

    @ParameterizedTest
    @EnumSource(StepReason.class)
    void everyReasonIsExplainedInTheOperatorsGuide(StepReason reason) {
        List<String> row = guideRows.get(reason.token());

        assertThat(row).as("docs/operations.md section 12 has no row for " + reason.token()).isNotNull();
        assertThat(row).hasSize(6);
        assertThat(row.get(1)).as("phase of " + reason.token()).isEqualTo("`" + reason.phase() + "`");
        assertThat(row.get(2)).as("retried by itself, " + reason.token()).isEqualTo(reason.retryable() ? "yes" : "no");
        assertThat(row.subList(3, 6)).as("step, what happened, what to do").allMatch(cell -> !cell.isBlank());
    }

    @Test
    void theGuideListsNoReasonTheNodeAgentDoesNotGive() {
        assertThat(guideRows.keySet()).allSatisfy(token -> assertThat(StepReason.fromToken(token)).as(token).isPresent());
    }

    @ParameterizedTest
    @EnumSource(StepReason.class)
    void aTokenIsTheConstantsNameInUpperCamelCaseAndReadsBack(StepReason reason) {
        String camel = Arrays.stream(reason.name().split("_"))
                .map(word -> word.charAt(0) + word.substring(1).toLowerCase()).collect(Collectors.joining());

        assertThat(reason.token()).isEqualTo(camel);
        assertThat(StepReason.fromToken(reason.token())).contains(reason);
    }

    @Test
    void onlyPhasesThatNeedAReasonHaveOnes() {
        assertThat(Arrays.stream(StepReason.values()).map(StepReason::phase).distinct())
                .containsExactlyInAnyOrder(StepPhase.FAILED, StepPhase.AWAITING_RESTART, StepPhase.UNSUPPORTED, StepPhase.BLOCKED);
    }

    @Test
    void aReasonOfAnotherVersionIsUnknownNotAnError() {
        assertThat(StepReason.fromToken("SomethingNew")).isEmpty();
    }
}
