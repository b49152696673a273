package dev.calicodcos.kvstore;

/** etcd could not be reached or did not answer in time; the message says which key and why. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
