package dev.calicodcos.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real, private Docker engine for tests: {@code dockerd} with the vfs storage driver, no iptables
 * and no bridge, its socket, data, exec root, pid file and config file all in one temporary
 * directory, so it runs beside any other dockerd on the machine. It is started and stopped by a
 * small shell script ({@link #controlScript()}) so that a fake {@code systemctl restart docker} can
 * restart it exactly as the tests' node agent would see a real restart.
 */
public final class Dockerd implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final Path dir;

    private Dockerd(Path dir) {
        this.dir = dir;
    }

    /** Starts a dockerd, or explains why it cannot run here (the caller skips its tests with that reason). */
    public static Result start() {
        Optional<Path> dockerd = Executables.find("dockerd");
        if (dockerd.isEmpty()) {
            return new Result(Optional.empty(), "dockerd is not installed (apt-get install docker.io)");
        }
        Path dir;
        try {
            // Short path: the unix socket path must stay under 108 bytes.
            dir = Files.createTempDirectory(Path.of("/tmp"), "dkd");
            Files.writeString(dir.resolve("daemon.json"), "{}\n");
            Path script = dir.resolve("dockerd-ctl");
            Files.writeString(script, controlScript(dockerd.get(), dir));
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Dockerd engine = new Dockerd(dir);
        try {
            engine.control("start");
            return new Result(Optional.of(engine), "");
        } catch (IllegalStateException e) {
            engine.close();
            return new Result(Optional.empty(), "dockerd cannot start here: " + e.getMessage());
        }
    }

    /** A started engine, or the reason there is none. */
    public record Result(Optional<Dockerd> engine, String whyNot) {}

    /** {@code unix:///...}, what DOCKER_HOST must say to reach this engine. */
    public String dockerHost() {
        return "unix://" + socket();
    }

    public Path socket() {
        return dir.resolve("docker.sock");
    }

    /** The file this engine reads as daemon.json ({@code --config-file}). */
    public Path configFile() {
        return dir.resolve("daemon.json");
    }

    public Path pidFile() {
        return dir.resolve("docker.pid");
    }

    /** {@code dockerd-ctl start|stop|restart|reload}: the script a fake systemctl calls for unit docker. */
    public Path controlScript() {
        return dir.resolve("dockerd-ctl");
    }

    /**
     * Makes the engine read {@code daemonJson} (e.g. a test host root's /etc/docker/daemon.json) at its
     * next start or reload: its config file becomes a symbolic link there, which survives the atomic
     * renames the node agent does.
     */
    public void useConfigFile(Path daemonJson) {
        try {
            Files.deleteIfExists(configFile());
            Files.createSymbolicLink(configFile(), daemonJson);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Back to an empty daemon.json of the engine's own (a regular file, no longer a link into a test host). */
    public void useDefaultConfig() {
        try {
            Files.deleteIfExists(configFile());
            Files.writeString(configFile(), "{}\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void restart() {
        control("restart");
    }

    public void stop() {
        control("stop");
    }

    public void startAgain() {
        control("start");
    }

    public boolean answersPing() {
        return ping(socket());
    }

    private void control(String verb) {
        try {
            Process p = new ProcessBuilder(controlScript().toString(), verb)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("ctl.out").toFile())
                    .start();
            if (!p.waitFor(START_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("dockerd-ctl " + verb + " failed: " + tail(dir.resolve("ctl.out"))
                        + " / " + tail(dir.resolve("dockerd.log")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "";
        }
    }

    /** GET /_ping over the unix socket. */
    static boolean ping(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer answer = ByteBuffer.allocate(256);
            channel.read(answer);
            return new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII).contains(" 200 ");
        } catch (IOException e) {
            return false;
        }
    }

    private static String controlScript(Path dockerd, Path dir) {
        String waitPing = "{ [ -S \"$D/docker.sock\" ] && { ! command -v curl >/dev/null || curl -sf --unix-socket \"$D/docker.sock\" http://docker/_ping >/dev/null 2>&1; }; }";
        return """
                #!/bin/bash
                # Generated by the test harness: start, stop, restart or reload this test's private dockerd.
                D='%s'
                start() {
                  if [ -f "$D/docker.pid" ] && kill -0 "$(cat "$D/docker.pid")" 2>/dev/null; then return 0; fi
                  setsid '%s' --storage-driver=vfs --iptables=false --ip-masq=false --bridge=none \\
                    --host "unix://$D/docker.sock" --data-root "$D/data" --exec-root "$D/exec" \\
                    --pidfile "$D/docker.pid" --config-file "$D/daemon.json" </dev/null >>"$D/dockerd.log" 2>&1 &
                  for i in $(seq 1 %d); do
                    if %s; then return 0; fi
                    if ! kill -0 $! 2>/dev/null; then echo "dockerd exited"; return 1; fi
                    sleep 0.1
                  done
                  echo "dockerd did not answer /_ping"; return 1
                }
                stop() {
                  [ -f "$D/docker.pid" ] || return 0
                  pid=$(cat "$D/docker.pid")
                  kill "$pid" 2>/dev/null || return 0
                  for i in $(seq 1 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
                  kill -9 "$pid" 2>/dev/null
                  rm -f "$D/docker.pid"
                }
                case "$1" in
                  start) start ;;
                  stop) stop ;;
                  restart) stop; start ;;
                  reload) kill -HUP "$(cat "$D/docker.pid")" ;;
                  *) echo "usage: $0 start|stop|restart|reload"; exit 2 ;;
                esac
                """.formatted(dir, dockerd, START_TIMEOUT.toSeconds() * 10, waitPing);
    }

    @Override
    public void close() {
        try {
            control("stop");
        } catch (RuntimeException ignored) {
            // best effort: the directory is removed below either way
        }
        // dockerd leaves its default network namespace mounted under the exec root.
        try {
            new ProcessBuilder("sh", "-c", "umount -l '" + dir + "/exec/netns/default' 2>/dev/null; true")
                    .start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException ignored) {
            // leftovers in /tmp are harmless
        }
        TempDirs.deleteRecursively(dir);
    }
}
