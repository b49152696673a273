package dev.calicodcos.launcher;

/**
 * Decides from {@code java.specification.version} whether this Java can run calico-dcos. Pure: the
 * caller passes the system properties in.
 */
final class JavaVersionCheck {
    static final int REQUIRED = 17;

    private JavaVersionCheck() {}

    /**
     * The feature release a specification version names: {@code "1.8"} is 8 (the numbering before
     * Java 9), {@code "17"} is 17; -1 when the text is not a version at all.
     */
    static int feature(String specificationVersion) {
        if (specificationVersion == null) {
            return -1;
        }
        String text = specificationVersion.trim();
        if (text.startsWith("1.")) {
            text = text.substring(2);
        }
        int end = 0;
        while (end < text.length() && Character.isDigit(text.charAt(end))) {
            end++;
        }
        if (end == 0 || end > 4 || (end < text.length() && text.charAt(end) != '.')) {
            return -1;
        }
        return Integer.parseInt(text.substring(0, end));
    }

    /**
     * The one line to print when this Java is too old, or null to go on. A version that cannot be read
     * goes on: loading the CLI then tells (see {@link Main}).
     */
    static String refusal(String specificationVersion, String javaHome, String release) {
        int feature = feature(specificationVersion);
        return feature >= 0 && feature < REQUIRED ? message(specificationVersion, javaHome, release) : null;
    }

    static String message(String specificationVersion, String javaHome, String release) {
        return "calico-dcos needs Java " + REQUIRED + " or newer, but found Java " + specificationVersion + " at " + javaHome
                + "; run it with the runtime shipped beside the jar (calico-dcos-runtime/bin/java from calico-dcos-runtime-"
                + (release == null ? "<version>" : release) + "-linux-x64.tar.gz) or from the calico-dcos container image";
    }
}
