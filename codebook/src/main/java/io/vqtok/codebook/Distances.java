package io.vqtok.codebook;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.indexaccum.custom.ArgMin;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

/**
 * Squared Euclidean distances and nearest-code search between vectors z {@code [N, D]} and codes
 * e {@code [K, D]}, computed as ‖z‖² − 2 z eᵀ + ‖e‖² with ND4J ops (any backend).
 *
 * <p>The search never materialises the N×K score matrix: rows go through in chunks whose scores fit a
 * cache-sized scratch buffer ({@value #CHUNK_ELEMENTS} floats), each chunk one matrix product into that buffer and one
 * argmin. The scratch buffers are kept per thread and reused from call to call: on this stack a fresh off-heap
 * allocation (and its first-touch page faults) costs more than the arithmetic done in it.
 */
public final class Distances {
    /** At most this many scores are held at once per thread (16 MB of floats). */
    static final long CHUNK_ELEMENTS = 4L << 20;
    /** ... and at most this many rows, so small codebooks do not get huge row buffers. */
    static final int MAX_CHUNK_ROWS = 8192;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Distances() {
    }

    /** Squared distances {@code [N, K]}. */
    public static INDArray squared(INDArray z, INDArray codes) {
        checkShapes(z, codes);
        INDArray zz = z.mul(z).sum(true, 1);                           // [N,1]
        INDArray ee = codes.mul(codes).sum(true, 1).reshape(1, codes.size(0)); // [1,K]
        INDArray d = z.mmul(codes.transpose()).muli(-2.0);             // [N,K]
        d.addiColumnVector(zz);
        d.addiRowVector(ee);
        return d;
    }

    /**
     * Index of the nearest code for each row of z, as an INT32 array {@code [N]}: argmin of ‖e‖² − 2 z·e
     * (‖z‖² does not change the winner), computed in bounded chunks of rows.
     */
    public static INDArray nearest(INDArray z, INDArray codes) {
        return Nd4j.createFromArray(nearestIndices(z, codes));
    }

    /** As {@link #nearest}, on the host: the index of the nearest code of each row of z. */
    public static int[] nearestIndices(INDArray z, INDArray codes) {
        checkShapes(z, codes);
        INDArray c = codes.castTo(DataType.FLOAT);
        // [−2e, ‖e‖²] {@code [K, D+1]}: with rows [z, 1] one product gives ‖e‖² − 2 z·e
        return argminAffine(z, Nd4j.hstack(c.mul(-2.0), c.mul(c).sum(true, 1)));
    }

    /** Index of the code with the largest inner product z·e for each row of z, INT32 {@code [N]}. */
    public static INDArray largestInnerProduct(INDArray z, INDArray codes) {
        checkShapes(z, codes);
        INDArray c = codes.castTo(DataType.FLOAT);
        return Nd4j.createFromArray(argminAffine(z, Nd4j.hstack(c.neg(), Nd4j.zeros(DataType.FLOAT, c.size(0), 1))));
    }

    /** Rows of x scaled to unit l2 norm (rows of norm below 1e-8 divided by 1e-8), as a new array. */
    public static INDArray normalizeRows(INDArray x) {
        INDArray norms = x.norm2(true, 1);
        org.nd4j.linalg.ops.transforms.Transforms.max(norms, 1e-8, false);
        return x.divColumnVector(norms);
    }

    /** argmin_k of [z, 1]·a_kᵀ for the rows a_k of {@code augmented} {@code [K, D+1]}, chunked. */
    private static int[] argminAffine(INDArray z, INDArray augmented) {
        int n = Math.toIntExact(z.size(0));
        int d = Math.toIntExact(z.size(1));
        int k = Math.toIntExact(augmented.size(0));
        int[] out = new int[n];
        if (n == 0) return out;
        int capacity = (int) Math.max(1, Math.min(MAX_CHUNK_ROWS, CHUNK_ELEMENTS / k));
        Scratch s = SCRATCH.get().ensure(capacity, d, k);
        INDArray codesT = augmented.transpose().dup('c');             // [D+1, K]
        INDArray zf = z.castTo(DataType.FLOAT);
        for (int start = 0; start < n; start += capacity) {
            int r = Math.min(capacity, n - start);
            INDArray in = s.rowsWithOne.get(NDArrayIndex.interval(0, r), NDArrayIndex.all());
            INDArray scores = s.scores.get(NDArrayIndex.interval(0, r), NDArrayIndex.all());
            INDArray best = s.best.get(NDArrayIndex.interval(0, r));
            in.get(NDArrayIndex.all(), NDArrayIndex.interval(0, d)).assign(r == n ? zf : zf.get(NDArrayIndex.interval(start, start + r), NDArrayIndex.all()));
            Nd4j.gemm(in, codesT, scores, false, false, 1.0, 0.0);
            Nd4j.exec(new ArgMin(new INDArray[]{scores}, new INDArray[]{best}, false, 1));
            long[] v = best.toLongVector();
            for (int i = 0; i < r; i++) out[start + i] = (int) v[i];
        }
        return out;
    }

    /** One thread's reusable buffers: up to {@code capacity} rows [z, 1], their scores and the winners. */
    private static final class Scratch {
        private INDArray rowsWithOne, scores, best;

        Scratch ensure(int capacity, int d, int k) {
            if (scores == null || scores.size(0) != capacity || scores.size(1) != k || rowsWithOne.size(1) != d + 1) {
                scores = null;   // let the old buffer go before the new one is allocated
                rowsWithOne = Nd4j.ones(DataType.FLOAT, capacity, d + 1);
                scores = Nd4j.create(DataType.FLOAT, capacity, k);
                best = Nd4j.create(DataType.INT64, capacity);
            }
            return this;
        }
    }

    private static void checkShapes(INDArray z, INDArray codes) {
        if (z.rank() != 2 || codes.rank() != 2 || z.size(1) != codes.size(1))
            throw new IllegalArgumentException("expected z [N, D] and codes [K, D], got z "
                    + Arrays.toString(z.shape()) + " and codes " + Arrays.toString(codes.shape()));
    }
}
