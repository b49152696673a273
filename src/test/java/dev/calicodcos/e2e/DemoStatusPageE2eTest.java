package dev.calicodcos.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.calicodcos.demo.DemoCluster;
import dev.calicodcos.e2e.page.Browser;
import dev.calicodcos.model.status.Condition;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The status page of the demo in headless Chromium, watched from before the rollout starts to
 * Ready: the agents appear, their steps change in place (never a reload), the counts and the
 * per-step summary follow, the timeline draws the rollout, and an agent's detail opens. Leaves target/screenshots/status-page-demo.png.
 */
@Tag("integration")
class DemoStatusPageE2eTest {

    @Test
    void theDemoRolloutUnfoldsOnThePageWithoutAReload() throws Exception {
        try (DemoCluster demo = DemoCluster.start(E2e.options(3)); Browser browser = Browser.start()) {
            ChromeDriver page = browser.driver();
            page.get(demo.statusPage().toString());
            page.executeScript("window.loadedOnce = 'yes';");

            demo.apply(demo.exampleSpec());
            await().atMost(Duration.ofMinutes(1)).until(() -> page.findElements(By.cssSelector("#agents tr.agent")).size() == 3);
            await().atMost(Duration.ofMinutes(3)).until(() -> readyRows(page) == 3
                    && demo.status().filter(s -> s.isTrue(Condition.READY)).isPresent());

            assertThat(page.executeScript("return window.loadedOnce;")).as("the page was never reloaded").isEqualTo("yes");
            assertThat(page.findElement(By.cssSelector("#conditions")).getText()).contains("Ready: True");
            assertThat(page.findElement(By.id("counts")).getText()).isEqualTo("3 ready");
            assertThat(page.findElement(By.id("steps")).getText()).contains("etcdProxy", "node");
            assertThat(page.findElements(By.cssSelector("#timeline svg path"))).hasSizeGreaterThanOrEqualTo(3);
            assertThat(page.findElement(By.id("span")).getText()).contains("now 3/3 ready");
            // Clicked in the page: the grid may redraw between a WebDriver lookup and its click.
            page.executeScript("document.querySelector('#agents tr.agent').click();");
            await().atMost(Duration.ofSeconds(5)).until(() -> page.findElements(By.cssSelector("#agents tr.detail")).size() == 1);
            assertThat(page.findElement(By.cssSelector("#agents tr.detail")).getText()).contains("etcdProxy", "DONE", "node");
            browser.screenshot("status-page-demo");
        }
    }

    /** Rows whose phase cell says READY, read in one go in the page (it may redraw between WebDriver calls). */
    private static long readyRows(ChromeDriver page) {
        Object n = page.executeScript("return [...document.querySelectorAll('#agents tr.agent')]"
                + ".filter(r => r.cells[1].textContent.startsWith('READY')).length;");
        return ((Number) n).longValue();
    }
}
