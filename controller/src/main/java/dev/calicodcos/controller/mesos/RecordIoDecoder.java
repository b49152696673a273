package dev.calicodcos.controller.mesos;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Incremental decoder of Mesos RecordIO framing ({@code <decimal byte length>\n<payload>}).
 *
 * <p>Chunk boundaries are unrelated to record boundaries, so the decoder keeps partial state between
 * {@link #feed} calls: a record may arrive split over many chunks, and one chunk may hold several
 * records. A malformed stream fails for good: the records completed before the bad byte are still
 * returned, and that call's successor (or {@link #endOfStream}) throws. Never allocates more than
 * 64 KiB ahead of the bytes that arrived, whatever length a prefix states. Not thread-safe: one
 * decoder per stream.
 */
public final class RecordIoDecoder {
    /** Longest decimal length prefix we accept; 20 digits cover any unsigned 64-bit value. */
    private static final int MAX_LENGTH_DIGITS = 20;
    /** The largest byte array a JVM allocates; a larger limit would end in an OutOfMemoryError mid-record. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final long maxRecordBytes;
    private final StringBuilder lengthDigits = new StringBuilder();
    private ByteArrayOutputStream payload;
    private long remaining = -1;   // -1 while reading the length prefix
    private long stated;
    private RecordIoException failure;

    public RecordIoDecoder(long maxRecordBytes) {
        if (maxRecordBytes <= 0 || maxRecordBytes > MAX_ARRAY) {
            throw new IllegalArgumentException("maxRecordBytes must be in 1.." + MAX_ARRAY + ": a record is one byte array");
        }
        this.maxRecordBytes = maxRecordBytes;
    }

    /** Feeds the next bytes of the stream and returns every record they completed, in order. */
    public List<byte[]> feed(byte[] bytes, int offset, int length) {
        if (failure != null) {
            throw failure;
        }
        List<byte[]> records = new ArrayList<>();
        int position = offset;
        int end = offset + length;
        while (position < end) {
            if (remaining < 0) {
                try {
                    position = readLength(bytes, position, end);
                } catch (RecordIoException e) {
                    failure = e;
                    if (records.isEmpty()) {
                        throw e;
                    }
                    return records; // they arrived whole; the next call throws
                }
            } else {
                int take = (int) Math.min(remaining, end - position);
                payload.write(bytes, position, take);
                position += take;
                remaining -= take;
                if (remaining == 0) {
                    records.add(payload.toByteArray());
                    payload = null;
                    remaining = -1;
                }
            }
        }
        return records;
    }

    public List<byte[]> feed(byte[] bytes) {
        return feed(bytes, 0, bytes.length);
    }

    /** True when the stream may end here without losing data (no record is half read, nothing malformed). */
    public boolean atRecordBoundary() {
        return failure == null && remaining < 0 && lengthDigits.length() == 0;
    }

    /** The stream ended: throws when it was malformed or ended inside a record, so the caller can say why. */
    public void endOfStream() {
        if (failure != null) {
            throw failure;
        }
        if (remaining >= 0) {
            throw new RecordIoException("stream ended inside a record: " + (stated - remaining) + " of " + stated + " bytes read");
        }
        if (lengthDigits.length() > 0) {
            throw new RecordIoException("stream ended inside a record length");
        }
    }

    private int readLength(byte[] bytes, int position, int end) {
        while (position < end) {
            byte b = bytes[position++];
            if (b == '\n') {
                startPayload();
                return position;
            }
            if (b < '0' || b > '9') {
                throw new RecordIoException("unexpected byte " + (b & 0xff) + " in record length");
            }
            if (lengthDigits.length() == MAX_LENGTH_DIGITS) {
                throw new RecordIoException("record length has too many digits");
            }
            lengthDigits.append((char) b);
        }
        return position;
    }

    private void startPayload() {
        if (lengthDigits.length() == 0) {
            throw new RecordIoException("empty record length");
        }
        long size;
        try {
            size = Long.parseUnsignedLong(lengthDigits.toString());
        } catch (NumberFormatException e) {
            throw new RecordIoException("record length out of range");
        }
        lengthDigits.setLength(0);
        if (size == 0 || Long.compareUnsigned(size, maxRecordBytes) > 0) {
            throw new RecordIoException("record length " + Long.toUnsignedString(size)
                    + " outside 1.." + maxRecordBytes);
        }
        remaining = size;
        stated = size;
        payload = new ByteArrayOutputStream((int) Math.min(size, 64 * 1024));
    }
}
