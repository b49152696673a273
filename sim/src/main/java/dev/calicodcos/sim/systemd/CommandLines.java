package dev.calicodcos.sim.systemd;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Command lines of {@code ExecStart=} and friends, as systemd.service(5) "COMMAND LINES" describes them
 * (pure). At load: {@code %%} is a literal {@code %} (any other specifier is refused: nothing is
 * guessed), one {@code -} prefix, words split on whitespace, double- or single-quoted words (a quote
 * only at the start of a word, the closing quote followed by whitespace or the end), C-style escapes.
 * When run: a word that is exactly {@code $NAME} becomes the variable's value split at whitespace,
 * {@code ${NAME}} is replaced inside a word, {@code $$} is a literal {@code $}.
 */
final class CommandLines {
    private static final Pattern WHOLE_WORD_VARIABLE = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private CommandLines() {}

    /** {@code Environment=}'s value: specifiers resolved, then quoted words split (no prefixes, no variables). */
    static List<String> words(String value) throws BadSetting {
        String line = specifiers(value);
        List<String> words = new ArrayList<>();
        split(line, 0, value, words, false);
        return words;
    }

    static ExecCommand parse(String value) throws BadSetting {
        String line = specifiers(value);
        int i = skipSpace(line, 0);
        boolean ignoreFailure = false;
        while (i < line.length() && "-@+!:".indexOf(line.charAt(i)) >= 0) {
            char prefix = line.charAt(i);
            if (prefix != '-' || ignoreFailure) {
                throw new BadSetting("Command prefix '" + prefix + "' is not simulated: " + value);
            }
            ignoreFailure = true;
            i++;
        }
        List<String> words = new ArrayList<>();
        split(line, i, value, words, true);
        if (words.isEmpty()) {
            throw new BadSetting("Empty command line");
        }
        if (!words.get(0).startsWith("/")) {
            throw new BadSetting("Executable path is not absolute: " + words.get(0));
        }
        for (String word : words) {
            checkVariables(word, value);
        }
        return new ExecCommand(ignoreFailure, words);
    }

    /** The argument vector of a loaded command, variables expanded from the service's environment. */
    static List<String> expand(ExecCommand command, Map<String, String> environment) {
        List<String> argv = new ArrayList<>();
        for (String word : command.words()) {
            Matcher whole = WHOLE_WORD_VARIABLE.matcher(word);
            if (whole.matches()) {
                String v = environment.getOrDefault(whole.group(1), "").strip();
                if (!v.isEmpty()) {
                    argv.addAll(List.of(v.split("\\s+")));
                }
                continue;
            }
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < word.length(); i++) {
                char c = word.charAt(i);
                if (c == '$' && i + 1 < word.length() && word.charAt(i + 1) == '$') {
                    out.append('$');
                    i++;
                } else if (c == '$' && i + 1 < word.length() && word.charAt(i + 1) == '{') {
                    int close = word.indexOf('}', i + 2);
                    out.append(environment.getOrDefault(word.substring(i + 2, close), ""));
                    i = close;
                } else {
                    out.append(c);
                }
            }
            argv.add(out.toString());
        }
        return argv;
    }

    /** {@code %%} → {@code %}; every other specifier is refused rather than guessed. */
    private static String specifiers(String value) throws BadSetting {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '%') {
                out.append(c);
            } else if (i + 1 < value.length() && value.charAt(i + 1) == '%') {
                out.append('%');
                i++;
            } else {
                throw new BadSetting("Specifier '%" + (i + 1 < value.length() ? value.charAt(i + 1) : "")
                        + "' is not simulated (write %% for a literal %): " + value);
            }
        }
        return out.toString();
    }

    /**
     * {@code $$} and {@code ${NAME}} anywhere, {@code $NAME} only as a whole word: a {@code $NAME} inside a
     * word expands only in newer systemd versions, so it is refused rather than guessed.
     */
    private static void checkVariables(String word, String line) throws BadSetting {
        if (WHOLE_WORD_VARIABLE.matcher(word).matches()) {
            return;
        }
        for (int i = 0; i < word.length(); i++) {
            if (word.charAt(i) != '$' || i + 1 >= word.length()) {
                continue;
            }
            char next = word.charAt(i + 1);
            if (next == '$') {
                i++;
            } else if (next == '{') {
                int close = word.indexOf('}', i + 2);
                if (close < 0 || !NAME.matcher(word.substring(i + 2, close)).matches()) {
                    throw new BadSetting("Invalid variable reference in '" + word + "': " + line);
                }
                i = close;
            } else if (Character.isLetter(next) || next == '_') {
                throw new BadSetting("'$" + next + "...' inside a word: write ${NAME}, or $$ for a literal $: " + line);
            }
        }
    }

    private static void split(String line, int from, String value, List<String> words, boolean commandLine) throws BadSetting {
        int i = from;
        while ((i = skipSpace(line, i)) < line.length()) {
            StringBuilder word = new StringBuilder();
            char c = line.charAt(i);
            if (c == '"' || c == '\'') {
                i = quoted(line, i, c, word);
                if (i < line.length() && !Character.isWhitespace(line.charAt(i))) {
                    throw new BadSetting("A closing quote must be followed by whitespace: " + value);
                }
            } else {
                i = unquoted(line, i, word);
                if (commandLine && word.toString().equals(";")) {
                    throw new BadSetting("More than one command line is only allowed for Type=oneshot: " + value);
                }
            }
            words.add(word.toString());
        }
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    private static int quoted(String s, int start, char quote, StringBuilder word) throws BadSetting {
        int i = start + 1;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == quote) {
                return i + 1;
            }
            if (c == '\\') {
                i = escape(s, i, word);
            } else {
                word.append(c);
                i++;
            }
        }
        throw new BadSetting("Unbalanced quoting: " + s);
    }

    private static int unquoted(String s, int start, StringBuilder word) throws BadSetting {
        int i = start;
        while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
            char c = s.charAt(i);
            if (c == '"' || c == '\'') {
                throw new BadSetting("A quote may only start a word: " + s);
            }
            if (c == '\\') {
                i = escape(s, i, word);
            } else {
                word.append(c);
                i++;
            }
        }
        return i;
    }

    /** A C-style escape at {@code s[i] == '\\'}; returns the index after it. */
    private static int escape(String s, int i, StringBuilder word) throws BadSetting {
        if (i + 1 >= s.length()) {
            throw new BadSetting("Trailing backslash: " + s);
        }
        char c = s.charAt(i + 1);
        switch (c) {
            case 'a' -> word.append('\u0007');
            case 'b' -> word.append('\b');
            case 'f' -> word.append('\f');
            case 'n' -> word.append('\n');
            case 'r' -> word.append('\r');
            case 't' -> word.append('\t');
            case 'v' -> word.append('\u000b');
            case 's' -> word.append(' ');
            case '\\', '"', '\'' -> word.append(c);
            case 'x' -> {
                return codePoint(s, i + 2, 2, 16, word);
            }
            case 'u' -> {
                return codePoint(s, i + 2, 4, 16, word);
            }
            case 'U' -> {
                return codePoint(s, i + 2, 8, 16, word);
            }
            default -> {
                if (c >= '0' && c <= '7') {
                    return codePoint(s, i + 1, 3, 8, word);
                }
                throw new BadSetting("Invalid escape '\\" + c + "': " + s);
            }
        }
        return i + 2;
    }

    private static int codePoint(String s, int from, int digits, int radix, StringBuilder word) throws BadSetting {
        if (from + digits > s.length()) {
            throw new BadSetting("Truncated escape: " + s);
        }
        int cp;
        try {
            cp = Integer.parseInt(s.substring(from, from + digits), radix);
        } catch (NumberFormatException e) {
            throw new BadSetting("Invalid escape: " + s);
        }
        if (cp == 0 || !Character.isValidCodePoint(cp)) {
            throw new BadSetting("Invalid escape (NUL or not a code point): " + s);
        }
        word.appendCodePoint(cp);
        return from + digits;
    }
}
