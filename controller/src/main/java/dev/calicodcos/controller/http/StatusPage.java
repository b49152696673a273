package dev.calicodcos.controller.http;

import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.spec.StepName;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The status page: one self-contained HTML file (inline script and styles, nothing from a CDN)
 * that polls {@code api/v1/status}, {@code api/v1/timeline} and the pages of {@code api/v1/agents}
 * it shows, and redraws what changed: the conditions, the counts, the per-step summary, the rollout
 * timeline, the agents (not ready first, a page at a time, filtered by the server, with a detail per
 * agent) and the recent events. The server only fills in the cluster name, the step and phase names
 * and the page sizes, so the page and the API can never disagree on them.
 */
public final class StatusPage {
    private static final String TEMPLATE = load();

    private StatusPage() {}

    public static String render(String cluster) {
        return TEMPLATE.replace("@CLUSTER@", esc(cluster))
                .replace("@STEPS@", jsonArray(Arrays.stream(StepName.values()).map(StepName::id).toArray(String[]::new)))
                .replace("@PHASES@", jsonArray(AgentOrder.URGENCY.stream().map(Enum::name).toArray(String[]::new)))
                .replace("@STEP_PHASES@", jsonArray(Arrays.stream(StepPhase.values()).map(Enum::name).toArray(String[]::new)))
                .replace("@PAGE@", String.valueOf(AgentQuery.DEFAULT_LIMIT))
                .replace("@MAX_LIMIT@", String.valueOf(AgentQuery.MAX_LIMIT));
    }

    /** Names from our own enums: letters only, so quoting is all they need. */
    private static String jsonArray(String[] names) {
        return Arrays.stream(names).map(n -> "\"" + n + "\"").collect(Collectors.joining(",", "[", "]"));
    }

    static String esc(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    private static String load() {
        try (InputStream in = StatusPage.class.getResourceAsStream("status-page.html")) {
            if (in == null) {
                throw new IllegalStateException("status-page.html is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
