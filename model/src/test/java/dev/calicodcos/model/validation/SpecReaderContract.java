package dev.calicodcos.model.validation;

import dev.calicodcos.model.codec.SpecCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.MatchResult;
import java.util.regex.Pattern;

/**
 * What the spec reader promises for any bytes at all, checked by its properties, its fuzz target and
 * the corpus replay: it returns (never throws, whatever the input); an invalid document gets at
 * least one error, each a single line that names a path or a line of the file (a message about the
 * whole file excepted) and never shows an exception or a class name; a valid document written back
 * out by the codec reads again as the same cluster.
 */
final class SpecReaderContract {
    private static final SpecCodec CODEC = new SpecCodec();
    private static final SpecReader READER = new SpecReader(CODEC);

    /** {@code spec.node.env["A.B"]: …}, {@code spec.etcd.endpoints[0]: …}, {@code ["a b"]: …}. */
    private static final Pattern PATH_FIRST = Pattern.compile(
            "^(\\[\"[^\"]*\"\\]|[A-Za-z_][A-Za-z0-9_\\-]*)(\\.[A-Za-z_][A-Za-z0-9_\\-]*|\\[[0-9]+\\]|\\[\"([^\"\\\\]|\\\\.)*\"\\])*: \\S.*");
    /** Problems about the file as a whole, where no path or line applies. */
    private static final Pattern WHOLE_FILE = Pattern.compile("^(file is empty|file is larger than).*");
    /** What only a program shows: exception and error class names, qualified names, identity hashes. */
    private static final Pattern LEAKED = Pattern.compile("\\b\\w*Exception\\b|\\b[A-Z]\\w*Error\\b"
            + "|\\b(?:java|javax|jdk|sun|com|org|dev)\\.[a-z0-9_]+(?:\\.[A-Za-z0-9_$]+)+|\\$Proxy|@[0-9a-f]{6,}"
            + "|\\[Source:|`[A-Za-z_.()]+`");

    /** The validator's own path syntax ({@code /spec/node/env: }) instead of ours. */
    private static final Pattern JSON_POINTER = Pattern.compile("(^|: )/(apiVersion|kind|metadata|spec|status)\\b");

    private SpecReaderContract() {}

    /** Reads {@code input} and checks every promise; throws {@link AssertionError} naming the input otherwise. */
    static ReadResult check(byte[] input) {
        ReadResult result;
        try {
            result = READER.read(input);
        } catch (RuntimeException | StackOverflowError e) {
            throw new AssertionError("the reader threw " + e + " for " + show(input), e);
        }
        if (result instanceof ReadResult.Invalid invalid) {
            expect(!invalid.problems().isEmpty(), "an invalid document without a problem", input, result);
            expect(invalid.problems().stream().anyMatch(p -> p.severity() == Violation.Severity.ERROR),
                    "an invalid document without an error", input, result);
        } else {
            ReadResult.Valid valid = (ReadResult.Valid) result;
            expect(valid.cluster() != null, "a valid result without a cluster", input, result);
            expect(valid.problems().stream().allMatch(p -> p.severity() == Violation.Severity.WARNING),
                    "a valid result with an error", input, result);
            ReadResult again = READER.read(CODEC.toYaml(valid.cluster()).getBytes(StandardCharsets.UTF_8));
            expect(again instanceof ReadResult.Valid v && v.cluster().equals(valid.cluster()),
                    "the cluster written back out does not read as itself: " + again.problems(), input, result);
        }
        long lines = 1 + new String(input, StandardCharsets.UTF_8).lines().count();
        for (Problem p : result.problems()) {
            String text = p.text();
            expect(text != null && !text.isBlank(), "a blank message", input, result);
            expect(text.lines().count() == 1, "a message of several lines", input, result);
            expect(leaked(text, input).isEmpty(), "a message showing an exception or class: " + leaked(text, input), input, result);
            expect(!JSON_POINTER.matcher(text).find(), "a path written as a JSON pointer: " + text, input, result);
            expect(p.location().isPresent() || PATH_FIRST.matcher(text).matches() || WHOLE_FILE.matcher(text).matches(),
                    "a message naming neither a path nor a line: " + text, input, result);
            p.location().ifPresent(at -> expect(at.line() >= 1 && at.line() <= lines && at.column() >= 1,
                    "a location outside the file: " + at, input, result));
        }
        return result;
    }

    /** The program words in {@code text} that the user did not write (a message may quote their line). */
    private static List<String> leaked(String text, byte[] input) {
        String written = new String(input, StandardCharsets.UTF_8);
        return LEAKED.matcher(text).results().map(MatchResult::group).filter(word -> !written.contains(word)).toList();
    }

    private static void expect(boolean holds, String what, byte[] input, ReadResult result) {
        if (!holds) {
            throw new AssertionError(what + "\nproblems: " + result.problems() + "\ninput: " + show(input));
        }
    }

    /** The input as Java would write it, so a failure can be pasted into a regression test. */
    static String show(byte[] input) {
        StringBuilder out = new StringBuilder("\"");
        String text = new String(input, StandardCharsets.UTF_8);
        int limit = Math.min(text.length(), 2000);
        for (int i = 0; i < limit; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> out.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.append(text.length() > limit ? "\"…" : "\"").append(" (").append(input.length).append(" bytes)").toString();
    }
}
