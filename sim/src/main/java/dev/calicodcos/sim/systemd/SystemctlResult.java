package dev.calicodcos.sim.systemd;

/** Answer of one {@code systemctl} call: exit code, stdout, stderr. */
public record SystemctlResult(int exitCode, String stdout, String stderr) {
    public static SystemctlResult ok(String stdout) {
        return new SystemctlResult(0, stdout, "");
    }

    public static SystemctlResult error(int exitCode, String stderr) {
        return new SystemctlResult(exitCode, "", stderr);
    }

    /** The same answer with a line put in front of stderr (systemctl's warnings come first). */
    public SystemctlResult withWarning(String warning) {
        return new SystemctlResult(exitCode, stdout, stderr.isEmpty() ? warning : warning + "\n" + stderr);
    }

    /** Body for the fake systemctl script: exit code, then O:/E: prefixed lines. */
    public String wire() {
        StringBuilder b = new StringBuilder().append(exitCode).append('\n');
        stdout.lines().forEach(l -> b.append("O:").append(l).append('\n'));
        stderr.lines().forEach(l -> b.append("E:").append(l).append('\n'));
        return b.toString();
    }
}
