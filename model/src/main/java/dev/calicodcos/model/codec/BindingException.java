package dev.calicodcos.model.codec;

/** A checked tree holds a value its Java type cannot take; {@link #path()} says where, as messages print paths. */
public final class BindingException extends Exception {
    private final String path;

    public BindingException(String path, String message) {
        super(message);
        this.path = path;
    }

    public String path() {
        return path;
    }
}
