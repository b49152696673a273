package dev.calicodcos.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A loopback TCP proxy a test puts between a client and a server, to cut the connection
 * ({@link #cut}: open connections are reset and new ones refused until {@link #restore}) without
 * stopping either side: a network partition on one machine. It can also make the link slow
 * ({@link #setLatency}) and lose the answer to one request ({@link #loseAnswersAfter}).
 */
public final class TcpProxy implements AutoCloseable {
    private final InetSocketAddress target;
    private final ServerSocket server;
    private final List<Link> open = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    private final AtomicReference<Armed> armed = new AtomicReference<>();
    private volatile long latencyNanos;
    private volatile boolean cut;
    private volatile boolean closed;

    private TcpProxy(InetSocketAddress target) throws IOException {
        this.target = target;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptForever, "tcp-proxy-" + server.getLocalPort());
        this.acceptor.setDaemon(true);
    }

    /** Listens on a free loopback port and forwards every connection to {@code host:port}. */
    public static TcpProxy to(String host, int port) {
        try {
            TcpProxy proxy = new TcpProxy(new InetSocketAddress(host, port));
            proxy.acceptor.start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Resets every open connection and refuses new ones (they are accepted and closed at once). */
    public void cut() {
        cut = true;
        open.forEach(Link::reset);
        open.clear();
    }

    public void restore() {
        cut = false;
    }

    /**
     * From now on every chunk read, in either direction, is passed on {@code latency} after it was
     * read, in the order read: a slow network or a slow server. Zero (the default) passes bytes on at once.
     */
    public void setLatency(Duration latency) {
        latencyNanos = latency.toNanos();
    }

    public Duration latency() {
        return Duration.ofNanos(latencyNanos);
    }

    /**
     * Arms a lost answer, once: the first time the client sends bytes containing {@code marker}, they
     * are passed on to the server (with everything the client sends after them), but from then on
     * nothing the server sends on that connection reaches the client; the client waits for an
     * answer until {@link #cut} resets the connection. The server has the whole request, so it may
     * well have acted on it: an ambiguous outcome. The future completes when the marker went through.
     */
    public CompletableFuture<Void> loseAnswersAfter(byte[] marker) {
        Armed next = new Armed(marker.clone(), new CompletableFuture<>());
        if (!armed.compareAndSet(null, next)) {
            throw new IllegalStateException("a lost answer is already armed");
        }
        return next.fired();
    }

    private record Armed(byte[] marker, CompletableFuture<Void> fired) {}

    private void acceptForever() {
        while (!closed) {
            try {
                Socket client = server.accept();
                if (cut) {
                    resetQuietly(client);
                    continue;
                }
                Socket upstream;
                try {
                    upstream = new Socket(target.getAddress(), target.getPort());
                } catch (IOException e) {
                    resetQuietly(client); // the server is down: refuse, as a direct connection would be
                    continue;
                }
                Link link = new Link(client, upstream);
                open.add(link);
                link.start();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    /** One proxied connection: a reader and a writer per direction, with the chunks in between. */
    private final class Link {
        private final Socket client;
        private final Socket upstream;
        /** Set when this connection carried an armed marker: the server's bytes are dropped from then on. */
        private volatile boolean answersLost;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void start() {
            new Direction(client, upstream, true).start();
            new Direction(upstream, client, false).start();
        }

        void reset() {
            resetQuietly(client);
            resetQuietly(upstream);
        }

        /** Bytes one way: read as they come, written {@link #latency} later, in order; an end or error resets both sides. */
        private final class Direction {
            private static final byte[] END = new byte[0];

            private final Socket from;
            private final Socket to;
            private final boolean request;
            private final BlockingQueue<Chunk> chunks = new LinkedBlockingQueue<>();
            /** The tail of the previous chunk, so a marker split over two reads is still seen. */
            private byte[] tail = new byte[0];
            private long lastDue;

            private record Chunk(byte[] bytes, long dueNanos) {}

            Direction(Socket from, Socket to, boolean request) {
                this.from = from;
                this.to = to;
                this.request = request;
            }

            void start() {
                daemon(this::read, "tcp-proxy-read");
                daemon(this::write, "tcp-proxy-write");
            }

            private void read() {
                byte[] buffer = new byte[16 * 1024];
                try {
                    InputStream in = from.getInputStream();
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        byte[] bytes = Arrays.copyOf(buffer, n);
                        Armed fired = request ? markerIn(bytes) : null;
                        if (fired != null) {
                            answersLost = true; // before the request goes on, so no byte of its answer can come back
                        }
                        if (request || !answersLost) {
                            enqueue(bytes);
                        }
                        if (fired != null) {
                            fired.fired().complete(null);
                        }
                    }
                } catch (IOException e) {
                    // reset by cut(), by the other direction, or by the peer
                }
                enqueue(END);
            }

            private Armed markerIn(byte[] bytes) {
                Armed a = armed.get();
                if (a == null) {
                    tail = new byte[0];
                    return null;
                }
                byte[] seen = new byte[tail.length + bytes.length];
                System.arraycopy(tail, 0, seen, 0, tail.length);
                System.arraycopy(bytes, 0, seen, tail.length, bytes.length);
                tail = Arrays.copyOfRange(seen, Math.max(0, seen.length - a.marker().length + 1), seen.length);
                return indexOf(seen, a.marker()) >= 0 && armed.compareAndSet(a, null) ? a : null;
            }

            /** Due {@link #latency} after it was read, and never before the chunk read before it. */
            private void enqueue(byte[] bytes) {
                lastDue = Math.max(System.nanoTime() + latencyNanos, lastDue);
                chunks.add(new Chunk(bytes, lastDue));
            }

            private void write() {
                try {
                    OutputStream out = to.getOutputStream();
                    while (true) {
                        Chunk chunk = chunks.take();
                        long wait = chunk.dueNanos() - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait); // the added latency itself
                        }
                        if (chunk.bytes() == END) {
                            break;
                        }
                        out.write(chunk.bytes());
                        out.flush();
                    }
                } catch (IOException | InterruptedException e) {
                    // reset by cut() or by the other direction
                } finally {
                    reset();
                    open.remove(Link.this);
                }
            }
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void daemon(Runnable body, String name) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    private static void resetQuietly(Socket socket) {
        try {
            socket.setSoLinger(true, 0); // a reset, as a partition ends a connection, not a polite close
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        cut();
        try {
            server.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }
}
