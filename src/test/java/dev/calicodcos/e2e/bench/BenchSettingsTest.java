package dev.calicodcos.e2e.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.calicodcos.reconcilers.agent.NodeAgentConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BenchSettingsTest {

    private static BenchSettings settings(Map<String, String> properties) {
        return BenchSettings.from(properties::get);
    }

    @Test
    void casesComeFromTheCommandLineWithKAsACountOrAPercentageOfN() {
        BenchSettings s = settings(Map.of("bench.cases", "1000:10:500ms:500ms, 10000:1%:500ms:500ms,150:1%:1s:2s"));

        assertThat(s.cases()).extracting(BenchCase::agents, BenchCase::budget)
                .containsExactly(tuple(1000, 10), tuple(10000, 100),
                        tuple(150, 1));
        assertThat(s.cases().get(2).restart()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.cases().get(2).stability()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theLowerBoundIsTheWavesTimesRestartPlusStabilityAndTheTimeoutThreeTimesItPlusAMinute() {
        BenchCase c = BenchCase.parse("1001:10:300ms:200ms");

        assertThat(c.lowerBound()).isEqualTo(Duration.ofMillis(101 * 500));
        assertThat(c.timeout()).isEqualTo(Duration.ofMillis(3 * 101 * 500).plusSeconds(60));
    }

    @Test
    void theRatioGoalIsTighterWithOneRestartAtATime() {
        assertThat(BenchCase.parse("1000:1:250ms:250ms").ratioGoal()).isEqualTo(1.05);
        assertThat(BenchCase.parse("1000:1%:500ms:500ms").ratioGoal()).isEqualTo(1.10);
    }

    @Test
    void aBadCaseIsRefusedNamingTheEntryAndTheField() {
        assertThatThrownBy(() -> settings(Map.of("bench.cases", "1000:10:500ms")))
                .hasMessageContaining("'1000:10:500ms'").hasMessageContaining("N:K:restart:stability");
        assertThatThrownBy(() -> settings(Map.of("bench.cases", "1000:ten:500ms:500ms")))
                .hasMessageContaining("'1000:ten:500ms:500ms'").hasMessageContaining("K (max concurrent restarts");
        assertThatThrownBy(() -> settings(Map.of("bench.cases", "1000:10:half:500ms")))
                .hasMessageContaining("restart").hasMessageContaining("half");
        assertThatThrownBy(() -> settings(Map.of("bench.cases", "1000:150%:1s:1s"))).hasMessageContaining("percentage");
        assertThatThrownBy(() -> settings(Map.of("bench.cases", " , "))).hasMessageContaining("no case given");
    }

    @Test
    void withoutCasesTheIssuesCasesRunAndQuickRunsOneSmallCase() {
        assertThat(settings(Map.of()).cases()).extracting(BenchCase::text)
                .containsExactly("1000:1%:500ms:500ms", "5000:1%:500ms:500ms", "10000:1%:500ms:500ms", "1000:1:250ms:250ms");
        assertThat(settings(Map.of("bench.quick", "true")).cases()).extracting(BenchCase::text).containsExactly("200:20:300ms:200ms");
    }

    @Test
    void phasesAreOffUnlessAskedForAndTakeTheirDefaultsWhenGivenWithoutAValue() {
        BenchSettings off = settings(Map.of());
        assertThat(off.edits()).isZero();
        assertThat(off.idle()).isEmpty();

        BenchSettings defaults = settings(Map.of("bench.edits", "", "bench.idle", ""));
        assertThat(defaults.edits()).isEqualTo(20);
        assertThat(defaults.idle()).contains(Duration.ofMinutes(5));

        BenchSettings given = settings(Map.of("bench.edits", "5", "bench.idle", "30s", "bench.phasesAt", "10000"));
        assertThat(given.edits()).isEqualTo(5);
        assertThat(given.idle()).contains(Duration.ofSeconds(30));
        assertThat(given.phasesFor(BenchCase.parse("10000:1%:500ms:500ms"))).isTrue();
        assertThat(given.phasesFor(BenchCase.parse("1000:1%:500ms:500ms"))).isFalse();
    }

    @Test
    void theSimulatedNodeAgentsPaceThemselvesAsTheRealOneUnlessToldOtherwise() {
        BenchSettings real = settings(Map.of());
        assertThat(real.agentRecheck()).contains(NodeAgentConfig.DEFAULT_BUSY_RECHECK);
        assertThat(real.agentResync()).contains(NodeAgentConfig.DEFAULT_RESYNC);

        BenchSettings watchOnly = settings(Map.of("bench.agentRecheck", "off", "bench.agentResync", "off"));
        assertThat(watchOnly.agentRecheck()).isEmpty();
        assertThat(watchOnly.agentResync()).isEqualTo(Optional.empty());
    }

    @Test
    void theCommandLineReproducesTheRun() {
        Map<String, String> properties = new HashMap<>(Map.of("bench.cases", "200:20:300ms:200ms,10000:1%:500ms:500ms",
                "bench.edits", "5", "bench.idle", "60s", "bench.controllerHeap", "1g", "bench.agentRecheck", "off"));
        BenchSettings s = settings(properties);

        assertThat(s.commandLine()).isEqualTo("-Dbench.cases=200:20:300ms:200ms,10000:1%:500ms:500ms -Dbench.edits=5 -Dbench.idle=1m"
                + " -Dbench.controllerHeap=1g -Dbench.agentRecheck=off");
        assertThat(s.controllerHeapBytes()).isEqualTo(1L << 30);
        assertThat(settings(Map.of()).controllerHeapBytes()).isEqualTo(512L << 20);
    }

    @Test
    void aBadHeapSizeIsRefusedBeforeAnyCaseRuns() {
        assertThatThrownBy(() -> settings(Map.of("bench.controllerHeap", "lots"))).hasMessageContaining("bench.controllerHeap");
    }
}
