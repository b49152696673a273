package dev.calicodcos.sim.java8;

import static org.assertj.core.api.Assertions.assertThat;

import dev.calicodcos.sim.TestProcesses;
import dev.calicodcos.sim.TestProcesses.Run;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DC/OS's Java 8 stand-in refuses newer class files as Java 8 does, and runs Java 8 programs that see Java 8. */
@Tag("integration")
class Java8StandInTest {
    private static final String PROBE = """
            package a.b;
            public class Probe {
                public static void main(String[] args) throws Exception {
                    System.out.println("spec=" + System.getProperty("java.specification.version"));
                    System.out.println("version=" + System.getProperty("java.version"));
                    System.out.println("home=" + System.getProperty("java.home"));
                    System.out.println("args=" + String.join(",", args));
                    if (args.length > 0 && args[0].equals("newer")) {
                        System.out.println("before");
                        System.out.println(a.b.Newer.hello());
                    }
                }
            }
            """;
    private static final String NEWER = """
            package a.b;
            public class Newer {
                public static String hello() { return "hello from 17"; }
                public static void main(String[] args) { System.out.println(hello()); }
            }
            """;

    @TempDir
    Path dir;
    private Path java;
    private Path home;

    @BeforeEach
    void install() throws IOException {
        Path root = dir.resolve("root");
        java = Java8Install.write(root, "1.13.9");
        home = root.resolve(Java8Install.JAVA_HOME);
    }

    /** The stand-in with a task's PATH. */
    private Run java(String... args) throws IOException, InterruptedException {
        List<String> argv = new java.util.ArrayList<>(List.of(java.toString()));
        argv.addAll(List.of(args));
        return TestProcesses.run(Map.of("PATH", "/usr/bin:/bin"), dir, argv);
    }

    /** Compiles one source file into {@code out} with {@code --release}. */
    private void compile(String release, Path out, String className, String source) throws IOException {
        Path src = dir.resolve("src-" + release).resolve(className.replace('.', '/') + ".java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        Files.createDirectories(out);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int code = javac.run(null, null, null, "--release", release, "-d", out.toString(), "-cp", out.toString(), src.toString());
        assertThat(code).as("javac --release " + release).isZero();
    }

    @Test
    void classCompiledForJava17IsRefusedWithJava8sLauncherError() throws Exception {
        Path classes = dir.resolve("classes17");
        compile("17", classes, "a.b.Newer", NEWER);

        Run run = java("-cp", classes.toString(), "a.b.Newer");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr()).startsWith("Error: A JNI error has occurred, please check your installation and try again\n"
                + "Exception in thread \"main\" java.lang.UnsupportedClassVersionError: a/b/Newer has been compiled by a more"
                + " recent version of the Java Runtime (class file version 61.0), this version of the Java Runtime only"
                + " recognizes class file versions up to 52.0\n");
    }

    @Test
    void java8ProgramRunsAndSeesJava8() throws Exception {
        Path classes = dir.resolve("classes8");
        compile("8", classes, "a.b.Probe", PROBE.replace("System.out.println(a.b.Newer.hello());", ""));

        Run run = java("-Dx=y", "-Xmx64m", "-cp", classes.toString(), "a.b.Probe", "one", "two");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("spec=1.8\n", "version=1.8.0_192\n", "home=" + home + "/jre\n", "args=one,two\n");
    }

    @Test
    void newerClassLoadedLaterFailsWhenItIsFirstUsed() throws Exception {
        Path classes = dir.resolve("mixed");
        compile("17", classes, "a.b.Newer", NEWER);
        compile("8", classes, "a.b.Probe", PROBE);

        Run lazy = java("-cp", classes.toString(), "a.b.Probe");
        Run used = java("-cp", classes.toString(), "a.b.Probe", "newer");

        assertThat(lazy.exitCode()).as(lazy.stderr()).isZero();
        assertThat(used.exitCode()).isEqualTo(1);
        assertThat(used.stdout()).contains("before\n").doesNotContain("hello from 17");
        assertThat(used.stderr()).contains("Exception in thread \"main\" java.lang.UnsupportedClassVersionError: a/b/Newer has"
                + " been compiled by a more recent version of the Java Runtime (class file version 61.0)")
                .doesNotContain("JNI error");
    }

    @Test
    void executableJarRunsThroughItsManifest() throws Exception {
        Path classes = dir.resolve("jarclasses");
        compile("8", classes, "a.b.Probe", PROBE.replace("System.out.println(a.b.Newer.hello());", ""));
        Path jar = dir.resolve("probe.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "a.b.Probe");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.putNextEntry(new JarEntry("a/b/Probe.class"));
            Files.copy(classes.resolve("a/b/Probe.class"), (OutputStream) out);
            out.closeEntry();
        }

        Run run = java("-jar", jar.toString(), "x");

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).contains("spec=1.8\n", "args=x\n");
    }

    @Test
    void versionIsJava8sAndNewerOptionsAreUnrecognized() throws Exception {
        Run version = java("-version");
        Run newerOption = java("--add-opens", "java.base/java.lang=ALL-UNNAMED", "-version");
        Run missing = java("-cp", dir.toString(), "no.Such");

        assertThat(version.exitCode()).isZero();
        assertThat(version.stderr()).isEqualTo("java version \"1.8.0_192\"\nJava(TM) SE Runtime Environment (build 1.8.0_192-b12)\n"
                + "Java HotSpot(TM) 64-Bit Server VM (build 25.192-b12, mixed mode)\n");
        assertThat(newerOption.exitCode()).isEqualTo(1);
        assertThat(newerOption.stderr()).startsWith("Unrecognized option: --add-opens\nError: Could not create the Java Virtual Machine.");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.stderr()).isEqualTo("Error: Could not find or load main class no.Such\n");
        assertThat(home.resolve("release")).content().contains("JAVA_VERSION=\"1.8.0_192\"");
    }

    @Test
    void theJdkADcosReleaseShipsDecidesTheText() {
        assertThat(Java8Release.forDcos("1.10.11").versionText().get(0)).isEqualTo("java version \"1.8.0_121\"");
        assertThat(Java8Release.forDcos("2.0.3").versionText().get(0)).isEqualTo("openjdk version \"1.8.0_40\"");
        assertThat(Java8Release.forDcos("2.1.0").versionText().get(1))
                .isEqualTo("OpenJDK Runtime Environment (AdoptOpenJDK)(build 1.8.0_232-b09)");
    }
}
