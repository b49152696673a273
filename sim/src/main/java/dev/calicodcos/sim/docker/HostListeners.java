package dev.calicodcos.sim.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the {@link HostEndpoint}s of one agent's running containers. One selector thread per agent, and only
 * while some endpoint is open, so that 10,000 agents without containers cost nothing. Opening and closing are
 * synchronous: when {@link #close(String)} returns, the sockets are closed (connection refused) and the
 * Unix socket files are gone.
 */
final class HostListeners implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HostListeners.class);
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final String agent;
    private final Clock clock;
    private final Map<String, List<Listener>> byOwner = new LinkedHashMap<>();
    private Loop loop;

    HostListeners(String agent, Clock clock) {
        this.agent = agent;
        this.clock = clock;
    }

    /** A bound server socket and the connections it accepted that are still open. */
    private record Listener(HostEndpoint endpoint, ServerSocketChannel channel, Set<SocketChannel> connections) {
        Listener(HostEndpoint endpoint, ServerSocketChannel channel) {
            this(endpoint, channel, new HashSet<>());
        }
    }

    /** An HTTP connection reading its request. */
    private static final class Connection {
        final Listener listener;
        final SocketChannel channel;
        ByteBuffer buffer = ByteBuffer.allocate(1024);

        Connection(Listener listener, SocketChannel channel) {
            this.listener = listener;
            this.channel = channel;
        }
    }

    /**
     * Opens {@code owner}'s endpoints. One that cannot be bound (address in use) is skipped and named in the
     * answer, as a real server would log it and run on without it.
     */
    synchronized List<String> open(String owner, List<HostEndpoint> endpoints) {
        List<String> problems = new ArrayList<>();
        List<Listener> opened = new ArrayList<>();
        for (HostEndpoint endpoint : endpoints) {
            try {
                opened.add(new Listener(endpoint, bind(endpoint.address())));
            } catch (IOException | RuntimeException e) {
                problems.add("cannot listen on " + endpoint.address() + ": " + e.getMessage());
            }
        }
        if (!opened.isEmpty()) {
            if (loop == null) {
                loop = new Loop();
            }
            loop.run(selector -> {
                for (Listener l : opened) {
                    l.channel().register(selector, SelectionKey.OP_ACCEPT, l);
                }
            });
            byOwner.computeIfAbsent(owner, k -> new ArrayList<>()).addAll(opened);
        }
        problems.forEach(p -> LOG.warn("agent={} owner={} {}", agent, owner, p));
        return problems;
    }

    /** Closes {@code owner}'s endpoints and their connections; returns once they are closed and their files removed. */
    synchronized void close(String owner) {
        List<Listener> listeners = byOwner.remove(owner);
        if (listeners == null) {
            return;
        }
        loop.run(selector -> {
            for (Listener l : listeners) {
                for (SocketChannel c : l.connections()) {
                    closeQuietly(c);
                }
                closeQuietly(l.channel());
            }
            selector.selectNow();     // a registered channel's socket is released when the selector drops its key
        });
        for (Listener l : listeners) {
            if (l.endpoint().address() instanceof HostEndpoint.Unix u) {
                try {
                    Files.deleteIfExists(u.path());
                } catch (IOException e) {
                    LOG.warn("agent={} cannot remove {}: {}", agent, u.path(), e.toString());
                }
            }
        }
        if (byOwner.isEmpty()) {
            loop.stop();
            loop = null;
        }
    }

    @Override
    public synchronized void close() {
        for (String owner : List.copyOf(byOwner.keySet())) {
            close(owner);
        }
    }

    private static ServerSocketChannel bind(HostEndpoint.Address address) throws IOException {
        ServerSocketChannel channel;
        if (address instanceof HostEndpoint.Unix u) {
            Files.createDirectories(u.path().getParent());
            Files.deleteIfExists(u.path());       // as Go's listeners do: a stale socket file is replaced
            channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.bind(UnixDomainSocketAddress.of(u.path()));
            } catch (IOException e) {
                channel.close();
                throw e;
            }
        } else {
            HostEndpoint.Tcp t = (HostEndpoint.Tcp) address;
            channel = ServerSocketChannel.open();
            try {
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                channel.bind(new InetSocketAddress(t.host(), t.port()), 64);
            } catch (IOException e) {
                channel.close();
                throw e;
            }
        }
        channel.configureBlocking(false);
        return channel;
    }

    private static void closeQuietly(java.io.Closeable channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing: nothing left to do
        }
    }

    /** Work for the selector thread, which alone touches the selector. */
    private interface SelectorTask {
        void run(Selector selector) throws IOException;
    }

    /** The selector thread; its tasks run between two selections, so no registration races a blocked select. */
    private final class Loop {
        private final Selector selector;
        private final Thread thread;
        private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        private boolean stopping;    // read and written on the selector thread only

        Loop() {
            try {
                selector = Selector.open();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot open a selector", e);
            }
            thread = new Thread(this::serve, "sim-host-listeners-" + agent);
            thread.setDaemon(true);
            thread.start();
        }

        void run(SelectorTask task) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            tasks.add(() -> {
                try {
                    task.run(selector);
                    done.complete(null);
                } catch (IOException | RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
            selector.wakeup();
            try {
                done.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof IOException io ? new UncheckedIOException(io) : e;
            }
        }

        void stop() {
            run(selector -> stopping = true);
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void serve() {
            while (!stopping) {
                try {
                    selector.select();
                } catch (IOException e) {
                    LOG.error("agent={} host listeners stop: select failed", agent, e);
                    break;
                }
                for (Runnable task; (task = tasks.poll()) != null; ) {
                    task.run();
                }
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    if (!key.isValid()) {
                        continue;
                    }
                    try {
                        if (key.isAcceptable()) {
                            accept((Listener) key.attachment());
                        } else if (key.isReadable()) {
                            read((Connection) key.attachment());
                        }
                    } catch (IOException e) {
                        if (key.attachment() instanceof Connection c) {
                            finish(c);
                        }
                    }
                }
            }
            for (SelectionKey key : selector.keys()) {
                closeQuietly(key.channel());
            }
            closeQuietly(selector);
        }

        private void accept(Listener listener) throws IOException {
            SocketChannel channel = listener.channel().accept();
            if (channel == null) {
                return;
            }
            listener.connections().add(channel);
            if (listener.endpoint().responder() instanceof HostEndpoint.Greeting greeting) {
                // a fresh blocking channel: a short line fits its send buffer at once; then end of stream for the
                // client, whose own writes are read and dropped (closing on unread data would reset the connection)
                channel.write(ByteBuffer.wrap(greeting.text().getBytes(StandardCharsets.US_ASCII)));
                channel.shutdownOutput();
            }
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ, new Connection(listener, channel));
        }

        private void read(Connection c) throws IOException {
            if (c.listener.endpoint().responder() instanceof HostEndpoint.Greeting) {
                c.buffer.clear();
                if (c.channel.read(c.buffer) < 0) {
                    finish(c);
                }
                return;
            }
            if (!c.buffer.hasRemaining()) {
                if (c.buffer.capacity() >= MAX_REQUEST_BYTES) {
                    answer(c, HostEndpoint.Response.empty(431));
                    return;
                }
                ByteBuffer bigger = ByteBuffer.allocate(c.buffer.capacity() * 4);
                c.buffer.flip();
                bigger.put(c.buffer);
                c.buffer = bigger;
            }
            if (c.channel.read(c.buffer) < 0) {
                finish(c);
                return;
            }
            String received = new String(c.buffer.array(), 0, c.buffer.position(), StandardCharsets.ISO_8859_1);
            int headEnd = received.indexOf("\r\n\r\n");
            if (headEnd < 0) {
                return;
            }
            String[] lines = received.substring(0, headEnd).split("\r\n");
            String[] requestLine = lines[0].split(" ");
            if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.")) {
                answer(c, HostEndpoint.Response.empty(400));
                return;
            }
            if (received.length() - headEnd - 4 < contentLength(lines)) {
                return;      // the body is still coming
            }
            String target = requestLine[1];
            int query = target.indexOf('?');
            HostEndpoint.Http http = (HostEndpoint.Http) c.listener.endpoint().responder();
            answer(c, http.handler().apply(new HostEndpoint.Request(requestLine[0], query < 0 ? target : target.substring(0, query))));
        }

        private static long contentLength(String[] headLines) {
            for (int i = 1; i < headLines.length; i++) {
                int colon = headLines[i].indexOf(':');
                if (colon > 0 && headLines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("content-length")) {
                    try {
                        return Long.parseLong(headLines[i].substring(colon + 1).trim());
                    } catch (NumberFormatException e) {
                        return 0;
                    }
                }
            }
            return 0;
        }

        private void answer(Connection c, HostEndpoint.Response response) throws IOException {
            ByteBuffer out = ByteBuffer.wrap(response.bytes(ZonedDateTime.now(clock)));
            while (out.hasRemaining() && c.channel.write(out) > 0) {
                // a few hundred bytes: the socket buffer takes them at once
            }
            finish(c);
        }

        private void finish(Connection c) {
            c.listener.connections().remove(c.channel);
            closeQuietly(c.channel);
        }
    }
}
