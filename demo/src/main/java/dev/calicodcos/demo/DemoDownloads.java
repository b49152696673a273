package dev.calicodcos.demo;

import com.sun.net.httpserver.HttpServer;
import dev.calicodcos.model.hash.StepHashes;
import dev.calicodcos.testkit.Executables;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the demo's agents download, served over HTTP on loopback the way a release site serves
 * them, each with the SHA-256 the spec pins: an etcd release tarball made from the etcd installed
 * on this machine (so the etcdProxy step runs the real gateway), and stand-ins for the Calico CNI
 * plugins (nothing here runs them).
 */
final class DemoDownloads implements AutoCloseable {
    private static final Pattern ETCD_VERSION = Pattern.compile("etcd Version: (\\S+)");

    /** One file as the spec names it. */
    record Download(URI url, String sha256) {}

    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Path dir;

    private DemoDownloads(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                byte[] body = files.get(exchange.getRequestURI().getPath().substring(1));
                if (body == null || !exchange.getRequestMethod().equals("GET")) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
    }

    static DemoDownloads start(Path dir) throws IOException {
        return new DemoDownloads(dir);
    }

    /** {@code etcd-v<version>-linux-amd64.tar.gz} holding this machine's etcd, laid out as etcd's releases are. */
    Download etcdRelease() throws IOException {
        Path etcd = Executables.find("etcd").orElseThrow(() -> new IllegalStateException(
                "etcd is not installed: apt-get install etcd-server"));
        String name = "etcd-v" + version(etcd) + "-linux-amd64";
        Path staging = Files.createDirectories(dir.resolve("staging").resolve(name));
        Files.copy(etcd, staging.resolve("etcd"), StandardCopyOption.REPLACE_EXISTING);
        Path tarball = dir.resolve(name + ".tar.gz");
        run(List.of("tar", "-C", staging.getParent().toString(), "-czf", tarball.toString(), name));
        return serve(tarball.getFileName().toString(), Files.readAllBytes(tarball));
    }

    /** A shell script standing in for a Calico CNI plugin binary. */
    Download cniPlugin(String name) {
        return serve(name, ("#!/bin/sh\necho '" + name + " (calico-dcos demo stand-in)'\n").getBytes(StandardCharsets.UTF_8));
    }

    private Download serve(String name, byte[] content) {
        files.put(name, content);
        return new Download(URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort() + "/" + name),
                StepHashes.sha256(content));
    }

    private static String version(Path etcd) throws IOException {
        String out = run(List.of(etcd.toString(), "--version"));
        Matcher m = ETCD_VERSION.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException(etcd + " --version printed no version: " + out);
        }
        return m.group(1);
    }

    private static String run(List<String> argv) throws IOException {
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try {
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", argv) + " failed: " + out);
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + argv.get(0), e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
