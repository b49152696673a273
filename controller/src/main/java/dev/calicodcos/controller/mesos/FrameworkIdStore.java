package dev.calicodcos.controller.mesos;

import java.util.Optional;

/** Where the framework ID lives between controller runs (etcd in production), so that a restart resubscribes. */
public interface FrameworkIdStore {
    Optional<String> load();

    void save(String frameworkId);

    /** The ID was retired by Mesos ({@code Framework has been removed}); the next subscription registers anew. */
    void clear();
}
