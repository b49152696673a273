package dev.calicodcos.model.codec;

import java.util.Optional;

/** The input is not a readable document: syntax error, duplicate key, alias, tag, too large, empty. */
public final class DocumentException extends Exception {
    private final transient SourceLocation location;

    public DocumentException(String message, SourceLocation location) {
        super(message);
        this.location = location;
    }

    public Optional<SourceLocation> location() {
        return Optional.ofNullable(location);
    }
}
