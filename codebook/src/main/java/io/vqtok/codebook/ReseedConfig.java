package io.vqtok.codebook;

/**
 * Dead-code reseeding settings (SoundStream/EnCodec threshold replacement).
 *
 * @param threshold a code is dead when its EMA usage falls below {@code threshold} times the uniform
 *                  share N/K of a batch of N vectors (0 disables reseeding); relative, so one value
 *                  serves any codebook size and batch
 * @param decay     decay of the usage EMA (for EMA codebooks their own cluster sizes are used)
 * @param interval  check for dead codes every {@code interval} optimizer steps
 */
public record ReseedConfig(double threshold, double decay, int interval) {
    public static final ReseedConfig OFF = new ReseedConfig(0, 0.99, 1);

    public ReseedConfig {
        if (!(threshold >= 0 && threshold < 1))
            throw new IllegalArgumentException("dead-code threshold must be in [0, 1) (fraction of the uniform share), got " + threshold);
        if (!(decay > 0 && decay < 1)) throw new IllegalArgumentException("usage decay must be in (0, 1), got " + decay);
        if (interval < 1) throw new IllegalArgumentException("reseed interval must be >= 1, got " + interval);
    }

    /** Threshold replacement with the given threshold, usage decay 0.99, checked every step. */
    public static ReseedConfig threshold(double threshold) {
        return new ReseedConfig(threshold, 0.99, 1);
    }

    public boolean enabled() {
        return threshold > 0;
    }
}
