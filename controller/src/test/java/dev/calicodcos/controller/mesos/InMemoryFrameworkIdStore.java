package dev.calicodcos.controller.mesos;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/** {@link FrameworkIdStore} for tests: forgets everything when the process ends. */
public final class InMemoryFrameworkIdStore implements FrameworkIdStore {
    private final AtomicReference<String> id = new AtomicReference<>();

    public InMemoryFrameworkIdStore() {}

    public InMemoryFrameworkIdStore(String initial) {
        id.set(initial);
    }

    @Override
    public Optional<String> load() {
        return Optional.ofNullable(id.get());
    }

    @Override
    public void save(String frameworkId) {
        id.set(frameworkId);
    }

    @Override
    public void clear() {
        id.set(null);
    }
}
