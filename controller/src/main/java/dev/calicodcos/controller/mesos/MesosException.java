package dev.calicodcos.controller.mesos;

/**
 * A failed exchange with the Mesos master, with a machine-readable reason.
 *
 * <p>Messages name the URL path and status, never headers or credentials.
 */
public class MesosException extends RuntimeException {
    public enum Reason {
        /** 502/503/504, no leader elected, master recovering, or leadership moved. */
        UNAVAILABLE,
        /** Connect, read or call timeout. */
        TIMEOUT,
        /** Connection refused or reset, DNS failure. */
        CONNECTION,
        /** 401/403 that survived a re-login. */
        UNAUTHORIZED,
        /** The master refused the request (4xx other than auth). */
        REJECTED,
        /** The answer is not what the API promises (bad JSON, bad RecordIO, missing header). */
        PROTOCOL,
        /** Too many redirects. */
        REDIRECT_LOOP,
        /** The answer is larger than the limit set for it (asking again gets the same answer). */
        TOO_LARGE
    }

    private final Reason reason;

    public MesosException(Reason reason, String message) {
        this(reason, message, null);
    }

    public MesosException(Reason reason, String message, Throwable cause) {
        super(message + " (reason: " + reason + ")", cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** Whether the same request may succeed if sent again after a pause. */
    public boolean retryable() {
        return switch (reason) {
            case UNAVAILABLE, TIMEOUT, CONNECTION, REDIRECT_LOOP -> true;
            case UNAUTHORIZED, REJECTED, PROTOCOL, TOO_LARGE -> false;
        };
    }
}
