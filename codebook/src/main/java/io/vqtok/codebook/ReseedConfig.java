package io.vqtok.codebook;

/**
 * Dead-code reseeding settings (SoundStream/EnCodec threshold replacement).
 *
 * @param threshold a code is dead when its EMA usage falls below {@code threshold} times the uniform
 *                  share N/K of a batch of N vectors (0 disables reseeding); relative, so one value
 *                  serves any codebook size and batch
 * @param decay     decay of the usage EMA (for EMA codebooks their own cluster sizes are used)
 * @param interval  check for dead codes every {@code interval} optimizer steps
 * @param grace     EMA codebooks: the steps a data-initialised code may go unused before it is dead. Its cluster size
 *                  starts at threshold · N/K / decay^grace, N/K the first batch's share, with its EMA sum scaled to
 *                  match, instead of 1 (0, the default: 1, as if each code had been assigned one vector; with the speech
 *                  preset's 400 vectors a batch for 1024 codes that is 2.6 shares, and unused codes wait 213 steps)
 */
public record ReseedConfig(double threshold, double decay, int interval, int grace) {
    public static final ReseedConfig OFF = new ReseedConfig(0, 0.99, 1);

    public ReseedConfig {
        if (!(threshold >= 0 && threshold < 1))
            throw new IllegalArgumentException("dead-code threshold must be in [0, 1) (fraction of the uniform share), got " + threshold);
        if (!(decay > 0 && decay < 1)) throw new IllegalArgumentException("usage decay must be in (0, 1), got " + decay);
        if (interval < 1) throw new IllegalArgumentException("reseed interval must be >= 1, got " + interval);
        if (grace < 0) throw new IllegalArgumentException("reseed grace must be >= 0 steps, got " + grace);
    }

    /** Initial codes counted as assigned once (no grace). */
    public ReseedConfig(double threshold, double decay, int interval) {
        this(threshold, decay, interval, 0);
    }

    /** The same with data-initialised codes of an EMA codebook dead after {@code steps} unused steps. */
    public ReseedConfig withGrace(int steps) {
        return new ReseedConfig(threshold, decay, interval, steps);
    }

    /** Threshold replacement with the given threshold, usage decay 0.99, checked every step. */
    public static ReseedConfig threshold(double threshold) {
        return new ReseedConfig(threshold, 0.99, 1);
    }

    public boolean enabled() {
        return threshold > 0;
    }
}
