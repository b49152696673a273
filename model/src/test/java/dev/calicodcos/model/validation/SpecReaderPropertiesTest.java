package dev.calicodcos.model.validation;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The spec reader against any document: it accepts it or rejects it with messages that name a
 * path or a line, never with an exception (see {@link SpecReaderContract}). The tries keep the
 * unit tier fast (about 4 s in all); the fuzz target {@code SpecReaderFuzzTest} searches longer on purpose.
 */
class SpecReaderPropertiesTest {
    private static final List<byte[]> SEEDS = SpecInputs.seeds();
    private static final List<JsonNode> VALUES = SpecInputs.hostileValues();

    @Provide
    Arbitrary<byte[]> seeds() {
        return Arbitraries.of(SEEDS);
    }

    @Property(tries = 300)
    void anyBytesAreReadOrRejectedWithALocatedMessage(@ForAll byte[] input) {
        SpecReaderContract.check(input);
    }

    @Property(tries = 200)
    void anyYamlLikeTextIsReadOrRejectedWithALocatedMessage(@ForAll("yamlLikeText") String input) {
        SpecReaderContract.check(input.getBytes(StandardCharsets.UTF_8));
    }

    @Provide
    Arbitrary<String> yamlLikeText() {
        return Arbitraries.strings().withChars("{}[]:,-?&*!|>'\"#%@`\n\t 0123456789.eE+_~nulltruefalseaAkK\\")
                .withCharRange('\u0000', '\u0020').ofMaxLength(200)
                .map(body -> "apiVersion: calico-dcos.io/v1\nkind: CalicoCluster\nmetadata: {name: x}\nspec:\n  " + body);
    }

    @Property(tries = 150)
    void mutationsOfValidSpecsAreReadOrRejectedWithALocatedMessage(
            @ForAll("seeds") byte[] seed, @ForAll long mutationSeed, @ForAll @IntRange(min = 1, max = 8) int rounds) {
        SpecReaderContract.check(SpecInputs.mutate(seed, new Random(mutationSeed), rounds));
    }

    @Property(tries = 300)
    void aWrongValueAtAnyPathIsRejectedNamingThatPath(
            @ForAll("seeds") byte[] seed, @ForAll @IntRange(min = 0, max = 500) int pathIndex,
            @ForAll @IntRange(min = 0, max = 300) int edit, @ForAll("values") JsonNode value, @ForAll boolean asJson) {
        SpecReaderContract.check(SpecInputs.editTree(seed, pathIndex, edit, value, asJson));
    }

    @Provide
    Arbitrary<JsonNode> values() {
        return Arbitraries.of(VALUES);
    }

    @Property(tries = 30)
    void deepNestingIsRejectedWithoutOverflowingTheStack(
            @ForAll @IntRange(min = 1, max = 3000) int depth, @ForAll @IntRange(min = 0, max = 2) int style) {
        SpecReaderContract.check(SpecInputs.deeplyNested(depth, style));
    }
}
