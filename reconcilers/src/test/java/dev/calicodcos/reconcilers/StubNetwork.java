package dev.calicodcos.reconcilers;

import dev.calicodcos.reconcilers.host.HostNetwork;
import java.util.HashSet;
import java.util.Set;

/** A {@link HostNetwork} where exactly the addresses a test names accept connections. */
public final class StubNetwork implements HostNetwork {
    private final String loopback;
    private final Set<String> listening = new HashSet<>();

    public StubNetwork(String loopback) {
        this.loopback = loopback;
    }

    public StubNetwork listening(String hostPort) {
        listening.add(hostPort);
        return this;
    }

    @Override
    public String loopback() {
        return loopback;
    }

    @Override
    public boolean accepts(String hostPort) {
        return listening.contains(hostPort);
    }
}
