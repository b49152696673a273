package dev.calicodcos.controller.mesos;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MasterSlavesParserTest {
    private static final String PREFIX = "5d6f8a3c-2b1e-4f7a-9c1d-7e2a4b6c8d10-";

    private final MasterSlavesParser parser = new MasterSlavesParser(new ObjectMapper());

    @Test
    void aFreshMasterHasNoAgents() {
        assertThat(parser.parse(Fixtures.shared("master-slaves-empty.json"))).isEmpty();
        assertThat(parser.parse(Fixtures.reference("slaves-minimal.json"))).singleElement()
                .satisfies(a -> assertThat(a.ip()).isEqualTo("10.0.1.21"));
    }

    @Test
    void parsesPrivatePublicDisconnectedAndRecoveringAgents() {
        List<MesosAgent> agents = parser.parse(Fixtures.reference("slaves-realistic.json"));

        assertThat(agents).extracting(MesosAgent::id).containsExactly(PREFIX + "S0", PREFIX + "S1", PREFIX + "S2", PREFIX + "S3");
        assertThat(agents).extracting(MesosAgent::status).containsExactly(MesosAgent.Status.ACTIVE,
                MesosAgent.Status.ACTIVE, MesosAgent.Status.DISCONNECTED, MesosAgent.Status.RECOVERING);
        assertThat(agents).extracting(MesosAgent::publicAgent).containsExactly(false, true, false, false);
    }

    @Test
    void privateAgentCarriesItsAddressResourcesTimesAndDomain() {
        MesosAgent agent = parser.parse(Fixtures.reference("slaves-realistic.json")).get(0);

        assertThat(agent.hostname()).isEqualTo("10.0.1.21");
        assertThat(agent.ip()).isEqualTo("10.0.1.21");
        assertThat(agent.port()).isEqualTo(5051);
        assertThat(agent.active()).isTrue();
        assertThat(agent.reservedRoles()).isEmpty();
        assertThat(agent.attributes()).isEmpty();
        assertThat(agent.resources().scalar("cpus")).isEqualTo(4.0);
        assertThat(agent.resources().scalar("mem")).isEqualTo(14861.0);
        assertThat(agent.resources().text()).containsEntry("ports",
                "[1025-2180, 2182-3887, 3889-5049, 5052-8079, 8082-8180, 8182-32000]");
        assertThat(agent.version()).contains("1.11.0");
        assertThat(agent.registeredTime()).contains(Instant.ofEpochSecond(1699990000L, 482940000L));
        assertThat(agent.reregisteredTime()).contains(Instant.ofEpochSecond(1699995012L, 7310000L));
        assertThat(agent.region()).contains("aws/us-west-2");
        assertThat(agent.zone()).contains("aws/us-west-2a");
    }

    @Test
    void publicAgentIsRecognisedByItsAttributeAndItsSlavePublicReservation() {
        MesosAgent agent = parser.parse(Fixtures.reference("slaves-realistic.json")).get(1);

        assertThat(agent.attributes()).containsEntry("public_ip", "true");
        assertThat(agent.reservedRoles()).containsExactly("slave_public");
        assertThat(agent.publicAgent()).isTrue();
        assertThat(agent.reregisteredTime()).isEmpty();
    }

    @Test
    void recoveringAgentHasOnlyIdentityAndAttributes() {
        MesosAgent agent = parser.parse(Fixtures.reference("slaves-realistic.json")).get(3);

        assertThat(agent.active()).isFalse();
        assertThat(agent.resources()).isEqualTo(ResourceTotals.NONE);
        assertThat(agent.version()).isEmpty();
        assertThat(agent.registeredTime()).isEmpty();
        assertThat(agent.hostname()).isEqualTo("10.0.1.23");
    }

    @Test
    void deactivatedAgentIsNeitherActiveNorDisconnected() {
        String json = "{\"slaves\":[{\"id\":\"S9\",\"hostname\":\"10.0.1.9\",\"port\":5051,\"attributes\":{\"rack\":7,"
                + "\"zone\":\"b\"},\"active\":false,\"deactivated\":true,\"resources\":{}}],\"recovered_slaves\":[]}";

        MesosAgent agent = parser.parse(json.getBytes()).get(0);

        assertThat(agent.status()).isEqualTo(MesosAgent.Status.DEACTIVATED);
        assertThat(agent.attributes()).containsEntry("rack", "7").containsEntry("zone", "b");
    }

    @Test
    void readsTheAgentsOfTheDcosStateSummaryFixture() {
        List<MesosAgent> agents = parser.parse(Fixtures.shared("dcos-state-summary-example.json"));

        assertThat(agents).extracting(MesosAgent::publicAgent).containsExactly(false, true);
        assertThat(agents).extracting(MesosAgent::port).containsExactly(15001, 15002);
        assertThat(agents.get(1).ip()).isEqualTo("127.0.0.3");
    }

    @Test
    void readsTheEmptyAgentListOfTheMasterStateFixture() {
        assertThat(parser.parse(Fixtures.shared("master-state-example.json"))).isEmpty();
    }

    @Test
    void readsTheAnswerAsAStreamRecoveredAgentsAfterRegisteredOnesWhateverTheFieldOrder() {
        String json = "{\"recovered_slaves\":[{\"id\":\"S3\",\"hostname\":\"10.0.1.23\"}],\"other\":{\"slaves\":[1]},"
                + "\"slaves\":[{\"id\":\"S0\",\"hostname\":\"10.0.1.21\",\"active\":true,\"resources\":{}}]}";

        List<MesosAgent> agents = parser.parse(new java.io.ByteArrayInputStream(json.getBytes()));

        assertThat(agents).extracting(MesosAgent::id).containsExactly("S0", "S3");
        assertThat(agents).extracting(MesosAgent::status).containsExactly(MesosAgent.Status.ACTIVE, MesosAgent.Status.RECOVERING);
    }

    @Test
    void rejectsATruncatedAnswer() {
        assertThatThrownBy(() -> parser.parse("{\"slaves\":[{\"id\":\"S0\",\"hostname\":\"h\"}".getBytes()))
                .isInstanceOf(MesosException.class)
                .satisfies(e -> assertThat(((MesosException) e).reason()).isEqualTo(MesosException.Reason.PROTOCOL));
    }

    @Test
    void rejectsAnAnswerWithoutSlaves() {
        assertThatThrownBy(() -> parser.parse("{\"frameworks\":[]}".getBytes()))
                .isInstanceOf(MesosException.class);
        assertThatThrownBy(() -> parser.parse("<html>".getBytes()))
                .isInstanceOf(MesosException.class);
    }

    @Test
    void takesTheIpFromTheLibprocessPid() {
        assertThat(MasterSlavesParser.ipFromPid(Optional.of("slave(1)@10.0.1.21:5051"))).contains("10.0.1.21");
        assertThat(MasterSlavesParser.ipFromPid(Optional.of("garbage"))).isEmpty();
    }
}
