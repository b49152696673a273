package dev.calicodcos.reconcilers.host;

/** How a host program ended. */
public record CommandResult(int exitCode, String stdout, String stderr) {
    public boolean succeeded() {
        return exitCode == 0;
    }
}
