package dev.calicodcos.e2e.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.calicodcos.controller.cli.CalicoDcos;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** The jar's own command line, to check that deploy files only pass options it knows. */
final class CliArgs {
    private CliArgs() {}

    static CommandLine commandLine() {
        return CalicoDcos.commandLine(new CalicoDcos(options -> {
            throw new AssertionError("parsing must not connect to etcd");
        }));
    }

    /** Parses the arguments after {@code -jar <jar>}; throws picocli's exception for an unknown or malformed option. */
    static CommandLine.ParseResult parseAfterJar(List<String> argv) {
        int jar = argv.indexOf("-jar");
        if (jar < 0 || jar + 2 > argv.size()) {
            throw new AssertionError("no '-jar <file>' in " + argv);
        }
        return commandLine().parseArgs(argv.subList(jar + 2, argv.size()).toArray(String[]::new));
    }

    /**
     * Parses a Marathon app's {@code args}: after {@code -jar <jar>} when they start java themselves,
     * else all of them (the image's entrypoint ends in {@code -jar calico-dcos.jar}).
     */
    static CommandLine.ParseResult parseCommand(List<String> argv) {
        return argv.contains("-jar") ? parseAfterJar(argv) : commandLine().parseArgs(argv.toArray(String[]::new));
    }

    static List<String> args(JsonNode app) {
        List<String> argv = new ArrayList<>();
        app.path("args").forEach(a -> argv.add(a.asText()));
        return argv;
    }

    /** The value that follows {@code flag} in an argument list, or null. */
    static String after(List<String> argv, String flag) {
        int i = argv.indexOf(flag);
        return i < 0 || i + 1 >= argv.size() ? null : argv.get(i + 1);
    }

    /** The default the jar's {@code command} applies to {@code option} when it is not given. */
    static String defaultOf(String command, String option) {
        return commandLine().getSubcommands().get(command).getCommandSpec().findOption(option).defaultValue();
    }
}
