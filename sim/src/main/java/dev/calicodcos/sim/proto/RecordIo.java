package dev.calicodcos.sim.proto;

import java.nio.charset.StandardCharsets;

/** RecordIO framing used by the scheduler and operator streams: {@code <byte length>\n<bytes>}. */
public final class RecordIo {
    private RecordIo() {}

    public static byte[] frame(String json) {
        byte[] payload = json.getBytes(StandardCharsets.UTF_8);
        byte[] header = (payload.length + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] record = new byte[header.length + payload.length];
        System.arraycopy(header, 0, record, 0, header.length);
        System.arraycopy(payload, 0, record, header.length, payload.length);
        return record;
    }
}
