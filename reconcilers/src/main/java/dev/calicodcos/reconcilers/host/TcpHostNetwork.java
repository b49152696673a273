package dev.calicodcos.reconcilers.host;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.regex.Pattern;

/** {@link HostNetwork} with a plain TCP connect: it never binds, so it cannot take a port from anyone. */
public final class TcpHostNetwork implements HostNetwork {
    private static final Pattern LOOPBACK_V4 = Pattern.compile("^127\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})$");

    private final String loopback;
    private final Duration connectTimeout;

    /** @param loopback an IPv4 address in 127.0.0.0/8 */
    public TcpHostNetwork(String loopback, Duration connectTimeout) {
        var m = LOOPBACK_V4.matcher(loopback);
        if (!m.matches() || Integer.parseInt(m.group(1)) > 255 || Integer.parseInt(m.group(2)) > 255
                || Integer.parseInt(m.group(3)) > 255) {
            throw new IllegalArgumentException("the host loopback must be an IPv4 address in 127.0.0.0/8, not '" + loopback + "'");
        }
        this.loopback = loopback;
        this.connectTimeout = connectTimeout;
    }

    @Override
    public String loopback() {
        return loopback;
    }

    @Override
    public boolean accepts(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(hostPort.substring(colon + 1));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
            return true;
        } catch (IOException refusedOrUnreachable) {
            return false;
        }
    }
}
