package dev.calicodcos.controller.mesos;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The RecordIO decoder's fuzz target (Jazzer, coverage-guided): records of any bytes, split into any
 * chunks, decode to themselves; whatever follows them gives records or a {@link RecordIoException},
 * nothing else. The unit tier replays the corpus kept in test resources
 * ({@code RecordIoDecoderFuzzTestInputs/}); {@code -Pfuzz} fuzzes it (see the README, "Property and fuzz tests").
 */
class RecordIoDecoderFuzzTest {
    private static final int LIMIT = 4096;

    @FuzzTest(maxDuration = "5m")
    void anyStreamSplitAnyWayDecodesToItsRecords(FuzzedDataProvider data) {
        List<byte[]> records = new ArrayList<>();
        for (int i = data.consumeInt(0, 8); i > 0; i--) {
            byte[] record = data.consumeBytes(data.consumeInt(1, LIMIT));
            if (record.length > 0) {
                records.add(record);
            }
        }
        List<Integer> chunks = new ArrayList<>();
        for (int i = data.consumeInt(1, 8); i > 0; i--) {
            chunks.add(data.consumeInt(1, 64));
        }
        RecordIoDecoder decoder = new RecordIoDecoder(LIMIT);

        List<byte[]> decoded = RecordIoDecoderPropertiesTest.feedInChunks(decoder, RecordIoDecoderPropertiesTest.frame(records), chunks);

        assertThat(decoded).usingElementComparator(Arrays::compare).containsExactlyElementsOf(records);
        assertThat(decoder.atRecordBoundary()).isTrue();
        try {
            RecordIoDecoderPropertiesTest.feedInChunks(decoder, data.consumeRemainingAsBytes(), chunks);
            decoder.endOfStream();
        } catch (RecordIoException e) {
            assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
        }
    }
}
