package dev.calicodcos.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class JavaVersionCheckTest {
    @ParameterizedTest
    @CsvSource({"1.8, 8", "1.7, 7", "9, 9", "11, 11", "17, 17", "21, 21", "25, 25", "17.0.2, 17", " 21 , 21", "1.8.0, 8"})
    void readsTheFeatureReleaseOfOldAndNewVersionNumbers(String version, int feature) {
        assertThat(JavaVersionCheck.feature(version)).isEqualTo(feature);
    }

    @ParameterizedTest
    @CsvSource(value = {"''", "abc", "1.", "17-ea+3", "x17", "99999999999", "NULL"}, nullValues = "NULL")
    void oddStringsAreNotAVersion(String version) {
        assertThat(JavaVersionCheck.feature(version)).isEqualTo(-1);
    }

    @Test
    void javaEightIsRefusedInOneLineNamingWhatWasFoundWhereAndWhatToUseInstead() {
        String line = JavaVersionCheck.refusal("1.8", "/opt/mesosphere/active/java/usr/java/jre", "0.1.0");

        assertThat(line).doesNotContain("\n")
                .contains("needs Java 17 or newer")
                .contains("found Java 1.8 at /opt/mesosphere/active/java/usr/java/jre")
                .contains("calico-dcos-runtime/bin/java")
                .contains("calico-dcos-runtime-0.1.0-linux-x64.tar.gz")
                .contains("container image");
    }

    @ParameterizedTest
    @CsvSource({"1.8", "9", "11", "16"})
    void everyJavaBefore17IsRefused(String version) {
        assertThat(JavaVersionCheck.refusal(version, "/jre", "0.1.0")).isNotNull();
    }

    @ParameterizedTest
    @CsvSource({"17", "21", "25"})
    void java17AndNewerGoOn(String version) {
        assertThat(JavaVersionCheck.refusal(version, "/jdk", "0.1.0")).isNull();
    }

    @Test
    void anUnreadableVersionGoesOnAndLeavesTheVerdictToLoadingTheCli() {
        assertThat(JavaVersionCheck.refusal("abc", "/jdk", "0.1.0")).isNull();
        assertThat(JavaVersionCheck.refusal(null, "/jdk", "0.1.0")).isNull();
    }

    @Test
    void aBuildWithoutAVersionStillNamesTheTarball() {
        assertThat(JavaVersionCheck.refusal("1.8", "/jre", null)).contains("calico-dcos-runtime-<version>-linux-x64.tar.gz");
    }
}
