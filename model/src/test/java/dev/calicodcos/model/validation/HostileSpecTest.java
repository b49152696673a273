package dev.calicodcos.model.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.calicodcos.model.Specs;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What the spec reader's properties found, one regression test each, and the exhaustive form of
 * "a wrong value at any path": every path of the richest seeds with every hostile value.
 */
class HostileSpecTest {

    @Test
    @Tag("integration") // about 5 s
    void aValueOfEveryWrongTypeAtEveryPathIsReadOrRejectedNamingThePath() {
        List<byte[]> seeds = List.of(Specs.example("full.yaml"), SpecInputs.seeds().get(3));
        List<JsonNode> values = SpecInputs.oneOfEachType();
        int checked = 0;
        for (byte[] seed : seeds) {
            for (int path = 0; path < SpecInputs.pathCount(seed); path++) {
                for (JsonNode value : values) {
                    SpecReaderContract.check(SpecInputs.editTree(seed, path, 0, value, false));
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(1000);
    }

    @Test
    void aNumberBeyondTheJavaTypeIsRejectedNamingTheFieldNotThrown() {
        for (String number : List.of("2147483648", "99999999999999999999")) {
            ReadResult result = SpecReaderContract.check(utf8(Specs.withSpec("rollout: {maxFailedAgents: " + number + "}")));

            assertThat(result).isInstanceOf(ReadResult.Invalid.class);
            assertThat(result.problems()).extracting(p -> p.format("f.yaml"))
                    .containsExactly("f.yaml:6:13: spec.rollout.maxFailedAgents: must be ≤ 2147483647");
        }
    }

    @Test
    void aDurationBeyondAYearIsRejectedNamingTheFieldNotThrown() {
        for (String duration : List.of("99999999999999999999h", "2562047788015216h", "153722867280912931m", "9223372036854775807ms", "8761h")) {
            ReadResult result = SpecReaderContract.check(utf8(Specs.withSpec("rollout:\n  restartTimeout: " + duration)));

            assertThat(result).isInstanceOf(ReadResult.Invalid.class);
            assertThat(result.problems()).extracting(p -> p.format("f.yaml"))
                    .containsExactly("f.yaml:7:5: spec.rollout.restartTimeout: must be at most 8760h (a year), not " + duration);
        }
        assertThat(SpecReaderContract.check(utf8(Specs.withSpec("rollout:\n  stabilityPeriod: 8760h")))).isInstanceOf(ReadResult.Valid.class);
    }

    @Test
    void bytesThatAreNotUtf8AreRejectedWithTheirLineAndColumnNotAJavaException() {
        ByteArrayOutputStream doc = new ByteArrayOutputStream();
        doc.writeBytes(utf8(Specs.MINIMAL_YAML + "spec:\n  node: {image: \"ä"));
        doc.write(0xFF);
        doc.writeBytes(utf8("\"}\n"));

        ReadResult result = SpecReaderContract.check(doc.toByteArray());

        assertThat(result.problems()).extracting(p -> p.format("f.yaml"))
                .containsExactly("f.yaml:6:19: the file is not UTF-8: byte 0xFF cannot start or continue a character");
    }

    @Test
    void nestingDeeperThanTheLimitNamesThePathAndLineNotTheParserSetting() {
        String deep = "[".repeat(70) + "]".repeat(70);

        ReadResult yaml = SpecReaderContract.check(utf8(Specs.MINIMAL_YAML + "spec:\n  node: " + deep + "\n"));
        ReadResult json = SpecReaderContract.check(utf8("{\"spec\": {\"a\": " + deep + "}}"));

        assertThat(yaml.problems()).extracting(p -> p.format("f.yaml"))
                .containsExactly("f.yaml:6:71: spec.node" + "[0]".repeat(62) + ": nested deeper than 64 levels");
        assertThat(json.problems()).singleElement().satisfies(p -> {
            assertThat(p.text()).startsWith("spec.a[0][0]").endsWith(": nested deeper than 64 levels");
            assertThat(p.location()).isPresent();
        });
    }

    @Test
    void anAliasWhereAKeyBelongsIsRefusedAsAnAliasNotWithTheParsersEventClass() {
        ReadResult result = SpecReaderContract.check(utf8(Specs.MINIMAL_YAML + "spec:\n  *a : 1\n"));

        assertThat(result.problems()).extracting(p -> p.format("f.yaml"))
                .containsExactly("f.yaml:6:5: YAML anchors and aliases are not allowed");
    }

    @Test
    void nulBytesAreReadAsUtf8NotTakenForUtf32() {
        byte[] doc = new byte[100];
        doc[0] = '{';

        ReadResult result = SpecReaderContract.check(doc);

        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.location()).isPresent();
            assertThat(p.text()).doesNotContain("UTF-32");
        });
    }

    @Test
    void anInvalidEnvironmentNameIsReportedWithOurPathNotTheValidatorsPointer() {
        ReadResult result = SpecReaderContract.check(utf8(Specs.withSpec("node:\n  env: {lower: x}")));

        assertThat(result.problems()).extracting(p -> p.format("f.yaml")).containsExactly(
                "f.yaml:7:5: spec.node.env: property 'lower' name is not valid: does not match the regex pattern ^[A-Z_][A-Z0-9_]*$");
    }

    @Test
    void anUnclosedJsonObjectIsReportedWithoutTheParsersSettings() {
        ReadResult result = SpecReaderContract.check(utf8("{\"apiVersion\": \"calico-dcos.io/v1\",\n \"spec\": {"));

        assertThat(result.problems()).singleElement().satisfies(p -> {
            assertThat(p.text()).isEqualTo("Unexpected end-of-input: expected close marker for Object (start marker at line 2, column 10)");
            assertThat(p.location()).isPresent();
        });
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
