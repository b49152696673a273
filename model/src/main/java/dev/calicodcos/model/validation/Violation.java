package dev.calicodcos.model.validation;

/**
 * One thing wrong with a spec, at a path such as {@code spec.rollout.maxConcurrentRestarts}.
 * Warnings do not make a spec invalid.
 */
public record Violation(String path, String message, Severity severity) {

    public enum Severity { ERROR, WARNING }

    public static Violation error(String path, String message) {
        return new Violation(path, message, Severity.ERROR);
    }

    public static Violation warning(String path, String message) {
        return new Violation(path, message, Severity.WARNING);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    @Override
    public String toString() {
        return path + ": " + message;
    }
}
