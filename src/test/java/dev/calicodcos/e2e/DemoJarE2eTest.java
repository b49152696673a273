package dev.calicodcos.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The README's first command, as a user runs it: the demo jar, which finds the product jar its agents run. */
@Tag("integration")
class DemoJarE2eTest {

    @Test
    void theDemoExitsZeroOnceFiveAgentsAreReady() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process demo = new ProcessBuilder(java, "-jar", E2e.demoJar().toString(), "--agents", "5", "--exit-when-ready", "--timeout", "4m")
                .redirectErrorStream(true).start();
        byte[] output = demo.getInputStream().readAllBytes();
        boolean exited = demo.waitFor(5, TimeUnit.MINUTES);
        String text = new String(output, StandardCharsets.UTF_8);

        assertThat(exited).isTrue();
        assertThat(demo.exitValue()).as(text).isZero();
        assertThat(text).contains("status page     http://127.0.0.1:", "try             java -jar " + E2e.jar().toRealPath(),
                "5/5 agents ready", "Ready: every agent converged", "RestartGranted");
    }

    @Test
    void theDemoShowsABadImageHaltingWithTheOldCalicoNodeStillRunning() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process demo = new ProcessBuilder(java, "-jar", E2e.demoJar().toString(), "--agents", "3", "--exit-when-ready", "--timeout", "4m",
                "--then-node-image", "calico/node:v2.6.12-typo")
                .redirectErrorStream(true).start();
        byte[] output = demo.getInputStream().readAllBytes();
        boolean exited = demo.waitFor(5, TimeUnit.MINUTES);
        String text = new String(output, StandardCharsets.UTF_8);

        assertThat(exited).isTrue();
        assertThat(demo.exitValue()).as(text).isEqualTo(1);
        assertThat(text).contains("Ready: every agent converged", "applied spec.node.image calico/node:v2.6.12-typo",
                "manifest for calico/node:v2.6.12-typo not found", "still runs calico/node:v2.6.12", "the rollout halted");
    }
}
