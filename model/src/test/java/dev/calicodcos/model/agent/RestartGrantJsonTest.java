package dev.calicodcos.model.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.spec.StepName;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RestartGrantJsonTest {
    private final ObjectMapper json = new SpecCodec().json();
    private final Instant granted = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void aGrantWithoutNotBeforeLeavesItOutAndReadsAsRestartAtOnce() throws Exception {
        RestartGrant grant = new RestartGrant(StepName.CNI, "abc", granted);

        assertThat(json.writeValueAsString(grant)).doesNotContain("notBefore");
        RestartGrant read = json.readValue("{\"step\":\"cni\",\"desiredHash\":\"abc\",\"grantedAt\":\"2026-12-01T10:00:00Z\"}",
                RestartGrant.class);
        assertThat(read).isEqualTo(grant);
        assertThat(read.waitsAt(granted)).isFalse();
    }

    @Test
    void aDrainGrantSurvivesThePlanRoundTripAndWaitsUntilItsTime() throws Exception {
        RestartGrant grant = new RestartGrant(StepName.DOCKER_CLUSTER_STORE, "abc", granted, Optional.of(granted.plusSeconds(600)));
        AgentPlan plan = new AgentPlan("a1", 7, Map.of(StepName.CNI, "h"), Optional.of(grant), false, false);

        assertThat(json.readValue(json.writeValueAsBytes(plan), AgentPlan.class)).isEqualTo(plan);
        assertThat(grant.waitsAt(granted.plusSeconds(599))).isTrue();
        assertThat(grant.waitsAt(granted.plusSeconds(600))).isFalse();
        assertThat(grant.withNotBefore(granted).waitsAt(granted)).isFalse();
    }

    @Test
    void fieldsALaterControllerAddsToAGrantAreIgnored() throws Exception {
        RestartGrant read = json.readValue("{\"step\":\"cni\",\"desiredHash\":\"abc\",\"grantedAt\":\"2026-12-01T10:00:00Z\","
                + "\"drainMode\":\"gentle\"}", RestartGrant.class);

        assertThat(read).isEqualTo(new RestartGrant(StepName.CNI, "abc", granted));
    }
}
