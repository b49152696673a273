package dev.calicodcos.controller.mesos;

import java.util.Objects;

/** A live subscription: every call until it ends carries this framework ID and stream ID. */
record Session(String frameworkId, String streamId) {
    Session {
        Objects.requireNonNull(frameworkId, "frameworkId");
        Objects.requireNonNull(streamId, "streamId");
    }
}
