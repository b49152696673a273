package dev.calicodcos.sim.java8;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The {@code java} launcher of the Java 8 stand-in, run on the simulator's own JVM by the stand-in's
 * shell script: {@code Java8Launcher <java home> <DC/OS version> <java arguments...>}. It takes Java
 * 8's options (refusing newer ones with Java 8's text), prints Java 8's {@code -version}, sets the
 * Java 8 system properties and runs the main class through {@link Java8ClassLoader}. Only JDK classes
 * are used: it runs with nothing but the simulator's classes on its class path.
 */
public final class Java8Launcher {
    /** Exit code of every launcher error of Java 8. */
    static final int LAUNCHER_ERROR = 1;

    private Java8Launcher() {}

    public static void main(String[] args) throws Throwable {
        if (args.length < 2) {
            System.err.println("usage: Java8Launcher <java home> <DC/OS version> [java arguments]");
            System.exit(2);
        }
        Java8Release release = Java8Release.forDcos(args[1]);
        Options options;
        try {
            options = Options.parse(Arrays.asList(args).subList(2, args.length));
        } catch (Unrecognized e) {
            System.err.println("Unrecognized option: " + e.getMessage());
            System.err.println("Error: Could not create the Java Virtual Machine.");
            System.err.println("Error: A fatal exception has occurred. Program will exit.");
            System.exit(LAUNCHER_ERROR);
            return;
        }
        if (options.version || options.showVersion) {
            release.versionText().forEach(System.err::println);
            if (options.version) {
                System.exit(0);
            }
        }
        if (options.fullVersion) {
            System.err.println("java full version \"" + release.javaVersion() + "-" + release.build() + "\"");
            System.exit(0);
        }
        if (options.help) {
            usage(System.out);
            System.exit(0);
        }
        if (options.jar == null && options.mainClass == null) {
            usage(System.err);
            System.exit(LAUNCHER_ERROR);
        }
        run(Path.of(args[0]), release, options);
    }

    private static void run(Path javaHome, Java8Release release, Options options) throws Throwable {
        List<String> classPath = new ArrayList<>();
        String mainClass = options.mainClass;
        if (options.jar != null) {
            Path jar = Path.of(options.jar);
            if (!Files.isRegularFile(jar)) {
                System.err.println("Error: Unable to access jarfile " + options.jar);
                System.exit(LAUNCHER_ERROR);
            }
            Manifest manifest;
            try (JarFile file = new JarFile(jar.toFile())) {
                manifest = file.getManifest();
            } catch (IOException e) {
                System.err.println("Error: Invalid or corrupt jarfile " + options.jar);
                System.exit(LAUNCHER_ERROR);
                return;
            }
            mainClass = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.MAIN_CLASS);
            if (mainClass == null) {
                System.err.println("no main manifest attribute, in " + options.jar);
                System.exit(LAUNCHER_ERROR);
            }
            classPath.add(options.jar);
            String extra = manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (extra != null) {
                Path dir = jar.toAbsolutePath().getParent();
                for (String entry : extra.trim().split("\\s+")) {
                    classPath.add(dir.resolve(entry).toString());
                }
            }
        } else {
            String cp = options.classPath != null ? options.classPath : System.getenv().getOrDefault("CLASSPATH", ".");
            classPath.addAll(Arrays.asList(cp.split(File.pathSeparator, -1)));
        }
        Map<String, String> properties = new LinkedHashMap<>(release.properties(javaHome.toString()));
        properties.put("java.class.path", String.join(File.pathSeparator, classPath));
        properties.put("sun.java.command", String.join(" ", options.commandLine()));
        Java8Release.NEWER_PROPERTIES.forEach(System::clearProperty);
        properties.forEach(System::setProperty);
        options.properties.forEach(System::setProperty);

        Java8ClassLoader loader = new Java8ClassLoader(urls(classPath));
        String binaryName = mainClass.replace('/', '.');
        Class<?> main;
        try {
            main = Class.forName(binaryName, false, loader);
        } catch (UnsupportedClassVersionError e) {
            // Java 8's launcher: LauncherHelper.checkAndLoadMain fails inside the JNI call
            System.err.println("Error: A JNI error has occurred, please check your installation and try again");
            System.err.println("Exception in thread \"main\" " + e);
            for (String frame : MAIN_CLASS_FRAMES) {
                System.err.println("\tat " + frame);
            }
            System.exit(LAUNCHER_ERROR);
            return;
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            System.err.println("Error: Could not find or load main class " + mainClass);
            System.exit(LAUNCHER_ERROR);
            return;
        }
        Method method;
        try {
            method = main.getMethod("main", String[].class);
        } catch (NoSuchMethodException e) {
            method = null;
        }
        if (method == null || !Modifier.isStatic(method.getModifiers()) || method.getReturnType() != void.class) {
            System.err.println("Error: Main method not found in class " + binaryName + ", please define the main method as:");
            System.err.println("   public static void main(String[] args)");
            System.err.println("or a JavaFX application class must extend javafx.application.Application");
            System.exit(LAUNCHER_ERROR);
            return;
        }
        Thread.currentThread().setContextClassLoader(loader);
        try {
            method.invoke(null, (Object) options.programArguments.toArray(new String[0]));
        } catch (InvocationTargetException e) {
            throw e.getCause();         // uncaught in "main", as the JVM reports it
        }
    }

    private static URL[] urls(List<String> classPath) throws MalformedURLException {
        List<URL> out = new ArrayList<>();
        for (String entry : classPath) {
            Path p = Path.of(entry.isEmpty() ? "." : entry).toAbsolutePath();
            out.add(p.toUri().toURL());     // a directory's URI ends with '/' only when it exists, as for Java 8
        }
        return out.toArray(new URL[0]);
    }

    private static void usage(PrintStream out) {
        out.println("Usage: java [-options] class [args...]");
        out.println("           (to execute a class)");
        out.println("   or  java [-options] -jar jarfile [args...]");
        out.println("           (to execute a jar file)");
        out.println("where options include:");
        out.println("    -cp <class search path of directories and zip/jar files>");
        out.println("    -D<name>=<value>");
        out.println("                  set a system property");
        out.println("    -version      print product version and exit");
    }

    /** The stack Java 8u launchers print under the main class's UnsupportedClassVersionError. */
    private static final List<String> MAIN_CLASS_FRAMES = List.of(
            "java.lang.ClassLoader.defineClass1(Native Method)",
            "java.lang.ClassLoader.defineClass(ClassLoader.java:763)",
            "java.security.SecureClassLoader.defineClass(SecureClassLoader.java:142)",
            "java.net.URLClassLoader.defineClass(URLClassLoader.java:468)",
            "java.net.URLClassLoader.access$100(URLClassLoader.java:74)",
            "java.net.URLClassLoader$1.run(URLClassLoader.java:369)",
            "java.net.URLClassLoader$1.run(URLClassLoader.java:363)",
            "java.security.AccessController.doPrivileged(Native Method)",
            "java.net.URLClassLoader.findClass(URLClassLoader.java:362)",
            "java.lang.ClassLoader.loadClass(ClassLoader.java:424)",
            "sun.misc.Launcher$AppClassLoader.loadClass(Launcher.java:349)",
            "java.lang.ClassLoader.loadClass(ClassLoader.java:357)",
            "sun.launcher.LauncherHelper.checkAndLoadMain(LauncherHelper.java:495)");

    static final class Unrecognized extends Exception {
        Unrecognized(String option) {
            super(option, null, false, false);
        }
    }

    /** The command line as Java 8's launcher reads it. */
    static final class Options {
        final Map<String, String> properties = new LinkedHashMap<>();
        final List<String> programArguments = new ArrayList<>();
        final List<String> raw = new ArrayList<>();
        String classPath;
        String jar;
        String mainClass;
        boolean version;
        boolean showVersion;
        boolean fullVersion;
        boolean help;

        static Options parse(List<String> args) throws Unrecognized {
            Options o = new Options();
            int i = 0;
            for (; i < args.size(); i++) {
                String a = args.get(i);
                if (!a.startsWith("-")) {
                    o.mainClass = a;
                    i++;
                    break;
                }
                if (a.equals("-cp") || a.equals("-classpath")) {
                    if (i + 1 >= args.size()) {
                        throw new Unrecognized(a);      // Java 8: "-cp requires class path specification"
                    }
                    o.classPath = args.get(++i);
                } else if (a.equals("-jar")) {
                    if (i + 1 >= args.size()) {
                        throw new Unrecognized(a);
                    }
                    o.jar = args.get(++i);
                    i++;
                    break;
                } else if (a.startsWith("-D")) {
                    int eq = a.indexOf('=');
                    o.properties.put(eq < 0 ? a.substring(2) : a.substring(2, eq), eq < 0 ? "" : a.substring(eq + 1));
                } else if (a.equals("-version")) {
                    o.version = true;
                } else if (a.equals("-showversion")) {
                    o.showVersion = true;
                } else if (a.equals("-fullversion")) {
                    o.fullVersion = true;
                } else if (a.equals("-help") || a.equals("-?") || a.equals("-h")) {
                    o.help = true;
                } else if (!java8Option(a)) {
                    throw new Unrecognized(a);
                }
            }
            o.programArguments.addAll(args.subList(Math.min(i, args.size()), args.size()));
            o.raw.addAll(args);
            return o;
        }

        List<String> commandLine() {
            List<String> out = new ArrayList<>();
            out.add(jar != null ? jar : mainClass);
            out.addAll(programArguments);
            return out;
        }

        /** Options Java 8 accepts and the stand-in takes without acting on them (heap sizes go to the real JVM). */
        private static boolean java8Option(String a) {
            if (a.startsWith("--")) {
                return false;                 // --add-opens, --module-path, --version ...: Java 9 and later
            }
            return a.startsWith("-X") || a.startsWith("-ea") || a.startsWith("-da") || a.startsWith("-enableassertions")
                    || a.startsWith("-disableassertions") || a.equals("-esa") || a.equals("-dsa") || a.startsWith("-verbose")
                    || a.equals("-server") || a.equals("-client") || a.equals("-d64") || a.startsWith("-agentlib:")
                    || a.startsWith("-agentpath:") || a.startsWith("-javaagent:");
        }
    }
}
