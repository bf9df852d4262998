package io.vqtok.codebook;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.SplittableRandom;

/**
 * Times the exact nearest-code search ({@link Distances#nearestIndices}) on random data: N vectors against K codes of
 * dimension D, the best of several repeats after one warm-up, as FAISS's exact search is timed for comparison.
 */
public final class SearchBenchmark {
    private SearchBenchmark() {
    }

    /**
     * What one measurement found.
     *
     * @param vectorsPerSecond query vectors searched per second (best repeat)
     * @param gflops           2·N·K·D floating-point operations of the distance products per second, in 10⁹
     * @param seconds          wall time of the best repeat
     */
    public record Result(int codebookSize, int dim, int vectors, int repeats, double vectorsPerSecond, double gflops, double seconds) {
    }

    /** Searches {@code vectors} U(−1, 1) vectors among {@code codebookSize} U(−1, 1) codes, {@code repeats} times. */
    public static Result run(int codebookSize, int dim, int vectors, int repeats, long seed) {
        if (codebookSize < 1 || dim < 1 || vectors < 1 || repeats < 1)
            throw new IllegalArgumentException("codebook size, dimension, vectors and repeats must be >= 1, got "
                    + codebookSize + ", " + dim + ", " + vectors + ", " + repeats);
        SplittableRandom r = new SplittableRandom(seed);
        INDArray codes = RandomArrays.uniform(r, 1.0, codebookSize, dim);
        INDArray z = RandomArrays.uniform(r, 1.0, vectors, dim);
        Distances.nearestIndices(z.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, Math.min(vectors, 1000)),
                org.nd4j.linalg.indexing.NDArrayIndex.all()), codes);                         // warm-up
        double best = Double.MAX_VALUE;
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            Distances.nearestIndices(z, codes);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        double flops = 2.0 * vectors * (double) codebookSize * dim;
        return new Result(codebookSize, dim, vectors, repeats, vectors / best, flops / best / 1e9, best);
    }

    /** The best measured rate of two product shapes, [4096, 64]·[64, 8192] (the search's) and 1024³, in 10⁹ FLOP/s. */
    public static double peakGflops() {
        return Math.max(sgemmGflops(4096, 64, 8192, 5), sgemmGflops(1024, 1024, 1024, 5));
    }

    /**
     * The machine's measured matrix-product rate, in 10⁹ FLOP/s: the best of {@code repeats} single-precision products
     * [m, k]·[k, n] through the same BLAS the search uses (the yardstick for "fraction of the compute limit").
     */
    public static double sgemmGflops(int m, int k, int n, int repeats) {
        SplittableRandom r = new SplittableRandom(1);
        INDArray a = RandomArrays.uniform(r, 1.0, m, k), b = RandomArrays.uniform(r, 1.0, k, n);
        INDArray c = org.nd4j.linalg.factory.Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, m, n);
        org.nd4j.linalg.factory.Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
        double best = Double.MAX_VALUE;
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            org.nd4j.linalg.factory.Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return 2.0 * m * (double) k * n / best / 1e9;
    }
}
