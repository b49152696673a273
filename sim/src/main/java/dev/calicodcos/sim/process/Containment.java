package dev.calicodcos.sim.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts processes the way a Mesos agent with {@code namespaces/pid} (and systemd with its control
 * groups) holds them: each container gets its own PID namespace ({@code unshare --pid --fork
 * --mount-proc --kill-child}, so it sees its own pids in {@code /proc}) with a small init as pid 1 that
 * runs the command as its child, as the Mesos executor does. When the init ends, the kernel kills
 * whatever is left in the namespace, double-forked {@code setsid} daemons included.
 *
 * <p>Whether this machine allows it is probed once; when it does not, containers fall back to
 * process-tree tracking (descendants plus any process carrying the container's environment marker),
 * and the log says so.
 */
public final class Containment {
    private static final Logger LOG = LoggerFactory.getLogger(Containment.class);
    private static final String UNSHARE = "/usr/bin/unshare";
    private static final String PERL = "/usr/bin/perl";

    /**
     * pid 1 of a container: runs the command as its child with default signal handling (a namespace's
     * init ignores signals it has no handler for, which would make SIGTERM a no-op for the task itself),
     * stays up through signals meant for the command, and exits with the command's status, 128 + the
     * signal number when it was killed. Perl because it is on every Debian and CentOS and adds nothing
     * to the environment; shells export PWD and start background jobs with SIGINT ignored.
     */
    static final String INIT = """
            # pid 1 of a simulated container (calico-dcos sim). Arguments: 0|1 (drop PERL_BADLANG) executable argv...
            use strict;
            use warnings;
            use Errno;
            use POSIX ();
            my ($dropBadlang, $exe, @argv) = @ARGV;
            delete $ENV{PERL_BADLANG} if $dropBadlang;
            my @forwarded = qw(TERM INT HUP QUIT USR1 USR2);
            $SIG{$_} = sub {} for @forwarded;
            # held across the fork: one sent to the command before it has its default handling back is not lost
            my $held = POSIX::SigSet->new(map { POSIX->can("SIG$_")->() } @forwarded);
            POSIX::sigprocmask(POSIX::SIG_BLOCK(), $held);
            my $main = fork();
            if (!defined $main) {
                print STDERR "Failed to fork: $!\\n";
                exit 1;
            }
            if ($main == 0) {
                $SIG{$_} = 'DEFAULT' for @forwarded;
                POSIX::sigprocmask(POSIX::SIG_UNBLOCK(), $held);
                { no warnings 'exec'; exec { $exe } @argv; }
                print STDERR "Failed to execute '$exe': $!\\n";
                POSIX::_exit(1);
            }
            POSIX::sigprocmask(POSIX::SIG_UNBLOCK(), $held);
            while (1) {
                my $pid = waitpid(-1, 0);
                if ($pid == $main) {
                    my $status = $?;
                    exit(($status & 127) ? 128 + ($status & 127) : $status >> 8);
                }
                exit 1 if $pid == -1 && !$!{EINTR};
            }
            """;

    private final Path initScript;
    private final boolean pidNamespaces;
    private final String fallbackReason;

    private Containment(Path initScript, boolean pidNamespaces, String fallbackReason) {
        this.initScript = initScript;
        this.pidNamespaces = pidNamespaces;
        this.fallbackReason = fallbackReason;
    }

    /** Writes the init into {@code dir} and probes once whether PID namespaces can be created here. */
    public static Containment probe(Path dir) {
        Path init = writeInit(dir);
        String problem = probeNamespaces(init);
        if (problem.isEmpty()) {
            LOG.debug("containers run in their own PID namespace");
            return new Containment(init, true, "");
        }
        LOG.warn("PID namespaces are not available ({}); containers fall back to killing their process trees,"
                + " so a process that leaves its tree and clears its environment can outlive its task", problem);
        return new Containment(init, false, problem);
    }

    /** Process-tree tracking only, as when the probe fails (for tests of the fallback). */
    public static Containment withoutNamespaces(Path dir) {
        return new Containment(writeInit(dir), false, "disabled by the caller");
    }

    private static Path writeInit(Path dir) {
        if (!Files.isExecutable(Path.of(PERL))) {
            throw new IllegalStateException("the simulator needs " + PERL + " (the init of its containers)");
        }
        try {
            Files.createDirectories(dir);
            Path init = dir.resolve("sim-init.pl");
            Files.writeString(init, INIT);
            return init;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the container init into " + dir, e);
        }
    }

    private static String probeNamespaces(Path init) {
        if (!Files.isExecutable(Path.of(UNSHARE))) {
            return UNSHARE + " is missing";
        }
        try {
            Process p = new ProcessBuilder(UNSHARE, "--pid", "--fork", "--mount-proc", "--kill-child", "--",
                    PERL, init.toString(), "0", "/bin/sh", "sh", "-c", "test $$ = 2")
                    .redirectErrorStream(true).redirectInput(Redirect.from(new java.io.File("/dev/null"))).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "unshare did not return within 10 s";
            }
            return p.exitValue() == 0 ? "" : "unshare exited " + p.exitValue() + (output.isEmpty() ? "" : ": " + output);
        } catch (IOException e) {
            return "cannot run unshare: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while probing";
        }
    }

    public boolean pidNamespaces() {
        return pidNamespaces;
    }

    /** Why containers fall back to tree tracking; empty when they have PID namespaces. */
    public String fallbackReason() {
        return fallbackReason;
    }

    public ContainedProcess start(Launch launch) throws IOException {
        List<String> command = new ArrayList<>();
        if (pidNamespaces) {
            command.addAll(List.of(UNSHARE, "--pid", "--fork", "--mount-proc", "--kill-child", "--"));
        }
        // perl warns on stderr about a locale that is not installed here; it must not speak for the command
        boolean quietLocale = !launch.environment().containsKey("PERL_BADLANG");
        command.addAll(List.of(PERL, initScript.toString(), quietLocale ? "1" : "0", launch.executable()));
        command.addAll(launch.argv());
        ProcessBuilder pb = new ProcessBuilder(command).directory(launch.directory().toFile())
                .redirectInput(Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(Redirect.appendTo(launch.stdout().toFile()));
        if (launch.stderr().equals(launch.stdout())) {
            pb.redirectErrorStream(true);
        } else {
            pb.redirectError(Redirect.appendTo(launch.stderr().toFile()));
        }
        pb.environment().clear();
        pb.environment().putAll(launch.environment());
        if (quietLocale) {
            pb.environment().put("PERL_BADLANG", "0");
        }
        return new ContainedProcess(pb.start(), pidNamespaces, launch.marker());
    }
}
