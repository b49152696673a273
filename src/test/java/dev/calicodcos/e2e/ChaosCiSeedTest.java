package dev.calicodcos.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.e2e.chaos.ChaosFault;
import org.junit.jupiter.api.Test;

class ChaosCiSeedTest {

    @Test
    void theSeedCiRunsDrawsEveryKindOfFault() {
        assertThat(ChaosE2eTest.schedule(ChaosE2eTest.CI_SEED).faults()).extracting(ChaosFault::kind)
                .contains(ChaosFault.Kind.values());
    }
}
