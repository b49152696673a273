package dev.calicodcos.controller.cli;

import dev.calicodcos.kvstore.EtcdClients;
import dev.calicodcos.kvstore.EtcdKvStore;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.validation.SpecReader;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one entry point of the jar: {@code java -jar calico-dcos.jar <command>}. */
@Command(name = "calico-dcos",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT, // --help and --version on every command
        versionProvider = VersionProvider.class,
        description = "Installs Calico on every agent of a DC/OS cluster and keeps it there.",
        subcommands = {ValidateCommand.class, ApplyCommand.class, GetCommand.class, DiffCommand.class, StatusCommand.class,
                ControlCommands.Pause.class, ControlCommands.Resume.class, UninstallCommand.class, ControllerCommand.class, NodeCommand.class,
                CompletionCommand.class, MovedDemoCommand.class})
public final class CalicoDcos implements Runnable {
    static final Duration ETCD_TIMEOUT = Duration.ofSeconds(10);

    final StoreConnector connector;
    final SpecCodec codec = new SpecCodec();
    final SpecReader reader = new SpecReader(codec);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public CalicoDcos(StoreConnector connector) {
        this.connector = connector;
    }

    public static void main(String[] args) {
        StoreConnector etcd = options -> new EtcdKvStore(EtcdClients.connect(options), ETCD_TIMEOUT);
        System.exit(commandLine(new CalicoDcos(etcd)).execute(args));
    }

    /**
     * The configured command line; bad input and unreachable etcd end in one line on stderr, never a
     * stack trace. A command line naming no command or option of ours is an error (exit 2), also when
     * it asks for help: {@code calico-dcos uninstall --help} must not print the top-level help and
     * exit 0, as if {@code uninstall} existed.
     */
    public static CommandLine commandLine(CalicoDcos app) {
        CommandLine cl = new CommandLine(app);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            err.println("error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            err.flush();
            return "diff".equals(cmd.getCommandName()) ? ExitCode.DIFF_ERROR : ExitCode.FAILED;
        });
        cl.setParameterExceptionHandler((e, args) -> usageError(e.getCommandLine(), UsageErrors.describe(e)));
        cl.setExecutionStrategy(parsed -> {
            // With --help picocli keeps what it did not understand instead of failing: fail here.
            for (CommandLine.ParseResult level = parsed; level != null; level = level.subcommand()) {
                if (!level.unmatched().isEmpty() && level.commandSpec().unmatchedArgsBindings().isEmpty()) {
                    return usageError(level.commandSpec().commandLine(), UsageErrors.unknown(level.commandSpec(), level.unmatched()));
                }
            }
            return new CommandLine.RunLast().execute(parsed);
        });
        return cl;
    }

    private static int usageError(CommandLine cmd, String line) {
        cmd.getErr().println("error: " + line);
        cmd.getErr().flush();
        return ExitCode.USAGE;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    SpecFiles specFiles() {
        return new SpecFiles(reader);
    }
}
