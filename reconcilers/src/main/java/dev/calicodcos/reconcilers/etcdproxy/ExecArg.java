package dev.calicodcos.reconcilers.etcdproxy;

import dev.calicodcos.model.agent.StepReason;
import dev.calicodcos.reconcilers.host.StepFailure;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One argument of a systemd {@code Exec*=} command line and the spec field it came from (empty for
 * our own constants), so that a value that cannot be written safely is refused by its name.
 */
record ExecArg(String value, String field) {
    static ExecArg constant(String value) {
        return new ExecArg(value, "");
    }

    static ExecArg from(String field, String value) {
        return new ExecArg(value, field);
    }

    /**
     * Pure: the command line, every word double-quoted so that no value can split a word, start a
     * new command ({@code ;}), expand a specifier ({@code %}) or a variable ({@code $}):
     * {@code \} → {@code \\}, {@code "} → {@code \"}, {@code %} → {@code %%}, {@code $} → {@code $$}.
     * A value with a control character (a newline would end the directive) is refused, naming its
     * field. The executable must be an absolute path without {@code $}: systemd executes the path
     * as written and undoubles {@code $$} only in the arguments.
     */
    static String commandLine(List<ExecArg> argv) {
        ExecArg executable = argv.get(0);
        if (!executable.value().startsWith("/") || executable.value().contains("$")) {
            throw refused(executable, "must be an absolute path without '$' to be run by systemd");
        }
        return argv.stream().map(ExecArg::quoted).collect(Collectors.joining(" "));
    }

    String quoted() {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                throw refused(this, String.format("contains a control character (U+%04X)", (int) c));
            }
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '%' -> out.append("%%");
                case '$' -> out.append("$$");
                default -> out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /** The value itself is not repeated: an endpoint may carry credentials. */
    private static StepFailure refused(ExecArg arg, String why) {
        String what = arg.field().isEmpty() ? "the etcd proxy command line" : arg.field();
        return new StepFailure(StepReason.UNSAFE_UNIT_VALUE, what + " " + why + "; it is not written into the etcd proxy's systemd unit");
    }
}
