package io.vqtok.codebook;

import java.util.SplittableRandom;

/** Draws row indices of an {@code [N, D]} batch: distinct while possible, then starting over. */
final class RandomRows {
    private RandomRows() {
    }

    /** {@code count} row indices in [0, n), distinct for the first n, by a partial Fisher–Yates shuffle. */
    static int[] draw(int n, int count, SplittableRandom random) {
        if (n < 1) throw new IllegalArgumentException("cannot draw rows from an empty batch");
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        int[] rows = new int[count];
        for (int i = 0; i < count; i++) {
            int slot = i % n;
            int j = slot + random.nextInt(n - slot);
            int t = perm[slot];
            perm[slot] = perm[j];
            perm[j] = t;
            rows[i] = perm[slot];
        }
        return rows;
    }
}
