package dev.calicodcos.launcher;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * The Main-Class of calico-dcos.jar, compiled for Java 8 so that any java can load it. On a Java
 * older than 17 (DC/OS ships 8) it prints one line saying what to use instead and exits 1, rather
 * than an UnsupportedClassVersionError stack trace; otherwise it starts the CLI, found by name so
 * that this class never links a Java 17 class.
 */
public final class Main {
    static final String CLI = "dev.calicodcos.controller.cli.CalicoDcos";

    private Main() {}

    public static void main(String[] args) throws Throwable {
        String version = System.getProperty("java.specification.version");
        String home = System.getProperty("java.home");
        String release = Main.class.getPackage().getImplementationVersion();
        String refusal = JavaVersionCheck.refusal(version, home, release);
        if (refusal != null) {
            refuse(refusal);
            return;
        }
        Method main;
        try {
            main = Class.forName(CLI).getMethod("main", String[].class);
        } catch (UnsupportedClassVersionError e) {
            // A version string we could not read belonged to a Java too old after all.
            refuse(JavaVersionCheck.message(version, home, release));
            return;
        }
        try {
            main.invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static void refuse(String line) {
        System.err.println(line);
        System.exit(1);
    }
}
