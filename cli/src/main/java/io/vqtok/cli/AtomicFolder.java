package io.vqtok.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/** Writes a folder of outputs into a hidden temporary sibling, renamed into place only when every file is written. */
final class AtomicFolder {
    private AtomicFolder() {
    }

    /** Fills a folder. */
    @FunctionalInterface
    interface Writer {
        void write(Path folder) throws IOException;
    }

    /** Writes {@code target} (which must not exist, or be an empty folder) through {@code writer}; nothing is left on failure. */
    static void write(Path target, Writer writer) throws IOException {
        Path t = target.toAbsolutePath();
        if (Files.exists(t) && (!Files.isDirectory(t) || hasFiles(t)))
            throw new IllegalArgumentException(target + " exists and is not an empty folder");
        Files.createDirectories(t.getParent());
        Path tmp = Files.createTempDirectory(t.getParent(), "." + t.getFileName() + ".");
        try {
            writer.write(tmp);
            if (Files.isDirectory(t)) Files.delete(t);
            Files.move(tmp, t, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(tmp)) deleteTree(tmp);
        }
    }

    private static boolean hasFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isPresent();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
