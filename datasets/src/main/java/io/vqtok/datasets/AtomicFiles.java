package io.vqtok.datasets;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file through a temporary file in the same directory that is then renamed atomically, so readers
 * never see a partial file. Public so that the sub-packages (e.g. {@code io.vqtok.datasets.audio}) share it.
 */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    /** Writes the content of a file. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Writes the whole content.
         *
         * @param out the (buffered) stream to the temporary file; closed by the caller
         * @throws IOException if writing fails; the target is then left as it was
         */
        void write(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code file} atomically: the content goes to a hidden temporary file next to it, which replaces
     * {@code file} only once complete; on any failure the temporary file is deleted and {@code file} is left
     * as it was. Missing parent directories are created.
     *
     * @param file the target
     * @param writer produces the content
     * @throws UncheckedIOException if writing or renaming fails
     */
    public static void write(Path file, Writer writer) {
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current()
                .nextLong()) + ".tmp");
        boolean done = false;
        try {
            Files.createDirectories(dir);
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp,
                    StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 16)) {
                writer.write(out);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (!done) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort; the original failure is what matters
                }
            }
        }
    }
}
