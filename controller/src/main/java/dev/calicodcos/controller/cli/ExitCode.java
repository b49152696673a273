package dev.calicodcos.controller.cli;

/** Exit codes pipelines can rely on. */
public final class ExitCode {
    public static final int OK = 0;
    /** Invalid input, a conflict, or an operation that failed. */
    public static final int FAILED = 1;
    /** {@code diff}: 1 means "differences", so errors use 2 (as {@code flux diff} does). */
    public static final int DIFF_ERROR = 2;
    /** {@code status --wait} (and the demo): not Ready before the timeout. */
    public static final int TIMEOUT = 2;
    /**
     * A command line that names no command or option of this CLI (picocli's usage error): 2, so that
     * a typo never reads as {@code diff}'s "there are differences" (1).
     */
    public static final int USAGE = 2;
    /** {@code node --jar-sha256}: the jar is not the one the controller launched the task with. */
    public static final int WRONG_JAR = 3;

    private ExitCode() {}
}
