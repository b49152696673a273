package dev.calicodcos.controller.dcos;

import java.io.IOException;

/**
 * Login to the DC/OS IAM failed. An {@link IOException} so that it travels through okhttp
 * interceptors like any other transport failure. Messages never contain keys or tokens.
 */
public final class DcosAuthException extends IOException {
    public enum Reason {
        /** The IAM refused the login (unknown uid, wrong key, token lifetime): retrying will not help. */
        REJECTED,
        /** The key cannot be used to sign. */
        BAD_CREDENTIALS,
        /** The IAM could not be reached or answered 5xx. */
        UNAVAILABLE
    }

    private final Reason reason;

    public DcosAuthException(Reason reason, String message) {
        super(message + " (reason: " + reason + ")");
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    public boolean retryable() {
        return reason == Reason.UNAVAILABLE;
    }
}
