package dev.calicodcos.controller.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "completion", description = {
        "Print the shell completion script for calico-dcos (bash; zsh after `autoload -U +X bashcompinit && bashcompinit`):",
        "  source <(calico-dcos completion)",
        "It completes the command name calico-dcos: a wrapper script or alias running java -jar calico-dcos.jar."})
final class CompletionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        // Picocli writes the script from the same command model that parses the command line.
        PrintWriter out = spec.commandLine().getOut();
        out.print(AutoComplete.bash(spec.root().name(), spec.root().commandLine()));
        out.flush();
        return ExitCode.OK;
    }
}
