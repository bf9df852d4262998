package io.vqtok.codebook;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.SplittableRandom;

/**
 * Online clustered codebook update (Zheng &amp; Vedaldi 2023, "Online Clustered Codebook", CVQ-VAE).
 *
 * <p>After each step: p_k ← γ p_k + (1 − γ) n_k/N (running average usage), α_k = exp(−10·K·p_k/(1 − γ) − 10⁻³),
 * e_k ← (1 − α_k) e_k + α_k a_k with a_k an anchor drawn from the batch z {@code [N, D]}. Rarely used codes
 * (α near 1) jump onto the data; well used ones (α near 0) stay where gradient or EMA training put them.
 * Works on any live codebook {@code [K, D]}; for EMA codebooks {@link #step(INDArray, EmaCodebookState, INDArray, int[])}
 * keeps the EMA sums consistent with the moved codes.
 */
public final class ClusteredCodebook {
    /** Code-to-vector distances held at once by probabilistic random anchors (16 MB of floats). */
    private static final long PROBRANDOM_BLOCK_ELEMENTS = 4L << 20;
    private final ClusteredCodebookConfig config;
    private final long seed;

    /** {@code seed} keys the random anchors of each step ({@link StepRandom}). */
    public ClusteredCodebook(ClusteredCodebookConfig config, long seed) {
        this.config = config;
        this.seed = seed;
    }

    public ClusteredCodebookConfig config() {
        return config;
    }

    /** Decay weights α {@code [K]} of usage p {@code [K]}. */
    public INDArray decayWeights(INDArray usage) {
        int k = (int) usage.length();
        double scale = 10.0 * k / (1 - config.gamma());
        return Transforms.exp(usage.mul(-scale).subi(1e-3), false);
    }

    /**
     * Updates usage with the batch and moves the codes towards their anchors, drawn (for random anchors) with the
     * generator of optimizer step {@code step}.
     *
     * @return the weights α used, {@code [K]}
     */
    public INDArray step(long step, INDArray codebook, INDArray usage, INDArray z, int[] indices) {
        int k = (int) codebook.size(0);
        int[] counts = Assignments.bincount(indices, k);
        float[] p = usage.toFloatVector();
        double g = config.gamma();
        for (int i = 0; i < k; i++) p[i] = (float) (g * p[i] + (1 - g) * counts[i] / (double) indices.length);
        usage.assign(Nd4j.createFromArray(p).reshape(usage.shape()));
        INDArray alpha = decayWeights(usage);
        INDArray anchors = anchors(codebook, z.castTo(codebook.dataType()), StepRandom.of(seed, step));
        INDArray a = alpha.reshape(k, 1);
        codebook.muliColumnVector(a.rsub(1.0)).addi(anchors.mulColumnVector(a));
        return alpha;
    }

    /** As {@link #step(long, INDArray, INDArray, INDArray, int[])} for an EMA codebook: its sums follow the moved codes. */
    public INDArray step(long step, INDArray usage, EmaCodebookState ema, INDArray z, int[] indices) {
        INDArray alpha = step(step, ema.codebook(), usage, z, indices);
        ema.embedSum().assign(ema.codebook().mulColumnVector(ema.clusterSize().reshape(ema.clusterSize().length(), 1)));
        return alpha;
    }

    /** One anchor per code {@code [K, D]} drawn from z {@code [N, D]} by the configured rule, random ones from {@code random}. */
    public INDArray anchors(INDArray codebook, INDArray z, SplittableRandom random) {
        int k = (int) codebook.size(0);
        int n = (int) z.size(0);
        int[] rows = new int[k];
        switch (config.anchor()) {
            case CLOSEST -> rows = Distances.nearest(codebook, z).toIntVector();
            case RANDOM -> {
                for (int i = 0; i < k; i++) rows[i] = random.nextInt(n);
            }
            case PROBRANDOM -> {
                // the softmin over the batch needs every code-to-vector distance: computed for a bounded block of codes at a time
                int block = (int) Math.max(1, Math.min(k, PROBRANDOM_BLOCK_ELEMENTS / Math.max(1, n)));
                for (int start = 0; start < k; start += block) {
                    int end = Math.min(k, start + block);
                    INDArray codes = codebook.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(start, end), org.nd4j.linalg.indexing.NDArrayIndex.all());
                    float[][] dist = Distances.squared(codes, z).toFloatMatrix();   // [block, N]
                    for (int i = start; i < end; i++) rows[i] = sampleSoftmin(dist[i - start], random);
                }
            }
            case NONE -> throw new IllegalStateException("online clustering is disabled");
        }
        return Nd4j.pullRows(z, 1, rows).castTo(DataType.FLOAT);
    }

    /** Index drawn with probability ∝ exp(−d_i), computed stably. */
    private static int sampleSoftmin(float[] d, SplittableRandom random) {
        double min = Double.MAX_VALUE;
        for (float v : d) min = Math.min(min, v);
        double total = 0;
        double[] w = new double[d.length];
        for (int i = 0; i < d.length; i++) total += (w[i] = Math.exp(-(d[i] - min)));
        double u = random.nextDouble() * total;
        for (int i = 0; i < d.length; i++) {
            u -= w[i];
            if (u <= 0) return i;
        }
        return d.length - 1;
    }
}
