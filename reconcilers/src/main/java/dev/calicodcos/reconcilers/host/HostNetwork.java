package dev.calicodcos.reconcilers.host;

/** This host's network as the node agent sees it: which address is its loopback, and who listens where. */
public interface HostNetwork {
    /** The default loopback: the host's own 127.0.0.1. */
    String LOOPBACK = "127.0.0.1";

    /**
     * The address that stands for this host's 127.0.0.1. It is 127.0.0.1 on a real agent; the
     * simulator runs many agents on one machine and gives each its own 127.a.b.c.
     */
    String loopback();

    /** Whether something accepts TCP connections at {@code host:port} right now. */
    boolean accepts(String hostPort);

    /**
     * Pure: {@code hostPort} as this host binds it: a host of {@code 127.0.0.1} or {@code localhost}
     * becomes {@code loopback}, anything else is kept.
     */
    static String onLoopback(String hostPort, String loopback) {
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon);
        return host.equals("127.0.0.1") || host.equalsIgnoreCase("localhost") ? loopback + hostPort.substring(colon) : hostPort;
    }
}
