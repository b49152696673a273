package dev.calicodcos.controller.mesos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchedulerCallsTest {
    private static final String FW = "5d6f8a3c-2b1e-4f7a-9c1d-7e2a4b6c8d10-0007";
    private static final String UPSTREAM_FW = "12220-3440-12532-2345";
    private static final String TASK = "calico-dcos-node__5d6f8a3c-2b1e-4f7a-9c1d-7e2a4b6c8d10-S0__7f3c2a9e";
    private static final String AGENT = "5d6f8a3c-2b1e-4f7a-9c1d-7e2a4b6c8d10-S0";

    private final SchedulerEventParser events = new SchedulerEventParser(new ObjectMapper());

    @Test
    void firstSubscriptionMatchesTheReference() {
        FrameworkInfo info = FrameworkInfo.forEveryAgent("root", "calico-dcos", "calico-dcos-role")
                .withPrincipal("calico-dcos").withHostname("10.0.1.21")
                .withLabels(Map.of("DCOS_SERVICE_NAME", "calico-dcos"));

        assertSameJson(SchedulerCalls.subscribe(info, Optional.empty(), List.of()), "call-subscribe-first.json");
    }

    @Test
    void resubscriptionCarriesTheFrameworkIdTwiceAndTheSuppressedRoles() {
        FrameworkInfo info = FrameworkInfo.forEveryAgent("root", "calico-dcos", "calico-dcos-role")
                .withPrincipal("calico-dcos").withHostname("10.0.1.24");

        ObjectNode call = SchedulerCalls.subscribe(info, Optional.of(FW), List.of("calico-dcos-role", "slave_public"));

        assertSameJson(call, "call-subscribe-resubscribe.json");
    }

    @Test
    void upstreamSubscribeFixtureWithoutOfferConstraintsIsReproduced() {
        FrameworkInfo info = new FrameworkInfo("foo", "Example HTTP Framework", List.of("test1", "test2"),
                Optional.empty(), Duration.ZERO, false, Optional.empty(), Optional.empty(), List.of("MULTI_ROLE"), Map.of());
        ObjectNode expected = (ObjectNode) Fixtures.tree(Fixtures.shared("scheduler-subscribe-call.json"));
        ((ObjectNode) expected.get("subscribe")).remove("offer_constraints");
        ObjectNode actual = SchedulerCalls.subscribe(info, Optional.empty(), List.of("test2"));
        // we always write the defaults Mesos would assume, so that intent is explicit on the wire
        ObjectNode frameworkInfo = (ObjectNode) actual.get("subscribe").get("framework_info");
        assertThat(frameworkInfo.remove("failover_timeout").asDouble()).isZero();
        assertThat(frameworkInfo.remove("checkpoint").asBoolean()).isFalse();

        assertThat(Fixtures.sameJson(actual, expected)).as("%s", actual).isTrue();
    }

    @Test
    void acceptLaunchesTheNodeAgentWithResourcesCarvedFromTheOffer() {
        Offer offer = ((SchedulerEvent.Offers) events.parse(Fixtures.reference("event-offers-realistic.json"))).offers().get(0);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CALICO_DCOS_AGENT_ID", AGENT);
        env.put("CALICO_DCOS_CLUSTER", "default");
        env.put("CALICO_DCOS_ETCD_ENDPOINTS", "http://etcd-0.etcd.autoip.dcos.thisdcos.directory:2379");
        env.put("CALICO_DCOS_HOST_ROOT", "/");
        CommandSpec command = new CommandSpec("exec ./calico-dcos/bin/calico-dcos node", true, List.of(),
                List.of(FetchUri.archive("http://calico-dcos.marathon.l4lb.thisdcos.directory:8080/artifacts/calico-dcos-1.2.0.tgz", false)),
                env, Optional.of("root"));
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("calico-dcos/version", "1.2.0");
        labels.put("calico-dcos/agent-role", "private");
        TaskLaunch task = new TaskLaunch("calico-dcos-node", TASK, offer.agentId(),
                List.of(offer.resource("cpus").orElseThrow().withScalar(0.1),
                        offer.resource("mem").orElseThrow().withScalar(128.0)),
                command, labels, Optional.of(Duration.ofSeconds(30)));

        ObjectNode call = SchedulerCalls.accept(FW, List.of(offer.id()), List.of(task), Optional.of(Duration.ofHours(1)));

        assertSameJson(call, "call-accept-realistic.json");
    }

    @Test
    void taskOnAPublicAgentCarriesTheSlavePublicRoleOfTheOffer() {
        Offer offer = ((SchedulerEvent.Offers) events.parse(Fixtures.reference("event-offers-realistic.json"))).offers().get(1);

        JsonNode resource = SchedulerCalls.resource(offer.resource("cpus").orElseThrow().withScalar(0.1));

        assertThat(Fixtures.sameJson(resource, Fixtures.tree(("{\"name\": \"cpus\", \"type\": \"SCALAR\", \"scalar\": "
                + "{\"value\": 0.1}, \"role\": \"slave_public\", \"allocation_info\": {\"role\": \"slave_public\"}}").getBytes())))
                .as("%s", resource).isTrue();
    }

    @Test
    void reservationListsAreCopiedVerbatimFromTheOfferedResource() {
        String offered = "{\"name\":\"mem\",\"type\":\"SCALAR\",\"scalar\":{\"value\":512},\"role\":\"slave_public\","
                + "\"reservations\":[{\"type\":\"STATIC\",\"role\":\"slave_public\"}],\"allocation_info\":{\"role\":\"slave_public\"}}";
        Resource resource = SchedulerEventParser.resource(Fixtures.tree(offered.getBytes()));

        JsonNode task = SchedulerCalls.resource(resource.withScalar(128));

        assertThat(task.get("reservations")).isEqualTo(Fixtures.tree("[{\"type\":\"STATIC\",\"role\":\"slave_public\"}]".getBytes()));
        assertThat(task.get("scalar").get("value").asDouble()).isEqualTo(128.0);
    }

    @Test
    void execCommandsRunWithoutShellAndCarryTheirArgv() {
        CommandSpec command = CommandSpec.exec("./calico-dcos/bin/calico-dcos", List.of("calico-dcos", "node", "--agent", AGENT))
                .withUris(List.of(FetchUri.executable("http://example.org/tool", true)));

        JsonNode json = SchedulerCalls.command(command);

        assertThat(json.get("shell").asBoolean()).isFalse();
        assertThat(json.get("value").asText()).isEqualTo("./calico-dcos/bin/calico-dcos");
        assertThat(json.get("arguments")).hasSize(4);
        assertThat(json.get("uris").get(0).get("executable").asBoolean()).isTrue();
        assertThat(json.get("uris").get(0).get("extract").asBoolean()).isFalse();
        assertThat(json.get("uris").get(0).get("cache").asBoolean()).isTrue();
    }

    @Test
    void declineMatchesTheReferenceAndTheUpstreamFixture() {
        assertSameJson(SchedulerCalls.decline(FW, List.of("5d6f8a3c-2b1e-4f7a-9c1d-7e2a4b6c8d10-O4713"), Optional.empty()),
                "call-decline-minimal.json");
        assertSameJson(SchedulerCalls.decline(FW, List.of("5d6f8a3c-2b1e-4f7a-9c1d-7e2a4b6c8d10-O4713",
                "5d6f8a3c-2b1e-4f7a-9c1d-7e2a4b6c8d10-O4714"), Optional.of(Duration.ofHours(1))), "call-decline-realistic.json");
        assertSameUpstreamJson(SchedulerCalls.decline(UPSTREAM_FW, List.of("12220-3440-12532-O12", "12220-3440-12532-O13"),
                Optional.of(Duration.ofSeconds(5))), "scheduler-decline-call.json");
    }

    @Test
    void reviveAndSuppressNameTheirRolesInAList() {
        assertSameJson(SchedulerCalls.revive(FW, List.of()), "call-revive-all.json");
        assertSameJson(SchedulerCalls.revive(FW, List.of("calico-dcos-role", "slave_public")), "call-revive-roles.json");
        assertSameJson(SchedulerCalls.suppress(FW, List.of()), "call-suppress-all.json");
        assertSameJson(SchedulerCalls.suppress(FW, List.of("calico-dcos-role", "slave_public")), "call-suppress-roles.json");
        assertSameUpstreamJson(SchedulerCalls.revive(UPSTREAM_FW, List.of("test1")), "scheduler-revive-call.json");
        assertSameUpstreamJson(SchedulerCalls.suppress(UPSTREAM_FW, List.of("test2")), "scheduler-suppress-call.json");
    }

    @Test
    void killMatchesTheReferenceAndTheUpstreamFixture() {
        assertSameJson(SchedulerCalls.kill(FW, TASK, Optional.empty(), Optional.empty()), "call-kill-minimal.json");
        assertSameJson(SchedulerCalls.kill(FW, TASK, Optional.of(AGENT), Optional.of(Duration.ofSeconds(10))),
                "call-kill-realistic.json");
        assertSameUpstreamJson(SchedulerCalls.kill(UPSTREAM_FW, "12220-3440-12532-my-task",
                Optional.of("12220-3440-12532-S1233"), Optional.empty()), "scheduler-kill-call.json");
    }

    @Test
    void acknowledgeSendsBackTheUuidOfTheUpdate() {
        TaskStatus running = ((SchedulerEvent.Update) events.parse(Fixtures.reference("event-update-running.json"))).status();

        assertSameJson(SchedulerCalls.acknowledge(FW, running), "call-acknowledge.json");
    }

    @Test
    void upstreamAcknowledgeFixtureIsReproducedFromItsValuesEvenThoughItsUuidIsInvalid() {
        TaskStatus status = new TaskStatus("12220-3440-12532-my-task", TaskState.TASK_RUNNING, "TASK_RUNNING",
                Optional.of("12220-3440-12532-S1233"), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of("jhadf73jhakdlfha723adf"), Optional.empty());

        assertSameUpstreamJson(SchedulerCalls.acknowledge(UPSTREAM_FW, status), "scheduler-acknowledge-call.json");
    }

    @Test
    void refusesToAcknowledgeAnUpdateWithoutUuid() {
        TaskStatus reconciled = ((SchedulerEvent.Update) events.parse(Fixtures.reference("event-update-reconciliation.json"))).status();

        assertThatThrownBy(() -> SchedulerCalls.acknowledge(FW, reconciled)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reconcileIsExplicitForKnownTasksAndImplicitOtherwise() {
        assertSameJson(SchedulerCalls.reconcile(FW, List.of()), "call-reconcile-implicit.json");
        assertSameJson(SchedulerCalls.reconcile(FW, List.of(TaskRef.of(TASK, AGENT),
                TaskRef.of("calico-dcos-node__5d6f8a3c-2b1e-4f7a-9c1d-7e2a4b6c8d10-S1__a41e07d2", "5d6f8a3c-2b1e-4f7a-9c1d-7e2a4b6c8d10-S1"))),
                "call-reconcile-explicit.json");
        assertSameUpstreamJson(SchedulerCalls.reconcile(UPSTREAM_FW, List.of(TaskRef.of("312325", "123535"))),
                "scheduler-reconcile-call.json");
    }

    @Test
    void teardownHasNoPayload() {
        assertSameJson(SchedulerCalls.teardown(FW), "call-teardown.json");
        assertSameUpstreamJson(SchedulerCalls.teardown(UPSTREAM_FW), "scheduler-teardown-call.json");
    }

    @Test
    void taskIdsThatTheMasterWouldRejectAreRefusedEarly() {
        assertThat(TaskLaunch.validTaskId("calico-dcos-node__S0__1")).isTrue();
        assertThat(TaskLaunch.validTaskId("a/b")).isFalse();
        assertThat(TaskLaunch.validTaskId("..")).isFalse();
        assertThat(TaskLaunch.validTaskId("")).isFalse();
        assertThat(TaskLaunch.validTaskId("tab\there")).isFalse();
    }

    private static void assertSameJson(JsonNode actual, String referenceFile) {
        JsonNode expected = Fixtures.tree(Fixtures.reference(referenceFile));
        assertThat(Fixtures.sameJson(actual, expected)).as("%s%nexpected %s", actual, expected).isTrue();
    }

    private static void assertSameUpstreamJson(JsonNode actual, String fixture) {
        JsonNode expected = Fixtures.tree(Fixtures.shared(fixture));
        assertThat(Fixtures.sameJson(actual, expected)).as("%s%nexpected %s", actual, expected).isTrue();
    }
}
