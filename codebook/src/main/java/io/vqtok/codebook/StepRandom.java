package io.vqtok.codebook;

import java.util.SplittableRandom;

/**
 * Random generators keyed by (seed, step): the randomness a training step uses is a pure function of the run's
 * seed and the step number, so a run resumed from a checkpoint at any step draws exactly what the uninterrupted run
 * drew, with no generator state to save.
 */
public final class StepRandom {
    private StepRandom() {
    }

    /** A generator for step {@code step} of the stream identified by {@code seed}; equal arguments give equal streams. */
    public static SplittableRandom of(long seed, long step) {
        return new SplittableRandom(mix(mix(seed) + 0x9E3779B97F4A7C15L * (step + 1)));
    }

    /** Stafford's variant 13 of the MurmurHash3 finaliser: a bijection of 64-bit values that spreads every bit. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
