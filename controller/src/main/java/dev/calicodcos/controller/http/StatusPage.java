package dev.calicodcos.controller.http;

import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.ClusterEvent;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.status.Condition;
import dev.calicodcos.model.status.StepCell;
import java.util.List;

/** The status page: conditions, the agent × step grid, recent events. A pure render; it refreshes itself. */
public final class StatusPage {
    private StatusPage() {}

    public static String render(String cluster, ClusterStatus status) {
        StringBuilder html = new StringBuilder(8192);
        html.append("<!doctype html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"2\">")
                .append("<title>calico-dcos · ").append(esc(cluster)).append("</title><style>")
                .append("body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}")
                .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}")
                .append(".c{display:inline-block;margin:0 .5em .5em 0;padding:.3em .6em;border-radius:4px;background:#eee}")
                .append(".True.Ready,.DONE,.READY{background:#c8f7c5}.True.Degraded,.FAILED,.BLOCKED,.LOST{background:#f7c5c5}")
                .append(".True.Progressing,.APPLYING,.PROGRESSING,.PENDING{background:#fdf3c4}")
                .append(".AWAITING_RESTART,.RESTARTING,.True.Paused{background:#c5dcf7}.True.InvalidSpec{background:#f7c5c5}")
                .append(".UNSUPPORTED,.REMOVED,.GONE{background:#e4e4e4}small{color:#666}")
                .append("</style></head><body><h1>calico-dcos · ").append(esc(cluster)).append("</h1><p>");
        for (Condition c : status.conditions()) {
            html.append("<span class=\"c ").append(esc(c.status())).append(' ').append(esc(c.type())).append("\" title=\"")
                    .append(esc(c.message())).append("\">").append(esc(c.type())).append(": ").append(esc(c.status()))
                    .append(" <small>").append(esc(c.reason())).append("</small></span>");
        }
        html.append("</p><p>spec revision ").append(status.appliedGeneration()).append(" in force (observed ")
                .append(status.observedGeneration()).append("), restarts in flight ").append(status.rollout().grantsInFlight())
                .append("</p><table><tr><th>agent</th><th>phase</th>");
        for (StepName step : StepName.values()) {
            html.append("<th>").append(step.id()).append("</th>");
        }
        html.append("</tr>");
        for (AgentStatus agent : status.agents().values()) {
            html.append("<tr><td>").append(esc(agent.hostname())).append("<br><small>").append(esc(agent.agentId()))
                    .append("</small></td><td class=\"").append(agent.phase()).append("\">").append(agent.phase())
                    .append("<br><small>").append(esc(agent.message())).append("</small></td>");
            for (StepName step : StepName.values()) {
                StepCell cell = agent.steps().get(step);
                StepPhase phase = cell == null ? null : cell.phase();
                html.append("<td class=\"").append(phase == null ? "" : phase.name()).append("\">")
                        .append(phase == null ? "—" : phase.name())
                        .append(cell == null ? "" : "<br><small>" + esc(shortHash(cell.desiredHash())) + " " + esc(cell.message()) + "</small>")
                        .append("</td>");
            }
            html.append("</tr>");
        }
        html.append("</table><h2>Recent events</h2><table><tr><th>time</th><th>reason</th><th>agent</th><th>step</th><th>message</th></tr>");
        List<ClusterEvent> events = status.events();
        for (int i = events.size() - 1; i >= Math.max(0, events.size() - 30); i--) {
            ClusterEvent e = events.get(i);
            html.append("<tr><td>").append(e.time()).append("</td><td>").append(esc(e.reason())).append("</td><td>")
                    .append(esc(e.agentId())).append("</td><td>").append(esc(e.step())).append("</td><td>")
                    .append(esc(e.message())).append("</td></tr>");
        }
        return html.append("</table></body></html>").toString();
    }

    private static String shortHash(String hash) {
        return hash == null || hash.length() < 12 ? String.valueOf(hash) : hash.substring(0, 12);
    }

    static String esc(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}
