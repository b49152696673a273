package dev.calicodcos.model.codec;

import java.util.regex.Pattern;

/** The path syntax of every message we print: {@code spec.etcd.endpoints[0]}, {@code spec.node.env["A.B"]}. */
public final class DocumentPaths {
    private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_\\-]*");

    private DocumentPaths() {}

    public static String child(String parent, String key) {
        if (!PLAIN_KEY.matcher(key).matches()) {
            return parent + "[\"" + key.replace("\"", "\\\"") + "\"]";
        }
        return parent.isEmpty() ? key : parent + "." + key;
    }

    public static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }
}
