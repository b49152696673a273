package dev.calicodcos.model.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.calicodcos.model.codec.SpecCodec;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AgentFactsJsonTest {
    private final ObjectMapper json = new SpecCodec().json();

    @Test
    void factsOfAnEarlierNodeAgentReadWithLiveRestoreUnknown() throws Exception {
        String earlier = """
                {"nodeName": "a1", "ip": "10.0.1.5", "dockerVersion": "1.13.1", "publicAgent": false, "nativeCalico": false}
                """;

        AgentFacts facts = json.readValue(earlier, AgentFacts.class);

        assertThat(facts.dockerLiveRestore()).isEmpty();
        assertThat(facts.ip()).contains("10.0.1.5");
    }

    @Test
    void liveRestoreSurvivesTheRoundTripAndIsLeftOutWhenUnknown() throws Exception {
        AgentFacts on = new AgentFacts("a1", Optional.empty(), Optional.of("20.10.7"), Optional.empty(), Optional.empty(),
                false, false, Optional.of(true));
        AgentFacts unknown = new AgentFacts("a1", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false, false);

        assertThat(json.readValue(json.writeValueAsBytes(on), AgentFacts.class)).isEqualTo(on);
        assertThat(json.writeValueAsString(unknown)).doesNotContain("dockerLiveRestore");
    }

    @Test
    void factsALaterNodeAgentAddsAreIgnored() throws Exception {
        String later = """
                {"nodeName": "a1", "publicAgent": true, "nativeCalico": false, "dockerLiveRestore": false, "kernel": "5.14"}
                """;

        assertThat(json.readValue(later, AgentFacts.class).dockerLiveRestore()).contains(false);
    }
}
