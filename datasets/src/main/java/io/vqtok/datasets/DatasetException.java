package io.vqtok.datasets;

/**
 * Unchecked exception for every bad-input problem met while reading a dataset: a malformed or truncated
 * file, an unsupported format, inconsistent image sizes and the like. The message always names the file
 * (or other thing) at fault and says what was expected, so it can be shown to a user as it is.
 */
public class DatasetException extends RuntimeException {

    /**
     * Creates an exception with a user-facing message.
     *
     * @param message what is wrong, naming the file and what was expected
     */
    public DatasetException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a user-facing message and the low-level cause.
     *
     * @param message what is wrong, naming the file and what was expected
     * @param cause the underlying exception (often an {@link java.io.IOException})
     */
    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
