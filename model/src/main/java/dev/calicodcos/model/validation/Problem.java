package dev.calicodcos.model.validation;

import dev.calicodcos.model.codec.SourceLocation;
import java.util.Optional;

/** A message for the user, with where in their file it applies when we know. */
public record Problem(Optional<SourceLocation> location, String text, Violation.Severity severity) {

    /** {@code FILE:LINE:COLUMN: text}, or {@code FILE: text} when the position is unknown. */
    public String format(String file) {
        String prefix = severity == Violation.Severity.WARNING ? "warning: " : "";
        return location.map(at -> file + ":" + at.line() + ":" + at.column() + ": ").orElse(file + ": ") + prefix + text;
    }
}
