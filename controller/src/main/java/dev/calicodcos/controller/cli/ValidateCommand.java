package dev.calicodcos.controller.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "validate", description = "Check spec files offline: schema and semantic rules. Exit 0 valid, 1 not.")
final class ValidateCommand implements Callable<Integer> {

    @ParentCommand
    CalicoDcos app;

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--filename"}, required = true, arity = "1..*", paramLabel = "FILE",
            description = "Spec files (YAML or JSON).")
    List<Path> files;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean allValid = true;
        SpecFiles specFiles = app.specFiles();
        for (Path file : files) {
            SpecFiles.Loaded loaded = specFiles.load(file);
            if (SpecFiles.report(loaded, err)) {
                out.println(file + ": valid (calicocluster/" + loaded.validResult().cluster().name() + ")");
            } else {
                allValid = false;
            }
        }
        out.flush();
        return allValid ? ExitCode.OK : ExitCode.FAILED;
    }
}
