package dev.calicodcos.model.codec;

/** A 1-based line and column in the user's file. */
public record SourceLocation(int line, int column) {
    @Override
    public String toString() {
        return line + ":" + column;
    }
}
