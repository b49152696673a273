package dev.calicodcos.controller.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the CLI in-process, as {@code java -jar calico-dcos.jar} would, capturing both streams. */
final class Cli {
    private final StoreConnector connector;

    Cli(StoreConnector connector) {
        this.connector = connector;
    }

    record Run(int exitCode, String out, String err) {}

    Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = CalicoDcos.commandLine(new CalicoDcos(connector));
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
