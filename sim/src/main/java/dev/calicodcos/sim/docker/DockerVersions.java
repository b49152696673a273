package dev.calicodcos.sim.docker;

/** Docker engine version facts: API version per release, and when the cluster store went away. */
final class DockerVersions {
    private DockerVersions() {}

    static int major(String version) {
        try {
            return Integer.parseInt(version.split("\\.")[0]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static int minor(String version) {
        String[] parts = version.split("\\.");
        try {
            return parts.length > 1 ? Integer.parseInt(parts[1].replaceAll("[^0-9].*", "")) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Docker 23.0 removed {@code cluster-store}, {@code cluster-advertise} and {@code cluster-store-opts}. */
    static boolean hasClusterStore(String version) {
        return major(version) < 23;
    }

    /**
     * Whether a SIGHUP reload applies a changed {@code cluster-store}. Docker 17/18 reconfigured cluster
     * discovery on reload; Docker 20.10 (Debian's docker.io, checked by the node agent's integration
     * tests against the real engine) keeps the store it started with until it restarts.
     */
    static boolean reloadAppliesClusterStore(String version) {
        return major(version) < 20;
    }

    static String apiVersion(String version) {
        int major = major(version);
        int minor = minor(version);
        if (major >= 23) {
            return switch (major) {
                case 23 -> "1.42";
                case 24 -> "1.43";
                case 25 -> "1.44";
                case 26 -> "1.45";
                default -> "1.47";
            };
        }
        if (major >= 17) {
            int code = major * 100 + minor;
            if (code >= 2010) return "1.41";
            if (code >= 1903) return "1.40";
            if (code >= 1809) return "1.39";
            if (code >= 1806) return "1.37";
            if (code >= 1803) return "1.37";
            if (code >= 1712) return "1.35";
            if (code >= 1709) return "1.32";
            if (code >= 1706) return "1.30";
            return "1.27";
        }
        return switch (minor) {
            case 13 -> "1.25";
            case 12 -> "1.24";
            case 11 -> "1.23";
            default -> "1.22";
        };
    }
}
