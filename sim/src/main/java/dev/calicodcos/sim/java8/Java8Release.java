package dev.calicodcos.sim.java8;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JDK 8 build a DC/OS release ships ({@code packages/java/buildinfo.json} of github:dcos/dcos):
 * Oracle JDK 8u112 (1.8), 8u121 (1.9, 1.10), 8u152 (1.11), 8u181 (1.12), 8u192 (1.13); the OpenJDK 8u40
 * reference build (2.0); AdoptOpenJDK 8u232 (2.1) and 8u265 (2.2 on).
 */
public record Java8Release(int update, String build, Flavor flavor) {

    /** Who built it: decides the texts of {@code -version} and the vendor properties. */
    public enum Flavor { ORACLE, OPENJDK_RI, ADOPTOPENJDK }

    public static Java8Release forDcos(String dcosVersion) {
        int[] v = majorMinor(dcosVersion);
        if (v[0] >= 2) {
            if (v[0] == 2 && v[1] == 0) {
                return new Java8Release(40, "b25", Flavor.OPENJDK_RI);
            }
            return v[0] == 2 && v[1] == 1 ? new Java8Release(232, "b09", Flavor.ADOPTOPENJDK)
                    : new Java8Release(265, "b01", Flavor.ADOPTOPENJDK);
        }
        return switch (v[1]) {
            case 0, 1, 2, 3, 4, 5, 6, 7, 8 -> new Java8Release(112, "b15", Flavor.ORACLE);
            case 9, 10 -> new Java8Release(121, "b13", Flavor.ORACLE);
            case 11 -> new Java8Release(152, "b16", Flavor.ORACLE);
            case 12 -> new Java8Release(181, "b13", Flavor.ORACLE);
            default -> new Java8Release(192, "b12", Flavor.ORACLE);
        };
    }

    /** {@code 1.8.0_192} */
    public String javaVersion() {
        return "1.8.0_" + update;
    }

    /** What {@code java -version} prints on stderr. */
    public List<String> versionText() {
        String runtime = javaVersion() + "-" + build;
        String vm = "25." + update + "-" + build;
        return switch (flavor) {
            case ORACLE -> List.of("java version \"" + javaVersion() + "\"",
                    "Java(TM) SE Runtime Environment (build " + runtime + ")",
                    "Java HotSpot(TM) 64-Bit Server VM (build " + vm + ", mixed mode)");
            case OPENJDK_RI -> List.of("openjdk version \"" + javaVersion() + "\"",
                    "OpenJDK Runtime Environment (build " + runtime + ")",
                    "OpenJDK 64-Bit Server VM (build " + vm + ", mixed mode)");
            case ADOPTOPENJDK -> List.of("openjdk version \"" + javaVersion() + "\"",
                    "OpenJDK Runtime Environment (AdoptOpenJDK)(build " + runtime + ")",
                    "OpenJDK 64-Bit Server VM (AdoptOpenJDK)(build " + vm + ", mixed mode)");
        };
    }

    /** The system properties a Java 8 program reads to learn what it runs on. */
    public Map<String, String> properties(String javaHome) {
        Map<String, String> p = new LinkedHashMap<>();
        boolean oracle = flavor == Flavor.ORACLE;
        p.put("java.version", javaVersion());
        p.put("java.runtime.version", javaVersion() + "-" + build);
        p.put("java.runtime.name", oracle ? "Java(TM) SE Runtime Environment" : "OpenJDK Runtime Environment");
        p.put("java.vm.version", "25." + update + "-" + build);
        p.put("java.vm.name", oracle ? "Java HotSpot(TM) 64-Bit Server VM" : "OpenJDK 64-Bit Server VM");
        p.put("java.vm.vendor", flavor == Flavor.ADOPTOPENJDK ? "AdoptOpenJDK" : "Oracle Corporation");
        p.put("java.vendor", flavor == Flavor.ADOPTOPENJDK ? "AdoptOpenJDK" : "Oracle Corporation");
        p.put("java.vendor.url", flavor == Flavor.ADOPTOPENJDK ? "http://adoptopenjdk.net/" : "http://java.oracle.com/");
        p.put("java.specification.version", "1.8");
        p.put("java.vm.specification.version", "1.8");
        p.put("java.class.version", "52.0");
        p.put("java.home", javaHome + "/jre");
        p.put("java.ext.dirs", javaHome + "/jre/lib/ext:/usr/java/packages/lib/ext");
        p.put("sun.boot.library.path", javaHome + "/jre/lib/amd64");
        return p;
    }

    /** Java 9+ properties that Java 8 does not have. */
    static final List<String> NEWER_PROPERTIES = List.of("java.version.date", "java.vendor.version", "jdk.debug",
            "java.vendor.url.bug", "java.vm.compressedOopsMode", "jdk.module.path", "jdk.module.main");

    /** Content of {@code <java home>/release}. */
    public String releaseFile() {
        StringBuilder b = new StringBuilder();
        b.append("JAVA_VERSION=\"").append(javaVersion()).append("\"\n");
        if (flavor == Flavor.ADOPTOPENJDK) {
            b.append("IMPLEMENTOR=\"AdoptOpenJDK\"\n");
        }
        b.append("OS_NAME=\"Linux\"\nOS_VERSION=\"2.6\"\nOS_ARCH=\"amd64\"\n");
        if (flavor == Flavor.ORACLE) {
            b.append("BUILD_TYPE=\"commercial\"\n");
        }
        return b.toString();
    }

    private static int[] majorMinor(String version) {
        String[] parts = version.split("\\.");
        try {
            return new int[] {Integer.parseInt(parts[0]),
                    parts.length > 1 ? Integer.parseInt(parts[1].replaceAll("\\D.*", "")) : 0};
        } catch (NumberFormatException e) {
            return new int[] {1, 13};
        }
    }
}
