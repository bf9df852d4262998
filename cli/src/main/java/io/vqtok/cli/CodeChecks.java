package io.vqtok.cli;

import java.nio.file.Path;

/** Checks on code-index files read from disk, with errors that name the file and the offending entry. */
final class CodeChecks {
    private CodeChecks() {
    }

    /** Fails unless every code in {@code codes} (read from {@code file}) lies in [0, codebookSize). */
    static void checkRange(Path file, int[] codes, int codebookSize) {
        for (int i = 0; i < codes.length; i++) {
            int v = codes[i];
            if (v < 0 || v >= codebookSize)
                throw new IllegalArgumentException(file + ": code index " + v + " at flat index " + i + " out of range [0, "
                        + codebookSize + ")");
        }
    }
}
