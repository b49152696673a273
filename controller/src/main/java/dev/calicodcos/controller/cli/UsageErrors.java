package dev.calicodcos.controller.cli;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/** The one line a command-line mistake gets, naming the mistake and where help is. Pure. */
final class UsageErrors {
    private UsageErrors() {}

    static String describe(ParameterException e) {
        if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            return unknown(e.getCommandLine().getCommandSpec(), unmatched.getUnmatched());
        }
        return e.getMessage() + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help')";
    }

    /** The first argument {@code command} does not know: a command where it has subcommands, else an option or argument. */
    static String unknown(CommandSpec command, List<String> unmatched) {
        String first = unmatched.get(0);
        if (!first.startsWith("-") && !command.subcommands().isEmpty()) {
            String known = command.subcommands().entrySet().stream()
                    .filter(e -> e.getKey().equals(e.getValue().getCommandName()) && !e.getValue().getCommandSpec().usageMessage().hidden())
                    .map(Map.Entry::getKey).collect(Collectors.joining(", "));
            return "unknown command '" + first + "' (commands: " + known + "; see '" + command.qualifiedName() + " --help')";
        }
        return (first.startsWith("-") ? "unknown option '" : "unexpected argument '") + first + "' for " + command.qualifiedName()
                + " (see '" + command.qualifiedName() + " --help')";
    }
}
