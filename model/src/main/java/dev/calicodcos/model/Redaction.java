package dev.calicodcos.model;

import java.util.regex.Pattern;

/**
 * Keeps credentials that ride inside URLs out of messages, reports, events and logs: the user part
 * of {@code https://user:password@host/...} and the query of an http(s) URL (presigned links carry
 * their signature there). The spec keeps the URL whole; only what is said about it is redacted.
 */
public final class Redaction {
    private static final Pattern USER_INFO = Pattern.compile("(?i)\\b([a-z][a-z0-9+.\\-]*://)[^/@\\s\"']+@");
    private static final Pattern QUERY = Pattern.compile("(?i)\\b(https?://[^\\s?\"']+)\\?[^\\s\"']*");

    private Redaction() {}

    /** {@code text} with every URL's user part and http(s) query replaced by {@code ***}. */
    public static String text(String text) {
        if (text == null || text.indexOf("://") < 0) {
            return text;
        }
        return QUERY.matcher(USER_INFO.matcher(text).replaceAll("$1***@")).replaceAll("$1?***");
    }
}
