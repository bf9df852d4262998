package io.vqtok.codebook;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * Ways to initialise a codebook {@code [K, D]}: uniform (±1/K, as in the original VQ-VAE code), Gaussian,
 * sampled from encoder outputs, or k-means (Lloyd) over encoder outputs. All draws come from a seeded
 * host generator, so the same seed gives the same codebook on any backend.
 */
public enum CodebookInit {
    /** U(−1/K, 1/K). */
    UNIFORM,
    /** N(0, 1/D). */
    NORMAL,
    /** Distinct random rows of the first batch of encoder outputs (uniform until that batch is seen). */
    DATA,
    /** k-means over the first batch of encoder outputs, started from DATA (uniform until then). */
    KMEANS;

    /** The initial codebook before any data is seen. */
    public INDArray initial(int k, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        if (this != NORMAL) return RandomArrays.uniform(r, 1.0 / k, k, d);
        float[] v = new float[k * d];
        double std = 1.0 / Math.sqrt(d);
        for (int i = 0; i < v.length; i++) v[i] = (float) (gaussian(r) * std);
        return Nd4j.create(v, new long[]{k, d}, DataType.FLOAT);
    }

    /** Whether this initialisation needs a batch of encoder outputs. */
    public boolean needsData() {
        return this == DATA || this == KMEANS;
    }

    /**
     * The codebook fitted to encoder outputs z {@code [N, D]}: sampled rows for DATA, Lloyd iterations for
     * KMEANS; UNIFORM and NORMAL return null (nothing to do).
     */
    public INDArray fromData(INDArray z, int k, long seed, int kmeansIterations) {
        if (!needsData()) return null;
        INDArray sampled = sampleRows(z, k, seed);
        return this == KMEANS ? kmeans(z, sampled, kmeansIterations) : sampled;
    }

    /** K rows of z, distinct while N ≥ K, with small jitter on repeats so no two codes coincide. */
    public static INDArray sampleRows(INDArray z, int k, long seed) {
        int n = (int) z.size(0);
        SplittableRandom r = new SplittableRandom(seed);
        int[] rows = RandomRows.draw(n, k, r);
        INDArray out = Nd4j.pullRows(z, 1, rows).castTo(DataType.FLOAT);
        if (k > n) {
            double scale = 1e-3 * Math.max(1e-6, z.std(true, 0).meanNumber().doubleValue());
            float[] noise = new float[(k - n) * (int) z.size(1)];
            for (int i = 0; i < noise.length; i++) noise[i] = (float) (gaussian(r) * scale);
            INDArray tail = out.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(n, k), org.nd4j.linalg.indexing.NDArrayIndex.all());
            tail.addi(Nd4j.create(noise, new long[]{k - n, z.size(1)}, DataType.FLOAT));
        }
        return out;
    }

    /** Lloyd iterations from the given centroids; empty clusters keep their centroid. */
    public static INDArray kmeans(INDArray z, INDArray centroids, int iterations) {
        if (iterations < 0) throw new IllegalArgumentException("k-means iterations must be >= 0, got " + iterations);
        INDArray c = centroids.dup();
        int k = (int) c.size(0);
        for (int it = 0; it < iterations; it++) {
            int[] idx = Distances.nearest(z, c).toIntVector();
            Assignments a = Assignments.of(z, idx, k);
            float[] counts = a.counts().toFloatVector();
            INDArray means = a.sums().divColumnVector(a.counts().reshape(k, 1).add(1e-12));
            for (int j = 0; j < k; j++) if (counts[j] > 0) c.putRow(j, means.getRow(j));
        }
        return c;
    }

    private static double gaussian(SplittableRandom r) {
        double u1 = r.nextDouble(), u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(Math.max(u1, 1e-300))) * Math.cos(2 * Math.PI * u2);
    }
}
