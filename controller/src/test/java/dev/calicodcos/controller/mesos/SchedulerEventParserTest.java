package dev.calicodcos.controller.mesos;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchedulerEventParserTest {
    private final SchedulerEventParser parser = new SchedulerEventParser(new ObjectMapper());

    @Test
    void parsesTheUpstreamSubscribedFixture() {
        SchedulerEvent event = parser.parse(Fixtures.shared("scheduler-subscribed-event.json"));

        assertThat(event).isEqualTo(new SchedulerEvent.Subscribed("12220-3440-12532-2345", Duration.ofSeconds(15),
                Optional.empty()));
    }

    @Test
    void parsesTheRealisticSubscribedEventWithMasterInfo() {
        SchedulerEvent event = parser.parse(Fixtures.reference("event-subscribed-realistic.json"));

        assertThat(event).isEqualTo(new SchedulerEvent.Subscribed("5d6f8a3c-2b1e-4f7a-9c1d-7e2a4b6c8d10-0007",
                Duration.ofSeconds(15), Optional.of("1.11.0")));
    }

    @Test
    void parsesTheUpstreamRescindMessageFailureAndHeartbeatFixtures() {
        assertThat(parser.parse(Fixtures.shared("scheduler-rescind-event.json")))
                .isEqualTo(new SchedulerEvent.Rescind("12214-23523-O235235"));
        assertThat(parser.parse(Fixtures.shared("scheduler-message-event.json")))
                .isEqualTo(new SchedulerEvent.Message("12214-23523-S235235", "12214-23523-my-executor", "adfadf3t2wa3353dfadf"));
        assertThat(parser.parse(Fixtures.shared("scheduler-failure-event.json")))
                .isEqualTo(new SchedulerEvent.Failure("12214-23523-S235235", Optional.of("12214-23523-my-executor"), OptionalInt.of(1)));
        assertThat(parser.parse(Fixtures.shared("scheduler-heartbeat-event.json"))).isInstanceOf(SchedulerEvent.Heartbeat.class);
    }

    @Test
    void parsesAnAgentLostFailureWithoutExecutor() {
        assertThat(parser.parse(Fixtures.reference("event-failure-agent.json"))).isEqualTo(new SchedulerEvent.Failure(
                "5d6f8a3c-2b1e-4f7a-9c1d-7e2a4b6c8d10-S2", Optional.empty(), OptionalInt.empty()));
    }

    @Test
    void rejectsTheUpstreamOffersFixtureWhoseArrayIsNotNested() {
        assertThatThrownBy(() -> parser.parse(Fixtures.shared("scheduler-offers-event.json")))
                .isInstanceOf(MesosException.class)
                .hasMessageContaining("offers.offers");
    }

    @Test
    void rejectsTheUpstreamErrorFixtureWhoseMessageIsNotNested() {
        assertThatThrownBy(() -> parser.parse(Fixtures.shared("scheduler-error-event.json")))
                .isInstanceOf(MesosException.class)
                .hasMessageContaining("error");
    }

    @Test
    void parsesTheUpstreamUpdateFixtureButItCannotBeAcknowledgedWithoutAgent() {
        SchedulerEvent.Update update = (SchedulerEvent.Update) parser.parse(Fixtures.shared("scheduler-update-event.json"));

        assertThat(update.status().taskId()).isEqualTo("12344-my-task");
        assertThat(update.status().state()).isEqualTo(TaskState.TASK_RUNNING);
        assertThat(update.status().agentId()).isEmpty();
        assertThatThrownBy(() -> SchedulerCalls.acknowledge("fw", update.status()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parsesRealisticOffersForAPrivateAndAPublicAgent() {
        SchedulerEvent.Offers event = (SchedulerEvent.Offers) parser.parse(Fixtures.reference("event-offers-realistic.json"));

        assertThat(event.offers()).hasSize(2);
        Offer privateOffer = event.offers().get(0);
        assertThat(privateOffer.id()).isEqualTo("5d6f8a3c-2b1e-4f7a-9c1d-7e2a4b6c8d10-O4711");
        assertThat(privateOffer.agentId()).isEqualTo("5d6f8a3c-2b1e-4f7a-9c1d-7e2a4b6c8d10-S0");
        assertThat(privateOffer.allocationRole()).contains("calico-dcos-role");
        assertThat(privateOffer.fromPublicAgent()).isFalse();
        assertThat(privateOffer.scalar("cpus")).isEqualTo(3.5);
        assertThat(privateOffer.resource("ports").orElseThrow().ranges())
                .startsWith(new ValueRange(1025, 2180)).endsWith(new ValueRange(8182, 32000));

        Offer publicOffer = event.offers().get(1);
        assertThat(publicOffer.fromPublicAgent()).isTrue();
        Resource cpus = publicOffer.resource("cpus").orElseThrow();
        assertThat(cpus.origin().role()).contains("slave_public");
        assertThat(cpus.origin().allocationRole()).contains("slave_public");
    }

    @Test
    void parsesTheMinimalSingleRoleOffer() {
        SchedulerEvent.Offers event = (SchedulerEvent.Offers) parser.parse(Fixtures.reference("event-offers-minimal.json"));

        assertThat(event.offers()).singleElement().satisfies(o -> {
            assertThat(o.allocationRole()).isEmpty();
            assertThat(o.attributes()).isEmpty();
            assertThat(o.scalar("mem")).isEqualTo(14861.0);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"event-update-starting.json", "event-update-running.json", "event-update-failed.json"})
    void agentAndExecutorUpdatesCarryAUuidAndNeedAcknowledgement(String file) {
        SchedulerEvent.Update update = (SchedulerEvent.Update) parser.parse(Fixtures.reference(file));

        assertThat(update.status().needsAcknowledgement()).isTrue();
        assertThat(update.status().agentId()).contains("5d6f8a3c-2b1e-4f7a-9c1d-7e2a4b6c8d10-S0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"event-update-minimal.json", "event-update-reconciliation.json", "event-update-unreachable.json"})
    void masterGeneratedUpdatesHaveNoUuidAndAreNeverAcknowledged(String file) {
        SchedulerEvent.Update update = (SchedulerEvent.Update) parser.parse(Fixtures.reference(file));

        assertThat(update.status().needsAcknowledgement()).isFalse();
    }

    @Test
    void keepsTheFieldsOfAFailedLaunch() {
        TaskStatus status = ((SchedulerEvent.Update) parser.parse(Fixtures.reference("event-update-failed.json"))).status();

        assertThat(status.state()).isEqualTo(TaskState.TASK_FAILED);
        assertThat(status.state().terminal()).isTrue();
        assertThat(status.reason()).contains("REASON_CONTAINER_LAUNCH_FAILED");
        assertThat(status.source()).contains("SOURCE_AGENT");
        assertThat(status.uuid()).contains("VX92r1yWT3mkuqjdGJ7dOA==");
        assertThat(status.timestamp()).isPresent();
    }

    @Test
    void recognisesTheErrorsThatChangeHowTheDriverResubscribes() {
        SchedulerEvent.Error failedOver = (SchedulerEvent.Error) parser.parse(Fixtures.reference("event-error-failed-over.json"));

        assertThat(failedOver.failedOver()).isTrue();
        assertThat(failedOver.frameworkRemoved()).isFalse();
        assertThat(new SchedulerEvent.Error("Framework has been removed").frameworkRemoved()).isTrue();
    }

    @Test
    void keepsAnUnknownStateNameInsteadOfDroppingTheUpdate() {
        String json = "{\"type\":\"UPDATE\",\"update\":{\"status\":{\"task_id\":{\"value\":\"t\"},\"state\":\"TASK_NEW\","
                + "\"agent_id\":{\"value\":\"a\"},\"uuid\":\"KDka/lu5Sd6tux+lDZMcfw==\"}}}";

        TaskStatus status = ((SchedulerEvent.Update) parser.parse(json.getBytes())).status();

        assertThat(status.state()).isEqualTo(TaskState.UNRECOGNIZED);
        assertThat(status.stateName()).isEqualTo("TASK_NEW");
        assertThat(status.needsAcknowledgement()).isTrue();
    }

    @Test
    void reportsEventTypesItDoesNotHandleAsUnknown() {
        assertThat(parser.parse("{\"type\":\"INVERSE_OFFERS\",\"inverse_offers\":{}}".getBytes()))
                .isEqualTo(new SchedulerEvent.Unknown("INVERSE_OFFERS"));
    }

    @Test
    void rejectsARecordThatIsNotJson() {
        assertThatThrownBy(() -> parser.parse("{\"type\":".getBytes()))
                .isInstanceOf(MesosException.class)
                .satisfies(e -> assertThat(((MesosException) e).reason()).isEqualTo(MesosException.Reason.PROTOCOL));
    }

    @Test
    void parsesEveryRealisticEventOfTheReference() {
        List<String> files = List.of("event-subscribed-minimal.json", "event-rescind.json", "event-message.json",
                "event-failure-executor.json", "event-heartbeat.json");
        for (String file : files) {
            assertThat(parser.parse(Fixtures.reference(file))).as(file).isNotInstanceOf(SchedulerEvent.Unknown.class);
        }
    }
}
