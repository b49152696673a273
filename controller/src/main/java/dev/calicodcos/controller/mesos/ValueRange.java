package dev.calicodcos.controller.mesos;

/** An inclusive range of a RANGES resource, e.g. ports 31000-32000. */
public record ValueRange(long begin, long end) {
    public ValueRange {
        if (end < begin) {
            throw new IllegalArgumentException("range end " + end + " before begin " + begin);
        }
    }
}
