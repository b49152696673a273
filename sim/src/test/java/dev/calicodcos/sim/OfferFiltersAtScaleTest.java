package dev.calicodcos.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.calicodcos.sim.master.OfferCounts;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.mesos.v1.Protos;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * DECLINE filters, SUPPRESS and REVIVE as Mesos' allocator applies them, counted on the master's side: a
 * framework that declines for an hour and suppresses gets nothing more from 200 agents.
 */
// Resource.role is deprecated in mesos.proto but is the wire field without RESERVATION_REFINEMENT.
@SuppressWarnings("deprecation")
@Tag("integration")
class OfferFiltersAtScaleTest {
    private static final Duration ALLOCATION = Duration.ofMillis(100);
    private static final Duration QUIET = Duration.ofSeconds(1);    // ten allocation rounds

    private SimulatedCluster cluster;
    private TestScheduler scheduler;

    @AfterEach
    void stop() throws Exception {
        scheduler.close();
        cluster.close();
    }

    @Test
    void declinedForAnHourThenSuppressedTwoHundredAgentsOfferNothingUntilRevive() throws Exception {
        start(200);
        List<Protos.Offer> first = offersFromEveryAgent(200);

        decline(first, 3600);
        long sent = cluster.offerCounts().sent();

        await().during(QUIET).atMost(QUIET.multipliedBy(3)).until(() -> cluster.offerCounts().sent() == sent);
        assertThat(cluster.offerCounts().outstanding()).isZero();

        call(Call.newBuilder().setType(Call.Type.SUPPRESS));
        call(Call.newBuilder().setType(Call.Type.REVIVE));
        await().atMost(Duration.ofSeconds(10)).until(() -> scheduler.offers(o -> true).size() == first.size() + 200);
        assertThat(cluster.offerCounts().sent()).isEqualTo(sent + 200);
        decline(scheduler.offers(o -> true).subList(first.size(), first.size() + 200), 3600);
        call(Call.newBuilder().setType(Call.Type.SUPPRESS));
        cluster.faults().addAgent(AgentSpec.privateAgent("10.2.0.1"));

        await().during(QUIET).atMost(QUIET.multipliedBy(3)).until(() -> cluster.offerCounts().sent() == sent + 200);
        OfferCounts counts = cluster.offerCounts();
        assertThat(counts.declined()).isEqualTo(400);
        assertThat(counts.suppresses()).isEqualTo(2);
        assertThat(counts.revives()).isEqualTo(1);
        call(Call.newBuilder().setType(Call.Type.REVIVE));
        await().atMost(Duration.ofSeconds(10)).until(() -> cluster.offerCounts().sent() == sent + 401);
    }

    @Test
    void aNegativeRefuseIsTheDefaultFiveSecondsAndZeroIsNoFilter() throws Exception {
        start(2);
        List<Protos.Offer> offers = offersFromEveryAgent(2);
        Protos.Offer negative = offers.get(0);
        Protos.Offer zero = offers.get(1);

        decline(List.of(negative), -1);
        decline(List.of(zero), 0);

        await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.offers(o -> o.getAgentId().equals(zero.getAgentId())).size() > 1);
        await().during(QUIET).atMost(QUIET.multipliedBy(3))
                .until(() -> scheduler.offers(o -> o.getAgentId().equals(negative.getAgentId())).size() == 1);
    }

    @Test
    void aFilterHoldsOnlyWhatWasOfferedSoAnAgentWhoseTaskEndedIsOfferedAgain() throws Exception {
        start(1);
        Protos.Offer offer = offersFromEveryAgent(1).get(0);

        call(Tasks.launch(offer, Tasks.task("short", offer, Tasks.shell("sleep 1"))));   // the rest refused for an hour
        Set<com.google.protobuf.ByteString> acknowledged = new java.util.HashSet<>();
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            scheduler.updates("short").stream().filter(s -> s.hasUuid() && acknowledged.add(s.getUuid())).forEach(this::acknowledge);
            return scheduler.updates("short").stream().anyMatch(s -> s.getState() == TaskState.TASK_FINISHED);
        });

        await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.offers(o -> true).size() == 2);
        assertThat(scheduler.offers(o -> true).get(1).getResourcesList()).filteredOn(r -> r.getName().equals("cpus"))
                .singleElement().satisfies(r -> assertThat(r.getScalar().getValue()).isEqualTo(4.0));
    }

    private void start(int agents) throws Exception {
        cluster = SimulatedCluster.builder()
                .agents(IntStream.range(0, agents).mapToObj(i -> AgentSpec.privateAgent("10.1." + i / 250 + "." + i % 250)).toList())
                .heartbeatInterval(Duration.ofSeconds(1)).allocationInterval(ALLOCATION).start();
        scheduler = new TestScheduler(cluster.masterUrl()).subscribe(TestScheduler.multiRole("calico").build());
    }

    /** The first offer of each of {@code agents} agents, once all have come. */
    private List<Protos.Offer> offersFromEveryAgent(int agents) {
        await().atMost(Duration.ofSeconds(10)).until(() -> agentsOffered() == agents);
        return scheduler.offers(o -> true);
    }

    private int agentsOffered() {
        Set<String> agents = scheduler.offers(o -> true).stream().map(o -> o.getAgentId().getValue()).collect(Collectors.toSet());
        return agents.size();
    }

    private void decline(List<Protos.Offer> offers, double refuseSeconds) throws Exception {
        Call.Decline.Builder decline = Call.Decline.newBuilder().setFilters(Protos.Filters.newBuilder().setRefuseSeconds(refuseSeconds));
        offers.forEach(o -> decline.addOfferIds(o.getId()));
        call(Call.newBuilder().setType(Call.Type.DECLINE).setDecline(decline));
    }

    private void call(Call.Builder call) throws Exception {
        assertThat(scheduler.call(call).statusCode()).isEqualTo(202);
    }

    private void acknowledge(Protos.TaskStatus status) {
        try {
            assertThat(scheduler.acknowledge(status).statusCode()).isEqualTo(202);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
