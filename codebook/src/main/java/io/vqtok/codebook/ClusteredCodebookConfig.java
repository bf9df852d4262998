package io.vqtok.codebook;

/**
 * Settings of the online clustered codebook (CVQ-VAE, Zheng &amp; Vedaldi 2023): every step, each code is
 * pulled towards an anchor drawn from the batch's encoder outputs, the more the less it is used.
 *
 * @param gamma  decay γ of the running average usage p_k (0.99 in the paper)
 * @param anchor how each code's anchor is chosen from the batch
 */
public record ClusteredCodebookConfig(double gamma, Anchor anchor) {
    /** Disabled. */
    public static final ClusteredCodebookConfig OFF = new ClusteredCodebookConfig(0.99, Anchor.NONE);

    /** How anchors are drawn from the batch z {@code [N, D]}. */
    public enum Anchor {
        /** Online clustering disabled. */
        NONE,
        /**
         * The batch vector closest to the code. Dead codes far from the data share the same few nearest vectors and
         * land on top of each other, so at large K many of them stay dead (Fashion-MNIST, K=2048, 1000 steps: 0.42 of the
         * codes used, against 0.99 with {@link #RANDOM}).
         */
        CLOSEST,
        /** A uniformly random batch vector: dead codes spread over the data (the CLI default). */
        RANDOM,
        /** A batch vector drawn with probability softmax(−‖z − e_k‖²) over the batch. */
        PROBRANDOM
    }

    public ClusteredCodebookConfig {
        if (!(gamma > 0 && gamma < 1)) throw new IllegalArgumentException("CVQ usage decay gamma must be in (0, 1), got " + gamma);
        if (anchor == null) throw new IllegalArgumentException("CVQ anchor is required (NONE to disable)");
    }

    public static ClusteredCodebookConfig of(Anchor anchor) {
        return new ClusteredCodebookConfig(0.99, anchor);
    }

    public boolean enabled() {
        return anchor != Anchor.NONE;
    }
}
