package dev.calicodcos.controller.mesos;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordIoDecoderTest {
    private static final String SUBSCRIBED = "{\"type\":\"SUBSCRIBED\",\"subscribed\":{\"framework_id\":"
            + "{\"value\":\"5d6f8a3c-2b1e-4f7a-9c1d-7e2a4b6c8d10-0007\"},\"heartbeat_interval_seconds\":15.0}}";
    private static final String HEARTBEAT = "{\"type\":\"HEARTBEAT\"}";
    /** Multi-byte UTF-8: the length prefix counts bytes, not characters. */
    private static final String UNICODE = "{\"type\":\"ERROR\",\"error\":{\"message\":\"Größe ✓ 日本\"}}";

    @Test
    void decodesTheByteExactExampleOfTheReference() {
        byte[] stream = ("139\n" + SUBSCRIBED + "20\n" + HEARTBEAT).getBytes(StandardCharsets.UTF_8);

        List<byte[]> records = new RecordIoDecoder(1 << 20).feed(stream);

        assertThat(records).extracting(r -> new String(r, StandardCharsets.UTF_8)).containsExactly(SUBSCRIBED, HEARTBEAT);
    }

    @Test
    void decodesRecordsFedOneByteAtATime() {
        byte[] stream = frame(SUBSCRIBED, HEARTBEAT, UNICODE);
        RecordIoDecoder decoder = new RecordIoDecoder(1 << 20);
        List<String> records = new ArrayList<>();

        for (byte b : stream) {
            decoder.feed(new byte[] {b}).forEach(r -> records.add(new String(r, StandardCharsets.UTF_8)));
        }

        assertThat(records).containsExactly(SUBSCRIBED, HEARTBEAT, UNICODE);
        assertThat(decoder.atRecordBoundary()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 4711})
    void decodesTheSameRecordsWhateverTheChunkBoundaries(long seed) {
        byte[] stream = frame(SUBSCRIBED, HEARTBEAT, UNICODE, HEARTBEAT, SUBSCRIBED);
        Random random = new Random(seed);
        RecordIoDecoder decoder = new RecordIoDecoder(1 << 20);
        List<String> records = new ArrayList<>();

        int position = 0;
        while (position < stream.length) {
            int size = Math.min(stream.length - position, 1 + random.nextInt(60));
            byte[] chunk = Arrays.copyOfRange(stream, position, position + size);
            decoder.feed(chunk).forEach(r -> records.add(new String(r, StandardCharsets.UTF_8)));
            position += size;
        }

        assertThat(records).containsExactly(SUBSCRIBED, HEARTBEAT, UNICODE, HEARTBEAT, SUBSCRIBED);
    }

    @Test
    void everySplitPointOfTwoRecordsGivesBothRecords() {
        byte[] stream = frame(UNICODE, HEARTBEAT);
        for (int split = 0; split <= stream.length; split++) {
            RecordIoDecoder decoder = new RecordIoDecoder(1 << 20);
            List<byte[]> records = new ArrayList<>(decoder.feed(stream, 0, split));
            records.addAll(decoder.feed(stream, split, stream.length - split));
            assertThat(records).as("split at %d", split)
                    .extracting(r -> new String(r, StandardCharsets.UTF_8)).containsExactly(UNICODE, HEARTBEAT);
        }
    }

    @Test
    void reportsAHalfReadRecord() {
        RecordIoDecoder decoder = new RecordIoDecoder(1 << 20);

        decoder.feed("20\n{\"type\"".getBytes(StandardCharsets.UTF_8));

        assertThat(decoder.atRecordBoundary()).isFalse();
    }

    @Test
    void rejectsANonDigitInTheLength() {
        RecordIoDecoder decoder = new RecordIoDecoder(1 << 20);

        assertThatThrownBy(() -> decoder.feed("2x\n{}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(RecordIoException.class);
    }

    @Test
    void rejectsAZeroLengthRecord() {
        assertThatThrownBy(() -> new RecordIoDecoder(1 << 20).feed("0\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(RecordIoException.class);
    }

    @Test
    void rejectsARecordAboveTheSizeLimit() {
        assertThatThrownBy(() -> new RecordIoDecoder(100).feed("101\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(RecordIoException.class)
                .hasMessageContaining("101");
    }

    @Test
    void rejectsALengthBeyondSixtyFourBits() {
        assertThatThrownBy(() -> new RecordIoDecoder(100).feed("99999999999999999999\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(RecordIoException.class);
    }

    @Test
    void refusesALimitNoByteArrayCanHold() {
        assertThatThrownBy(() -> new RecordIoDecoder(Integer.MAX_VALUE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxRecordBytes");
    }

    @Test
    void returnsTheRecordsBeforeABadByteThenFailsForGood() {
        RecordIoDecoder decoder = new RecordIoDecoder(1 << 20);

        List<byte[]> records = decoder.feed("2\n{}x\n".getBytes(StandardCharsets.UTF_8));

        assertThat(records).extracting(r -> new String(r, StandardCharsets.UTF_8)).containsExactly("{}");
        assertThatThrownBy(() -> decoder.feed(frame(HEARTBEAT))).isInstanceOf(RecordIoException.class)
                .hasMessage("unexpected byte 120 in record length");
        assertThatThrownBy(decoder::endOfStream).isInstanceOf(RecordIoException.class);
    }

    @Test
    void saysWhenTheStreamEndsInsideARecord() {
        RecordIoDecoder decoder = new RecordIoDecoder(1 << 20);

        decoder.feed("20\n{\"type\"".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(decoder::endOfStream).isInstanceOf(RecordIoException.class)
                .hasMessage("stream ended inside a record: 7 of 20 bytes read");
    }

    static byte[] frame(String... records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String record : records) {
            byte[] bytes = record.getBytes(StandardCharsets.UTF_8);
            out.writeBytes((bytes.length + "\n").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(bytes);
        }
        return out.toByteArray();
    }
}
