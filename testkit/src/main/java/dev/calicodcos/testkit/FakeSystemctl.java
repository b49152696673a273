package dev.calicodcos.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * A {@code systemctl} for tests: a script in {@link #binDir()} (put it first on PATH, or link it
 * where the code under test looks) that records every call in {@link #calls()}.
 *
 * <p>Two kinds of unit. Units with a file in the {@link #unitDirectory unit directory} are run like
 * systemd runs a {@code Type=simple, Restart=always} service: {@code daemon-reload} loads the files
 * (a unit never loaded is loaded on first use, a loaded one keeps its old content until the next
 * reload), {@code start} runs the {@code ExecStartPre=} lines (a leading {@code -} ignores a
 * failure) and then {@code ExecStart=} under a supervisor that starts it again {@code RestartSec}
 * seconds after it exits; {@code is-active} says {@code active} while the main process runs and
 * {@code activating} while the supervisor waits to restart it. Command lines are split as systemd
 * splits them (double quotes with {@code \\} and {@code \"}, then {@code %%} and {@code $$}
 * undoubled). Every other unit (docker, dcos-mesos-slave) is state in files: {@code restart},
 * {@code start} and {@code reload} first run the unit's hook when one is set (e.g. restart a test
 * dockerd), and {@code restart}/{@code start} make it active since "now".
 *
 * <p>Verbs: start, stop, restart, reload, enable, disable [--now], is-enabled, is-active,
 * daemon-reload, show -p ActiveEnterTimestamp (second resolution, like the real one).
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
            Files.writeString(script, SCRIPT.replace("@STATE@", dir.toString()));
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

    /** Where unit files are read from (a test host's {@code /etc/systemd/system}); their units really run. */
    public FakeSystemctl unitDirectory(Path unitDir) {
        write("unitdir", unitDir.toString());
        return this;
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

    /** The pid of the main process of a running file-backed unit ({@code unit} without {@code .service}). */
    public OptionalLong mainPid(String unit) {
        try {
            Path main = dir.resolve("units/" + unit + ".main");
            return Files.exists(main) ? OptionalLong.of(Long.parseLong(Files.readString(main).strip())) : OptionalLong.empty();
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** What the main process of a file-backed unit wrote (stdout and stderr, every run). */
    public String output(String unit) {
        try {
            Path log = dir.resolve("units/" + unit + ".log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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

    /** Stops every unit this fake runs, then deletes its files. */
    @Override
    public void close() {
        try (DirectoryStream<Path> supervisors = Files.newDirectoryStream(dir.resolve("units"), "*.pid")) {
            for (Path pidFile : supervisors) {
                String unit = pidFile.getFileName().toString().replaceFirst("\\.pid$", "");
                new ProcessBuilder(executable().toString(), "stop", unit).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        TempDirs.deleteRecursively(dir);
    }

    private static final String SCRIPT = """
            #!/bin/bash
            # Fake systemctl written by the test harness; records every call.
            S='@STATE@'
            printf '%s\\n' "$*" >> "$S/calls.log"
            args=(); prop=""; now=0
            while [ $# -gt 0 ]; do
              case "$1" in
                -p|--property) prop="$2"; shift 2 ;;
                --property=*) prop="${1#*=}"; shift ;;
                --now) now=1; shift ;;
                -*) shift ;;
                *) args+=("$1"); shift ;;
              esac
            done
            verb="${args[0]}"; unit="${args[1]%.service}"
            U="$S/units/$unit"
            hook="$S/hooks/$unit.$verb"
            unitdir=$(cat "$S/unitdir" 2>/dev/null)

            # systemd's splitting of an Exec line into the array W.
            split_exec() {
              local s="$1" i=0 c w="" inw=0 q=0 pct='%%' dol='$$'
              W=()
              while [ $i -lt ${#s} ]; do
                c="${s:$i:1}"
                if [ $q = 1 ]; then
                  if [ "$c" = '\\' ]; then i=$((i+1)); w+="${s:$i:1}"
                  elif [ "$c" = '"' ]; then q=0
                  else w+="$c"; fi
                else
                  case "$c" in
                    ' '|$'\\t') if [ $inw = 1 ]; then W+=("$w"); w=""; inw=0; fi ;;
                    '"') q=1; inw=1 ;;
                    '\\') i=$((i+1)); w+="${s:$i:1}"; inw=1 ;;
                    *) w+="$c"; inw=1 ;;
                  esac
                fi
                i=$((i+1))
              done
              if [ $inw = 1 ]; then W+=("$w"); fi
              local k
              for k in "${!W[@]}"; do W[$k]="${W[$k]//"$pct"/%}"; W[$k]="${W[$k]//"$dol"/\\$}"; done
            }

            file_backed() { [ -f "$U.loaded" ] || { [ -n "$unitdir" ] && [ -f "$unitdir/$unit.service" ]; }; }
            load() { if [ ! -f "$U.loaded" ] && [ -n "$unitdir" ] && [ -f "$unitdir/$unit.service" ]; then cp "$unitdir/$unit.service" "$U.loaded"; fi; }
            supervised() { [ -f "$U.pid" ] && kill -0 "$(cat "$U.pid")" 2>/dev/null; }
            running() { [ -f "$U.main" ] && kill -0 "$(cat "$U.main")" 2>/dev/null; }

            start_unit() {
              load
              [ -f "$U.loaded" ] || { echo "Unit $unit.service not found." >&2; exit 5; }
              supervised && return 0
              local line cmd rsec=1
              {
                echo '#!/bin/bash'
                echo 'while :; do'
                while IFS= read -r line; do
                  case "$line" in
                    ExecStartPre=*)
                      cmd="${line#ExecStartPre=}"
                      if [ "${cmd:0:1}" = - ]; then split_exec "${cmd:1}"; printf '  %q' "${W[@]}"; echo ' || true'
                      else split_exec "$cmd"; printf '  %q' "${W[@]}"; echo ' || exit 1'; fi ;;
                    RestartSec=*) rsec="${line#RestartSec=}" ;;
                  esac
                done < "$U.loaded"
                cmd=$(grep '^ExecStart=' "$U.loaded" | head -1); split_exec "${cmd#ExecStart=}"
                printf '  %q' "${W[@]}"; echo ' &'
                printf '  echo $! > %q\\n' "$U.main"
                printf '  date -u "+%%a %%Y-%%m-%%d %%H:%%M:%%S UTC" > %q\\n' "$U.since"
                echo '  wait $!'
                printf '  rm -f %q\\n' "$U.main"
                echo "  sleep $rsec"
                echo 'done'
              } > "$U.run"
              chmod +x "$U.run"
              rm -f "$U.main"
              setsid "$U.run" </dev/null >>"$U.log" 2>&1 &
              echo $! > "$U.pid"
              for i in $(seq 1 100); do [ -f "$U.main" ] && return 0; sleep 0.05; done
              return 0
            }

            stop_unit() {
              supervised || { rm -f "$U.pid" "$U.main"; return 0; }
              local pgid; pgid=$(cat "$U.pid")
              kill -TERM -- "-$pgid" 2>/dev/null
              for i in $(seq 1 100); do kill -0 -- "-$pgid" 2>/dev/null || break; sleep 0.1; done
              kill -KILL -- "-$pgid" 2>/dev/null
              rm -f "$U.pid" "$U.main"
            }

            case "$verb" in
              daemon-reload)
                rm -f "$S"/units/*.loaded
                if [ -n "$unitdir" ]; then
                  for f in "$unitdir"/*.service; do if [ -f "$f" ]; then cp "$f" "$S/units/$(basename "$f" .service).loaded"; fi; done
                fi ;;
              enable)
                file_backed || { echo "Failed to enable unit: Unit file $unit.service does not exist." >&2; exit 1; }
                touch "$U.enabled" ;;
              disable)
                rm -f "$U.enabled"
                if [ $now = 1 ]; then stop_unit; fi ;;
              is-enabled)
                if [ -f "$U.enabled" ]; then echo enabled; else echo disabled; exit 1; fi ;;
              restart|start|reload|stop)
                if [ -x "$hook" ]; then "$hook" || exit 1; fi
                if file_backed; then
                  case "$verb" in
                    start) start_unit ;;
                    stop) stop_unit ;;
                    restart) stop_unit; start_unit ;;
                  esac
                else
                  case "$verb" in
                    restart|start)
                      echo active > "$U.state"
                      date -u '+%a %Y-%m-%d %H:%M:%S UTC' > "$U.since" ;;
                    stop) echo inactive > "$U.state" ;;
                  esac
                fi ;;
              is-active)
                if file_backed; then
                  if supervised && running; then echo active
                  elif supervised; then echo activating; exit 3
                  else echo inactive; exit 3; fi
                else
                  state=$(cat "$U.state" 2>/dev/null || echo inactive)
                  echo "$state"; [ "$state" = active ]
                fi ;;
              show)
                since=""
                if file_backed; then
                  if supervised && running; then since=$(cat "$U.since" 2>/dev/null); fi
                elif [ "$(cat "$U.state" 2>/dev/null)" = active ]; then since=$(cat "$U.since" 2>/dev/null); fi
                echo "$prop=$since" ;;
              *) echo "fake systemctl: unsupported: ${args[*]}" >&2; exit 1 ;;
            esac
            """;
}
