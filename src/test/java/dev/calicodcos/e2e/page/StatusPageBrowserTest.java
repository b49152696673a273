package dev.calicodcos.e2e.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.calicodcos.controller.http.ControllerHttpServer;
import dev.calicodcos.controller.http.RolloutTimeline;
import dev.calicodcos.model.agent.StepPhase;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.spec.StepName;
import dev.calicodcos.model.status.AgentPhase;
import dev.calicodcos.model.status.AgentStatus;
import dev.calicodcos.model.status.ClusterStatus;
import dev.calicodcos.model.status.RolloutStatus;
import dev.calicodcos.model.status.StepCell;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * The status page in headless Chromium, served by the controller's own HTTP server from a status
 * the test controls: a step change shows up without a reload, an agent's detail opens, and with
 * 1,000 agents the not-ready ones come first and the filter narrows the grid at once.
 */
@Tag("integration")
class StatusPageBrowserTest {
    private static final Duration SEEN = Duration.ofSeconds(10);
    private final AtomicReference<ClusterStatus> status = new AtomicReference<>();
    private final RolloutTimeline timeline = new RolloutTimeline(Clock.systemUTC());
    private ControllerHttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aStepChangeAppearsWithoutAReloadAndAnAgentsDetailOpens() throws Exception {
        status.set(cluster(3, 0, StepPhase.APPLYING));
        try (Browser browser = Browser.start()) {
            var page = browser.driver();
            page.get(serve());
            await().atMost(SEEN).until(() -> page.findElements(By.cssSelector("#agents tr.agent")).size() == 3);
            page.executeScript("window.loadedOnce = 'yes';");

            status.set(cluster(3, 0, StepPhase.DONE));
            await().atMost(SEEN).until(() -> cell(page, "host-0000", StepName.CNI).equals("DONE"));
            page.findElement(By.cssSelector("#agents tr.agent[data-id='agent-0000']")).click();

            assertThat(page.executeScript("return window.loadedOnce;")).as("the page was not reloaded").isEqualTo("yes");
            WebElement detail = await().atMost(SEEN).until(() -> page.findElements(By.cssSelector("tr.detail[data-for='agent-0000']")),
                    rows -> rows.size() == 1).get(0);
            assertThat(detail.getText()).contains("host-0000", "cni", "DONE", "calico.cni written");
            browser.screenshot("status-page-detail");
        }
    }

    @Test
    void withAThousandAgentsTheNotReadyComeFirstAndTheFilterNarrowsTheGrid() throws Exception {
        status.set(cluster(1_000, 7, StepPhase.DONE));
        for (int ready = 0; ready <= 993; ready += 331) {
            timeline.record(cluster(1_000, 7, StepPhase.DONE, ready, 3));
        }
        try (Browser browser = Browser.start()) {
            var page = browser.driver();
            page.get(serve());
            await().atMost(SEEN).until(() -> page.findElement(By.id("shown")).getText().contains("of 1000"));

            List<WebElement> rows = page.findElements(By.cssSelector("#agents tr.agent"));
            assertThat(rows).hasSize(500);
            assertThat(rows.subList(0, 7)).allSatisfy(r -> assertThat(r.getText()).contains("FAILED"));
            assertThat(rows.get(7).getText()).contains("READY");
            assertThat(page.findElements(By.cssSelector("#timeline svg path"))).isNotEmpty();

            page.findElement(By.id("filter")).sendKeys("host-0999");
            await().atMost(Duration.ofSeconds(2)).until(() -> page.findElements(By.cssSelector("#agents tr.agent")).size() == 1);
            page.findElement(By.id("filter")).clear();
            new Select(page.findElement(By.id("phase"))).selectByValue("!READY");
            await().atMost(Duration.ofSeconds(2)).until(() -> page.findElements(By.cssSelector("#agents tr.agent")).size() == 7);
            assertThat(page.findElement(By.id("shown")).getText()).isEqualTo("showing 7 of 1000 agents");
            browser.screenshot("status-page-1000-agents");
        }
    }

    private String serve() throws Exception {
        server = new ControllerHttpServer(new InetSocketAddress("127.0.0.1", 0), "browser-test", status::get, timeline::points,
                () -> true, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new SpecCodec().json(), List.of());
        server.start();
        return "http://127.0.0.1:" + server.port() + "/";
    }

    /** The text of one grid cell, read in one go in the page (the grid may be redrawn between two WebDriver calls). */
    private static String cell(ChromeDriver page, String host, StepName step) {
        Object text = page.executeScript("const row = [...document.querySelectorAll('#agents tr.agent')]"
                + ".find(r => r.cells[0].textContent.startsWith(arguments[0]));"
                + "return row ? row.cells[2 + arguments[1]].textContent : '';", host, step.ordinal());
        return String.valueOf(text);
    }

    private static ClusterStatus cluster(int agents, int failed, StepPhase cni) {
        return cluster(agents, failed, cni, agents - failed, 0);
    }

    /** {@code agents} agents named host-0000…, the last {@code failed} of them FAILED at cni, the rest with cni in {@code cni}. */
    private static ClusterStatus cluster(int agents, int failed, StepPhase cni, int ready, int restarts) {
        Map<String, AgentStatus> rows = new LinkedHashMap<>();
        Map<AgentPhase, Integer> counts = new EnumMap<>(AgentPhase.class);
        for (int i = 0; i < agents; i++) {
            boolean broken = i >= agents - failed;
            AgentPhase phase = broken ? AgentPhase.FAILED : cni == StepPhase.DONE ? AgentPhase.READY : AgentPhase.PROGRESSING;
            Map<StepName, StepCell> steps = new HashMap<>();
            for (StepName step : StepName.values()) {
                StepPhase p = step == StepName.CNI ? (broken ? StepPhase.FAILED : cni) : StepPhase.DONE;
                steps.put(step, new StepCell(p, "0123456789abcdef", step == StepName.CNI ? "calico.cni written" : ""));
            }
            String id = "agent-%04d".formatted(i);
            rows.put(id, new AgentStatus(id, "host-%04d".formatted(i), phase, 7, steps, broken ? "cni: ChecksumMismatch" : "",
                    Instant.parse("2026-12-01T10:00:00Z"), null));
            counts.merge(phase, 1, Integer::sum);
        }
        counts.put(AgentPhase.READY, Math.min(ready, counts.getOrDefault(AgentPhase.READY, 0)));
        return new ClusterStatus(7, 7, List.of(), counts, Map.of(), new RolloutStatus(restarts, false, false, null, Set.of()), rows,
                List.of(), Instant.parse("2026-12-01T10:00:00Z"));
    }
}
