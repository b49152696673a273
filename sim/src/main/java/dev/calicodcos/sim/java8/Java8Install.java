package dev.calicodcos.sim.java8;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Lays the Java 8 stand-in out in a host root as DC/OS's {@code java} package does
 * ({@code packages/java/build}): {@code opt/mesosphere/active/java/usr/java/{bin/java,release,jre/}} and
 * the {@code opt/mesosphere/active/java/bin/java} link.
 */
public final class Java8Install {
    /** Java home under the host root (DC/OS's {@code JAVA_HOME}). */
    public static final String JAVA_HOME = "opt/mesosphere/active/java/usr/java";

    private Java8Install() {}

    /** Writes the stand-in; returns the path of its {@code java}. */
    public static Path write(Path root, String dcosVersion) throws IOException {
        Java8Release release = Java8Release.forDcos(dcosVersion);
        Path home = root.resolve(JAVA_HOME);
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("jre/lib"));
        Files.writeString(home.resolve("release"), release.releaseFile());
        Path java = home.resolve("bin/java");
        Files.writeString(java, script(home, dcosVersion));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path link = root.resolve("opt/mesosphere/active/java/bin/java");
        Files.createDirectories(link.getParent());
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, link.getParent().relativize(java));
        return java;
    }

    /**
     * The {@code java} script: heap and stack sizes go to the real JVM (the launcher cannot apply them
     * once started); everything else is the launcher's to read.
     */
    static String script(Path home, String dcosVersion) {
        String jvm = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return """
                #!/bin/sh
                # Stand-in for DC/OS's Java 8 (calico-dcos sim): runs the program on the simulator's JVM through a
                # class loader that refuses class files newer than Java 8, with Java 8's messages and properties.
                set -f
                heap=
                skip=
                for a in "$@"; do
                  if [ -n "$skip" ]; then skip=; continue; fi
                  case "$a" in
                    -cp|-classpath) skip=1 ;;
                    -Xmx*|-Xms*|-Xss*) heap="$heap $a" ;;
                    -jar|-*) [ "$a" = -jar ] && break ;;
                    *) break ;;
                  esac
                done
                exec %s -XX:TieredStopAtLevel=1 -XX:+UseSerialGC $heap -cp %s %s %s %s "$@"
                """.formatted(quote(jvm), quote(codeSource()), Java8Launcher.class.getName(), quote(home.toString()),
                quote(dcosVersion));
    }

    /** Where the launcher's class comes from: the sim's classes folder, or the jar that holds them. */
    static String codeSource() {
        try {
            return Path.of(Java8Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the simulator's classes", e);
        }
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
