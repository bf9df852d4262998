package io.vqtok.datasets;

/**
 * Thrown when a dataset (or one of its files) does not exist; the message says where it was looked for
 * and how to obtain it.
 */
public class DatasetNotFoundException extends DatasetException {

    /**
     * Creates the exception.
     *
     * @param message where the dataset was looked for and how to get it
     */
    public DatasetNotFoundException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message where the dataset was looked for and how to get it
     * @param cause the underlying exception
     */
    public DatasetNotFoundException(String message, Throwable cause) {
        super(message, cause);
    }
}
