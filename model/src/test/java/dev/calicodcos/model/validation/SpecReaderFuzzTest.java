package dev.calicodcos.model.validation;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * The spec reader's fuzz target (Jazzer, coverage-guided): any bytes are read or rejected as
 * {@link SpecReaderContract} promises. In the unit tier it replays the corpus kept beside it in
 * test resources ({@code SpecReaderFuzzTestInputs/}); {@code -Pfuzz} fuzzes it (see the README, "Property and fuzz tests").
 */
class SpecReaderFuzzTest {

    @DictionaryFile(resourcePath = "spec.dict")
    @FuzzTest(maxDuration = "5m") // Jazzer wants it last
    void anyDocumentIsReadOrRejectedWithALocatedMessage(byte[] document) {
        SpecReaderContract.check(document);
    }
}
