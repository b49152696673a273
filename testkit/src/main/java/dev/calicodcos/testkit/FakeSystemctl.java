package dev.calicodcos.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * A {@code systemctl} for tests: a script in {@link #binDir()} (put it first on PATH) that records
 * every call in {@link #calls()} and keeps each unit's state in files. {@code restart}, {@code start}
 * and {@code reload} first run the unit's hook when one is set (e.g. restart a test dockerd), and
 * {@code restart}/{@code start} make the unit active since "now", as {@code systemctl show -p
 * ActiveEnterTimestamp} then reports (second resolution, like the real one).
 */
public final class FakeSystemctl implements AutoCloseable {
    private static final DateTimeFormatter SYSTEMD_TIME =
            DateTimeFormatter.ofPattern("EEE yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final Path dir;

    private FakeSystemctl(Path dir) {
        this.dir = dir;
    }

    public static FakeSystemctl create() {
        try {
            Path dir = Files.createTempDirectory("fake-systemctl");
            Files.createDirectories(dir.resolve("bin"));
            Files.createDirectories(dir.resolve("units"));
            Files.createDirectories(dir.resolve("hooks"));
            Files.writeString(dir.resolve("calls.log"), "");
            Path script = dir.resolve("bin/systemctl");
            Files.writeString(script, script(dir));
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            return new FakeSystemctl(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The directory holding {@code systemctl}: prepend it to PATH. */
    public Path binDir() {
        return dir.resolve("bin");
    }

    public Path executable() {
        return binDir().resolve("systemctl");
    }

    /** A PATH with this fake first. */
    public String path() {
        return binDir() + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    }

    /** Makes {@code unit} active since {@code since}, as if it had been running for a while. */
    public FakeSystemctl active(String unit, Instant since) {
        write("units/" + unit + ".state", "active\n");
        write("units/" + unit + ".since", SYSTEMD_TIME.format(since) + "\n");
        return this;
    }

    public FakeSystemctl inactive(String unit) {
        write("units/" + unit + ".state", "inactive\n");
        return this;
    }

    /** Runs {@code command} (a shell command line) on {@code verb} of {@code unit}, before the state changes. */
    public FakeSystemctl onVerb(String unit, String verb, String command) {
        Path hook = dir.resolve("hooks/" + unit + "." + verb);
        write("hooks/" + unit + "." + verb, "#!/bin/sh\n" + command + "\n");
        try {
            Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Every call so far, one line each, arguments joined by spaces. */
    public List<String> calls() {
        try {
            return Files.readAllLines(dir.resolve("calls.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The calls that restart, start, stop or reload a unit, e.g. {@code restart docker}. */
    public List<String> disruptiveCalls() {
        return calls().stream().filter(c -> c.matches("^(restart|start|stop|reload) .*")).toList();
    }

    public long restartsOf(String unit) {
        return calls().stream().filter(c -> c.equals("restart " + unit) || c.equals("restart " + unit + ".service")).count();
    }

    private void write(String relative, String content) {
        try {
            Files.writeString(dir.resolve(relative), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String script(Path dir) {
        return """
                #!/bin/bash
                # Fake systemctl written by the test harness; records every call.
                S='%s'
                printf '%%s\\n' "$*" >> "$S/calls.log"
                args=(); prop=""
                while [ $# -gt 0 ]; do
                  case "$1" in
                    -p|--property) prop="$2"; shift 2 ;;
                    --property=*) prop="${1#*=}"; shift ;;
                    -*) shift ;;
                    *) args+=("$1"); shift ;;
                  esac
                done
                verb="${args[0]}"; unit="${args[1]%%.service}"
                hook="$S/hooks/$unit.$verb"
                case "$verb" in
                  restart|start|reload|stop)
                    if [ -x "$hook" ]; then "$hook" || exit 1; fi
                    case "$verb" in
                      restart|start)
                        echo active > "$S/units/$unit.state"
                        date -u '+%%a %%Y-%%m-%%d %%H:%%M:%%S UTC' > "$S/units/$unit.since" ;;
                      stop) echo inactive > "$S/units/$unit.state" ;;
                    esac ;;
                  is-active)
                    state=$(cat "$S/units/$unit.state" 2>/dev/null || echo inactive)
                    echo "$state"; [ "$state" = active ] ;;
                  show)
                    since=""
                    if [ "$(cat "$S/units/$unit.state" 2>/dev/null)" = active ]; then since=$(cat "$S/units/$unit.since" 2>/dev/null); fi
                    echo "$prop=$since" ;;
                  *) echo "fake systemctl: unsupported: ${args[*]}" >&2; exit 1 ;;
                esac
                """.formatted(dir);
    }

    @Override
    public void close() {
        TempDirs.deleteRecursively(dir);
    }
}
