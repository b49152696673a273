package dev.calicodcos.controller.http;

import static dev.calicodcos.controller.http.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.AgentStatus;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class AgentQueryTest {

    @Test
    void theUrgencyOrderHasEveryPhaseOnceWithReadyLast() {
        assertThat(AgentOrder.URGENCY).doesNotHaveDuplicates().containsExactlyInAnyOrder(AgentPhase.values());
        assertThat(AgentOrder.URGENCY.subList(0, 4)).containsExactly(AgentPhase.FAILED, AgentPhase.BLOCKED, AgentPhase.LOST, AgentPhase.GONE);
        assertThat(AgentOrder.URGENCY.get(AgentOrder.URGENCY.size() - 1)).isEqualTo(AgentPhase.READY);
    }

    @Test
    void agentsNeedingAttentionComeFirstThenThoseMovingThenReadyEachByAgentId() {
        List<AgentStatus> agents = List.of(row("b", AgentPhase.READY), row("a", AgentPhase.READY), row("z", AgentPhase.PENDING),
                row("y", AgentPhase.GONE), row("x", AgentPhase.FAILED), row("c", AgentPhase.FAILED), row("d", AgentPhase.RESTARTING),
                row("e", AgentPhase.LOST), row("f", AgentPhase.BLOCKED));

        AgentPage page = AgentQuery.parse(null).page(agents);

        assertThat(ids(page)).containsExactly("c", "x", "f", "e", "y", "d", "z", "a", "b");
        assertThat(page.matching()).isEqualTo(9);
        assertThat(page.continueToken()).isNull();
    }

    @Test
    void pagesFollowingTheTokenListEveryMatchingAgentOnceInOrder() {
        List<AgentStatus> agents = randomAgents(2_345, new Random(7));
        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            AgentPage page = AgentQuery.parse("phase=failed,ready,pending&limit=100" + (token == null ? "" : "&continue=" + token)).page(agents);
            assertThat(page.items()).hasSizeLessThanOrEqualTo(100);
            assertThat(page.matching()).isEqualTo(matching(agents, EnumSet.of(AgentPhase.FAILED, AgentPhase.READY, AgentPhase.PENDING)));
            seen.addAll(ids(page));
            token = page.continueToken();
            pages++;
        } while (token != null);

        List<String> expected = agents.stream().filter(a -> EnumSet.of(AgentPhase.FAILED, AgentPhase.READY, AgentPhase.PENDING)
                .contains(a.phase())).sorted(AgentOrder.AGENTS).map(AgentStatus::agentId).toList();
        assertThat(seen).isEqualTo(expected);
        assertThat(pages).isEqualTo((expected.size() + 99) / 100);
    }

    @Test
    void aPageThatEndsTheListHasNoToken() {
        List<AgentStatus> agents = List.of(row("a", AgentPhase.READY), row("b", AgentPhase.READY));

        AgentPage first = AgentQuery.parse("limit=1").page(agents);
        AgentPage last = AgentQuery.parse("limit=1&continue=" + first.continueToken()).page(agents);

        assertThat(ids(first)).containsExactly("a");
        assertThat(ids(last)).containsExactly("b");
        assertThat(last.continueToken()).isNull();
        assertThat(AgentQuery.parse("limit=2").page(agents).continueToken()).isNull();
    }

    @Test
    void theTokenHoldsAPositionSoAgentsComingAndGoingShiftNothingElse() {
        List<AgentStatus> before = new ArrayList<>(List.of(row("a1", AgentPhase.FAILED), row("a2", AgentPhase.FAILED),
                row("a3", AgentPhase.PROGRESSING), row("a4", AgentPhase.READY), row("a5", AgentPhase.READY), row("a6", AgentPhase.READY)));
        AgentPage first = AgentQuery.parse("limit=3").page(before);
        assertThat(ids(first)).containsExactly("a1", "a2", "a3");

        // Between the pages: a2 goes, a0 fails (both before the position), a7 joins after it.
        List<AgentStatus> after = new ArrayList<>(before);
        after.removeIf(a -> a.agentId().equals("a2"));
        after.add(row("a0", AgentPhase.FAILED));
        after.add(row("a7", AgentPhase.READY));
        AgentPage second = AgentQuery.parse("limit=3&continue=" + first.continueToken()).page(after);

        assertThat(ids(second)).containsExactly("a4", "a5", "a6");
        assertThat(second.matching()).isEqualTo(7);
        assertThat(ids(AgentQuery.parse("limit=3&continue=" + second.continueToken()).page(after))).containsExactly("a7");
    }

    @Test
    void filtersCombineStepPhaseAndText() {
        List<AgentStatus> agents = List.of(row("a1", AgentPhase.FAILED, StepPhase.FAILED), row("a2", AgentPhase.FAILED, StepPhase.DONE),
                row("b1", AgentPhase.PROGRESSING, StepPhase.FAILED), row("b2", AgentPhase.READY));

        assertThat(ids(AgentQuery.parse("step=cni%3AFAILED").page(agents))).containsExactly("a1", "b1");
        assertThat(ids(AgentQuery.parse("step=cni:failed&phase=FAILED").page(agents))).containsExactly("a1");
        assertThat(ids(AgentQuery.parse("q=HOST-B").page(agents))).containsExactly("b1", "b2");
        assertThat(ids(AgentQuery.parse("q=cni%3A+checksum").page(agents))).containsExactly("a1", "a2");
    }

    @Test
    void emptyParametersAreNotGivenAndDefaultsApply() {
        AgentQuery query = AgentQuery.parse("phase=&step=&q=&limit=&continue=");

        assertThat(query.filter()).isEqualTo(AgentFilter.ANY);
        assertThat(query.limit()).isEqualTo(AgentQuery.DEFAULT_LIMIT);
        assertThat(query.after()).isEmpty();
        assertThat(AgentQuery.parse("limit=" + AgentQuery.MAX_LIMIT).limit()).isEqualTo(AgentQuery.MAX_LIMIT);
        assertThat(AgentQuery.parse("step=node").filter().step()).contains(new AgentFilter.StepFilter(StepName.NODE, Set.of()));
    }

    @Test
    void eachBadParameterIsNamed() {
        assertBad(() -> AgentQuery.parse("phase=broken"), "phase", "unknown phase 'broken'");
        assertBad(() -> AgentQuery.parse("step=calico"), "step", "unknown step 'calico'");
        assertBad(() -> AgentQuery.parse("step=cni:stuck"), "step", "unknown step phase 'stuck'");
        assertBad(() -> AgentQuery.parse("limit=0"), "limit", "out of range (1 to 1000)");
        assertBad(() -> AgentQuery.parse("limit=1001"), "limit", "out of range");
        assertBad(() -> AgentQuery.parse("limit=ten"), "limit", "'ten' is not a number");
        assertBad(() -> AgentQuery.parse("phases=failed"), "phases", "unknown parameter (parameters: phase, step, q, limit, continue)");
        assertBad(() -> AgentQuery.parse("phase=failed&phase=ready"), "phase", "given twice");
        assertBad(() -> AgentQuery.parse("q=%zz"), "q", "bad URL encoding");
        assertBad(() -> AgentQuery.parse("continue=bm90IG91cnM"), "continue", "not a token from a previous page");
        assertBad(() -> AgentQuery.parse("continue=***"), "continue", "not a token from a previous page");
    }

    @Test
    void aTokenIsRefusedWithAnotherFilter() {
        String token = AgentQuery.parse("phase=failed,ready&limit=1").page(List.of(row("a", AgentPhase.FAILED), row("b", AgentPhase.READY)))
                .continueToken();

        assertThat(AgentQuery.parse("phase=READY,Failed&continue=" + token).after()).isPresent(); // the same filter, spelt otherwise
        assertBad(() -> AgentQuery.parse("phase=failed&continue=" + token), "continue", "issued for another filter");
    }

    @Test
    void aTokenIsAnOpaqueUrlSafeString() {
        AgentFilter filter = new AgentFilter(Set.of(), Optional.empty(), "");
        String token = ContinueToken.encode(filter, new AgentOrder.Position(AgentPhase.GONE, "5a1b-S3 / ü"));

        assertThat(token).matches("[A-Za-z0-9_-]+");
        assertThat(ContinueToken.decode(token, filter)).isEqualTo(new AgentOrder.Position(AgentPhase.GONE, "5a1b-S3 / ü"));
    }

    private static void assertBad(ThrowingCallable call, String parameter, String message) {
        assertThatThrownBy(call).isInstanceOfSatisfying(AgentQuery.BadParameter.class,
                e -> assertThat(e.parameter()).isEqualTo(parameter)).hasMessageStartingWith(parameter + ": ").hasMessageContaining(message);
    }

    private static List<String> ids(AgentPage page) {
        return page.items().stream().map(AgentStatus::agentId).toList();
    }

    private static long matching(List<AgentStatus> agents, Set<AgentPhase> phases) {
        return agents.stream().filter(a -> phases.contains(a.phase())).count();
    }

    private static List<AgentStatus> randomAgents(int n, Random random) {
        AgentPhase[] phases = AgentPhase.values();
        return IntStream.range(0, n).mapToObj(i -> row("agent-" + Integer.toString(random.nextInt(1 << 30), 36) + "-" + i,
                phases[random.nextInt(phases.length)])).toList();
    }
}
