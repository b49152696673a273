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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * The status page in headless Chromium, served by the controller's own HTTP server from a status
 * the test controls: a step change shows up without a reload, an agent's detail opens, and with
 * 10,000 agents the page holds one page of rows, the not-ready ones first, the filters (text,
 * phase, a step's phase) narrow the list on the server at once, and "more" pages in the next rows.
 */
@Tag("integration")
class StatusPageBrowserTest {
    private static final Duration SEEN = Duration.ofSeconds(10);
    /**
     * How long an interaction may take, WebDriver's round trips included, before the page counts as
     * unresponsive (on this shared 2-core machine about 1–2 s; drawing all 10,000 rows would take far longer).
     */
    private static final Duration AT_ONCE = Duration.ofSeconds(5);
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
        status.set(cluster(3, 0, 0, StepPhase.APPLYING));
        try (Browser browser = Browser.start()) {
            var page = browser.driver();
            page.get(serve());
            await().atMost(SEEN).until(() -> page.findElements(By.cssSelector("#agents tr.agent")).size() == 3);
            page.executeScript("window.loadedOnce = 'yes';");

            status.set(cluster(3, 0, 0, StepPhase.DONE));
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
    void withTenThousandAgentsTheNotReadyComeFirstAPageAtATimeAndTheFiltersNarrowOnTheServer() throws Exception {
        status.set(cluster(10_000, 7, 593, StepPhase.DONE));
        for (int ready = 0; ready <= 9_400; ready += 3_100) {
            timeline.record(point(10_000, ready, 3));
        }
        try (Browser browser = Browser.start()) {
            var page = browser.driver();
            page.get(serve());
            await().atMost(SEEN).until(() -> shown(page).equals("showing 500 of 10000 agents"));

            List<String> phases = phases(page);
            assertThat(phases).as("one page of rows, not 10,000").hasSize(500);
            assertThat(phases.subList(0, 7)).containsOnly("FAILED");
            assertThat(phases.subList(7, 500)).containsOnly("PROGRESSING");
            assertThat(page.findElement(By.id("counts")).getText()).contains("7 failed", "593 progressing", "9400 ready");
            assertThat(page.findElement(By.id("steps")).getText()).contains("cni", "593", "9400");
            assertThat(page.findElements(By.cssSelector("#timeline svg path"))).isNotEmpty();

            WebElement more = page.findElement(By.id("more"));
            assertThat(more.getText()).isEqualTo("500 more");
            more.click();
            await().atMost(AT_ONCE).until(() -> phases(page).size() == 1_000);
            assertThat(phases(page).subList(500, 600)).containsOnly("PROGRESSING");
            assertThat(phases(page).subList(600, 1_000)).containsOnly("READY");
            assertThat(shown(page)).isEqualTo("showing 1000 of 10000 agents");

            page.findElement(By.id("filter")).sendKeys("host-9999");
            await().atMost(AT_ONCE).until(() -> shown(page).equals("showing 1 of 1 matching agents (10000 in all)"));
            assertThat(page.findElement(By.cssSelector("#agents tr.agent")).getText()).contains("host-9999", "FAILED");
            page.findElement(By.id("filter")).sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
            await().atMost(AT_ONCE).until(() -> shown(page).equals("showing 500 of 10000 agents"));

            new Select(page.findElement(By.id("phase"))).selectByValue("!READY");
            await().atMost(AT_ONCE).until(() -> shown(page).equals("showing 500 of 600 matching agents (10000 in all)"));
            assertThat(phases(page)).doesNotContain("READY");

            page.findElement(By.cssSelector("#steps td[data-step='cni'][data-phase='FAILED']")).click();
            await().atMost(AT_ONCE).until(() -> shown(page).equals("showing 7 of 7 matching agents (10000 in all)"));
            assertThat(page.findElement(By.id("more")).isDisplayed()).isFalse();

            long polls = polls(page);
            status.set(cluster(10_000, 8, 592, StepPhase.DONE));
            await().atMost(SEEN).until(() -> shown(page).equals("showing 8 of 8 matching agents (10000 in all)"));
            assertThat(polls(page)).as("still polling").isGreaterThan(polls);
            browser.screenshot("status-page-10000-agents");
        }
    }

    private String serve() throws Exception {
        server = new ControllerHttpServer(new InetSocketAddress("127.0.0.1", 0), "browser-test", status::get, timeline::points,
                List::of, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), new SpecCodec().json(), List.of());
        server.start();
        return "http://127.0.0.1:" + server.port() + "/";
    }

    private static String shown(ChromeDriver page) {
        return page.findElement(By.id("shown")).getText();
    }

    private static long polls(ChromeDriver page) {
        return ((Number) page.executeScript("return window.calicoDcos.polls;")).longValue();
    }

    /** The phase of every agent row, read in one go in the page (the grid may be redrawn between two WebDriver calls). */
    @SuppressWarnings("unchecked")
    private static List<String> phases(ChromeDriver page) {
        return (List<String>) page.executeScript("return [...document.querySelectorAll('#agents tr.agent')]"
                + ".map(r => r.cells[1].firstChild.textContent);");
    }

    /** The text of one grid cell, read in one go in the page. */
    private static String cell(ChromeDriver page, String host, StepName step) {
        Object text = page.executeScript("const row = [...document.querySelectorAll('#agents tr.agent')]"
                + ".find(r => r.cells[0].textContent.startsWith(arguments[0]));"
                + "return row ? row.cells[2 + arguments[1]].textContent : '';", host, step.ordinal());
        return String.valueOf(text);
    }

    /**
     * {@code agents} agents named host-0000…: the last {@code failed} FAILED at cni, the {@code progressing} before them
     * applying cni, the rest with cni in {@code cni} (READY when DONE).
     */
    private static ClusterStatus cluster(int agents, int failed, int progressing, StepPhase cni) {
        Map<String, AgentStatus> rows = new LinkedHashMap<>();
        Map<AgentPhase, Integer> counts = new EnumMap<>(AgentPhase.class);
        Map<StepName, Map<StepPhase, Integer>> stepCounts = new EnumMap<>(StepName.class);
        for (int i = 0; i < agents; i++) {
            boolean broken = i >= agents - failed;
            StepPhase mine = broken ? StepPhase.FAILED : i >= agents - failed - progressing ? StepPhase.APPLYING : cni;
            AgentPhase phase = broken ? AgentPhase.FAILED : mine == StepPhase.DONE ? AgentPhase.READY : AgentPhase.PROGRESSING;
            Map<StepName, StepCell> steps = new EnumMap<>(StepName.class);
            for (StepName step : StepName.values()) {
                StepPhase p = step == StepName.CNI ? mine : StepPhase.DONE;
                steps.put(step, new StepCell(p, "0123456789abcdef", step == StepName.CNI ? "calico.cni written" : ""));
                stepCounts.computeIfAbsent(step, s -> new EnumMap<>(StepPhase.class)).merge(p, 1, Integer::sum);
            }
            String id = "agent-%04d".formatted(i);
            rows.put(id, new AgentStatus(id, "host-%04d".formatted(i), phase, 7, steps, broken ? "cni: ChecksumMismatch" : "",
                    Instant.parse("2026-12-01T10:00:00Z"), null));
            counts.merge(phase, 1, Integer::sum);
        }
        return new ClusterStatus(7, 7, List.of(), counts, stepCounts, new RolloutStatus(0, false, false, null, Set.of()), rows,
                List.of(), Instant.parse("2026-12-01T10:00:00Z"));
    }

    /** A moment of the rollout for the timeline: counts only. */
    private static ClusterStatus point(int agents, int ready, int restarts) {
        return new ClusterStatus(7, 7, List.of(), Map.of(AgentPhase.READY, ready, AgentPhase.PROGRESSING, agents - ready), Map.of(),
                new RolloutStatus(restarts, false, false, null, Set.of()), Map.of(), List.of(), Instant.parse("2026-12-01T10:00:00Z"));
    }
}
