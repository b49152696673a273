package dev.calicodcos.controller.mesos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * The RecordIO decoder against any stream and any way the network splits it: the same records
 * come out; a malformed stream fails with {@link RecordIoException} at once, naming what is wrong,
 * without waiting for (or allocating) the length it states.
 */
class RecordIoDecoderPropertiesTest {
    private static final int LIMIT = 4096;

    @Provide
    Arbitrary<List<byte[]>> records() {
        Arbitrary<byte[]> payload = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(300),
                Arbitraries.strings().withChars("0123456789\n{}\":").ofMinLength(1).ofMaxLength(40).map(s -> s.getBytes(StandardCharsets.UTF_8)),
                Arbitraries.bytes().array(byte[].class).ofSize(LIMIT));
        return payload.list().ofMaxSize(12);
    }

    /** Chunk sizes; 1 splits inside the length prefix and at the newline, as a slow network does. */
    @Provide
    Arbitrary<List<Integer>> chunkSizes() {
        return Arbitraries.oneOf(Arbitraries.just(List.of(1)), Arbitraries.integers().between(1, 64).list().ofMinSize(1).ofMaxSize(20));
    }

    @Property(tries = 200)
    void anySplitOfAnyStreamGivesTheSameRecords(@ForAll("records") List<byte[]> records, @ForAll("chunkSizes") List<Integer> chunks) {
        byte[] stream = frame(records);
        RecordIoDecoder decoder = new RecordIoDecoder(LIMIT);

        List<byte[]> decoded = feedInChunks(decoder, stream, chunks);

        assertThat(decoded).usingElementComparator(java.util.Arrays::compare).containsExactlyElementsOf(records);
        assertThat(decoder.atRecordBoundary()).isTrue();
    }

    @Property(tries = 300)
    void aStreamCutAnywhereGivesTheWholeRecordsBeforeTheCutAndSaysARecordIsHalfRead(
            @ForAll("records") List<byte[]> records, @ForAll @IntRange(min = 0, max = 1_000_000) int cutSeed,
            @ForAll("chunkSizes") List<Integer> chunks) {
        byte[] stream = frame(records);
        Assume.that(stream.length > 0);
        int cut = cutSeed % stream.length;
        RecordIoDecoder decoder = new RecordIoDecoder(LIMIT);

        List<byte[]> decoded = feedInChunks(decoder, java.util.Arrays.copyOf(stream, cut), chunks);

        int whole = 0;
        int boundary = 0;
        while (whole < records.size() && boundary + framedLength(records.get(whole)) <= cut) {
            boundary += framedLength(records.get(whole++));
        }
        assertThat(decoded).usingElementComparator(java.util.Arrays::compare).containsExactlyElementsOf(records.subList(0, whole));
        assertThat(decoder.atRecordBoundary()).isEqualTo(boundary == cut);
        if (boundary == cut) {
            decoder.endOfStream();
        } else {
            assertThatThrownBy(decoder::endOfStream).isInstanceOf(RecordIoException.class).hasMessageStartingWith("stream ended inside a record");
        }
    }

    @Property(tries = 300)
    void anyBytesGiveRecordsOrARecordIoExceptionAndNothingElse(
            @ForAll @Size(max = 200) List<@IntRange(min = 0, max = 255) Integer> bytes, @ForAll("chunkSizes") List<Integer> chunks) {
        byte[] stream = new byte[bytes.size()];
        for (int i = 0; i < stream.length; i++) {
            stream[i] = (byte) (int) bytes.get(i);
        }
        RecordIoDecoder decoder = new RecordIoDecoder(LIMIT);
        try {
            feedInChunks(decoder, stream, chunks);
        } catch (RecordIoException e) {
            assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
        }
    }

    @Property(tries = 200)
    void aNonDigitInTheLengthFailsAtThatByteWhateverTheSplit(
            @ForAll @IntRange(min = 0, max = 255) int bad, @ForAll @Size(max = 5) List<@IntRange(min = 0, max = 9) Integer> digitsBefore,
            @ForAll("chunkSizes") List<Integer> chunks) {
        Assume.that(bad != '\n' && (bad < '0' || bad > '9'));
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(frame(List.of("{}".getBytes(StandardCharsets.UTF_8))));
        digitsBefore.forEach(d -> stream.write('0' + d));
        stream.write(bad);
        stream.writeBytes("\n{}".getBytes(StandardCharsets.UTF_8));
        RecordIoDecoder decoder = new RecordIoDecoder(LIMIT);
        List<byte[]> before = new ArrayList<>();

        assertThatThrownBy(() -> {
            feedInChunks(decoder, stream.toByteArray(), chunks, before);
            decoder.endOfStream();
        }).isInstanceOf(RecordIoException.class).hasMessage("unexpected byte " + bad + " in record length");
        assertThat(before).as("the record before the bad byte").hasSize(1);
        assertThat(decoder.atRecordBoundary()).isFalse();
    }

    @Property(tries = 200)
    void aLengthAboveTheLimitFailsAtItsNewlineWithoutWaitingForThePayload(
            @ForAll @LongRange(min = LIMIT + 1, max = Long.MAX_VALUE) long stated, @ForAll("chunkSizes") List<Integer> chunks) {
        byte[] stream = (stated + "\n").getBytes(StandardCharsets.US_ASCII);
        RecordIoDecoder decoder = new RecordIoDecoder(LIMIT);

        assertThatThrownBy(() -> feedInChunks(decoder, stream, chunks))
                .isInstanceOf(RecordIoException.class)
                .hasMessage("record length " + stated + " outside 1.." + LIMIT);
    }

    @Property(tries = 50)
    void aLargeStatedLengthIsNotAllocatedUpFront(@ForAll @LongRange(min = 100_000_000, max = 1_000_000_000) long stated) {
        RecordIoDecoder decoder = new RecordIoDecoder(RecordIoDecoder.MAX_ARRAY);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();

        decoder.feed((stated + "\n{\"type\":\"HEARTBEAT\"}").getBytes(StandardCharsets.US_ASCII));

        assertThat(threads.getCurrentThreadAllocatedBytes() - before).as("bytes allocated").isLessThan(1_000_000);
        assertThat(decoder.atRecordBoundary()).isFalse();
    }

    @Property(tries = 30)
    void afterAFailureTheDecoderRefusesEverythingElse(@ForAll("records") List<byte[]> records) {
        RecordIoDecoder decoder = new RecordIoDecoder(LIMIT);
        assertThatThrownBy(() -> decoder.feed("x".getBytes(StandardCharsets.US_ASCII))).isInstanceOf(RecordIoException.class);

        // A decoder that went on would read the payload of a broken record as lengths and records.
        assertThatThrownBy(() -> decoder.feed(frame(records))).isInstanceOf(RecordIoException.class);
    }

    static List<byte[]> feedInChunks(RecordIoDecoder decoder, byte[] stream, List<Integer> chunks) {
        return feedInChunks(decoder, stream, chunks, new ArrayList<>());
    }

    private static List<byte[]> feedInChunks(RecordIoDecoder decoder, byte[] stream, List<Integer> chunks, List<byte[]> out) {
        int position = 0;
        int i = 0;
        while (position < stream.length) {
            int size = Math.min(stream.length - position, chunks.get(i++ % chunks.size()));
            // a buffer larger than the chunk, at an offset, as a socket read fills it
            byte[] buffer = new byte[size + 7];
            System.arraycopy(stream, position, buffer, 3, size);
            out.addAll(decoder.feed(buffer, 3, size));
            position += size;
            if (i > stream.length + chunks.size() + 1) {
                fail("no progress");
            }
        }
        return out;
    }

    private static int framedLength(byte[] record) {
        return Integer.toString(record.length).length() + 1 + record.length;
    }

    static byte[] frame(List<byte[]> records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] record : records) {
            out.writeBytes((record.length + "\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(record);
        }
        return out.toByteArray();
    }
}
