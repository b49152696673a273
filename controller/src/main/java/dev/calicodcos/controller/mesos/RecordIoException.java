package dev.calicodcos.controller.mesos;

/** The byte stream is not valid RecordIO; the subscription it came from must be dropped. */
public final class RecordIoException extends RuntimeException {
    public RecordIoException(String message) {
        super(message);
    }
}
