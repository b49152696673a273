package dev.calicodcos.controller.cli;

import dev.calicodcos.controller.store.EtcdKvStore;
import dev.calicodcos.model.codec.SpecCodec;
import dev.calicodcos.model.validation.SpecReader;
import dev.calicodcos.reconcilers.etcd.EtcdClients;
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
                ControlCommands.Pause.class, ControlCommands.Resume.class, ControllerCommand.class, NodeCommand.class, MovedDemoCommand.class})
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

    /** The configured command line; bad input and unreachable etcd end in one line on stderr, never a stack trace. */
    public static CommandLine commandLine(CalicoDcos app) {
        CommandLine cl = new CommandLine(app);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            PrintWriter err = cmd.getErr();
            err.println("error: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            err.flush();
            return "diff".equals(cmd.getCommandName()) ? ExitCode.DIFF_ERROR : ExitCode.FAILED;
        });
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    SpecFiles specFiles() {
        return new SpecFiles(reader);
    }
}
