package dev.calicodcos.controller.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.calicodcos.model.status.AgentStatus;
import java.util.List;

/**
 * One page of {@code /api/v1/agents}.
 *
 * @param items         the agents' rows, in {@link AgentOrder}
 * @param continueToken what to pass as {@code continue} for the next page; null on the last page
 * @param matching      how many agents match the filter in all, on every page
 */
public record AgentPage(List<AgentStatus> items,
                        @JsonProperty("continue") @JsonInclude(JsonInclude.Include.ALWAYS) String continueToken,
                        int matching) {
    public AgentPage {
        items = List.copyOf(items);
    }
}
