package io.vqtok.autoencoders;

/** A model file that cannot be read: not a vqtok model, truncated, corrupt, or of a newer format. */
public class ModelFormatException extends RuntimeException {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
