package dev.calicodcos.sim.master;

import dev.calicodcos.sim.proto.StrictJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The answers of the read endpoints ({@code /master/slaves}, {@code /master/state}, {@code /master/frameworks},
 * operator {@code GET_AGENTS}),
 * put together from per-agent and per-task pieces that are rendered only when they change; an answer whose
 * pieces are all unchanged is the very same bytes as the last one. At 10,000 agents a poll then costs a
 * comparison per agent instead of printing some 14 MB of JSON again.
 */
final class MasterAnswers {
    private static final String GET_AGENTS_HEAD = "{\"type\":\"GET_AGENTS\",\"get_agents\":{\"agents\":[";
    private static final String GET_AGENTS_TAIL = "]}}";
    private static final String GET_AGENTS_NONE = "{\"type\":\"GET_AGENTS\",\"get_agents\":{}}";

    private final LegacyJson.ResourceArrays resourceArrays = new LegacyJson.ResourceArrays();
    private final RenderCache<Views.AgentView> slavesAgents = new RenderCache<>(Views.AgentView::id,
            a -> LegacyJson.agentJson(a, true, resourceArrays));
    private final RenderCache<Views.AgentView> stateAgents = new RenderCache<>(Views.AgentView::id,
            a -> LegacyJson.agentJson(a, false, resourceArrays));
    private final RenderCache<Views.TaskView> stateTasks = new RenderCache<>(
            t -> t.frameworkId() + "\u0000" + t.info().getTaskId().getValue(), LegacyJson::taskJson);
    private final RenderCache<Views.AgentView> operatorAgents = new RenderCache<>(Views.AgentView::id,
            a -> StrictJson.print(OperatorEndpoint.agent(a)));
    private final Assembled slaves = new Assembled(LegacyJson.SLAVES_HEAD, LegacyJson.SLAVES_TAIL);
    private final Assembled getAgents = new Assembled(GET_AGENTS_HEAD, GET_AGENTS_TAIL);

    /** {@code /master/slaves}, or only the agent {@code slaveId} (an empty list when it is unknown). */
    byte[] slaves(Views.MasterView view, Optional<String> slaveId) {
        if (slaveId.isPresent()) {
            List<String> one = view.agents().stream().filter(a -> a.id().equals(slaveId.get())).map(slavesAgents::one).toList();
            return utf8(LegacyJson.SLAVES_HEAD + String.join(",", one) + LegacyJson.SLAVES_TAIL);
        }
        return slaves.of(slavesAgents.all(view.agents()));
    }

    byte[] state(Views.MasterView view, String hostname, int port, long startMillis) {
        return utf8(LegacyJson.stateHead(view, hostname, port, startMillis) + ",\"slaves\":["
                + String.join(",", stateAgents.all(view.agents())) + "],\"recovered_slaves\":[],\"frameworks\":["
                + String.join(",", frameworkEntries(view)) + LegacyJson.STATE_TAIL);
    }

    /** {@code /master/frameworks}: the frameworks of {@code /master/state} (every task of every framework), without the agents. */
    byte[] frameworks(Views.MasterView view) {
        return utf8("{\"frameworks\":[" + String.join(",", frameworkEntries(view))
                + "],\"completed_frameworks\":[],\"unregistered_frameworks\":[]}");
    }

    private List<String> frameworkEntries(Views.MasterView view) {
        List<String> frameworks = new ArrayList<>();
        List<Views.TaskView> allTasks = new ArrayList<>();
        view.frameworks().forEach(f -> allTasks.addAll(f.tasks()));
        List<String> taskJson = stateTasks.all(allTasks);
        int next = 0;
        for (Views.FrameworkView f : view.frameworks()) {
            frameworks.add(LegacyJson.frameworkJson(f, taskJson.subList(next, next + f.tasks().size())));
            next += f.tasks().size();
        }
        return frameworks;
    }

    /** The operator API's {@code GET_AGENTS}, exactly as {@code StrictJson.print} prints the whole response. */
    byte[] getAgents(Views.MasterView view) {
        if (view.agents().isEmpty()) {
            return utf8(GET_AGENTS_NONE);
        }
        return getAgents.of(operatorAgents.all(view.agents()));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The last answer made of these pieces; the same pieces (the same strings) give the same bytes back. */
    private static final class Assembled {
        private final String head;
        private final String tail;
        private List<String> pieces = List.of();
        private byte[] bytes;

        Assembled(String head, String tail) {
            this.head = head;
            this.tail = tail;
        }

        synchronized byte[] of(List<String> current) {
            if (bytes == null || !sameStrings(current, pieces)) {
                StringBuilder out = new StringBuilder(head);
                for (int i = 0; i < current.size(); i++) {
                    out.append(i == 0 ? "" : ",").append(current.get(i));
                }
                bytes = utf8(out.append(tail).toString());
                pieces = current;
            }
            return bytes;
        }

        private static boolean sameStrings(List<String> a, List<String> b) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (a.get(i) != b.get(i)) {
                    return false;
                }
            }
            return true;
        }
    }
}
