package io.vqtok.codebook;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.indexaccum.custom.ArgMax;
import org.nd4j.linalg.api.ops.impl.transforms.custom.CumSum;
import org.nd4j.linalg.api.ops.impl.transforms.floating.Sqrt;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.SplittableRandom;

/**
 * Optimal-transport assignment of N vectors to K codes with uniform marginals, by Sinkhorn iterations
 * (Cuturi 2013), as used by OptVQ (Zhang et al. 2024).
 *
 * <p>The cost is the Euclidean distance A = ‖z − e‖ {@code [N, K]} (as in OptVQ's code, not its square), normalised
 * over the whole matrix, A ← (A − mean)/std, A ← A − min; the plan starts as Q = exp(−ε·A) and each iteration scales
 * its columns to sum 1/K, then its rows to sum 1/N. The assignment of row n is argmax_k of the plan.
 *
 * <p>Stabilised so that no code is lost to float underflow: a plan is unchanged by scaling a row or a column of its
 * kernel, so the kernel is kept as P = exp(−(ε/std)·(A_nk − c_k − r_n)) with c_k the column minima and r_n the row minima
 * of A − c. Every entry is at most 1 and every row and column has an entry equal to 1, however far a code lies from
 * the batch (plain exp(−ε·A) underflows to whole zero columns at large K). The plan is diag(u)·P·diag(v); the first
 * column scaling starts from u_n = exp(−(ε/std)·r_n), which makes every iterate equal to the unstabilised one in exact
 * arithmetic. The mean and min of the normalisation shift every entry alike and so drop out.
 *
 * <p>Memory: one N×K float matrix (the kernel, which the method needs) and buffers of O(N + K), kept between calls of
 * the same shape.
 */
public final class SinkhornAssignment {
    /** Added to every marginal before dividing by it. */
    public static final double TINY = 1e-30;
    /** OptVQ's ε, used by the automatic choice where a batch has at least as many vectors as codes. */
    public static final double EPSILON_MANY_VECTORS = 10;
    /** The automatic choice's ε where a batch has fewer vectors than codes. */
    public static final double EPSILON_FEW_VECTORS = 100;
    /** Entries per block of rows in the column-minimum reduction (16 MB of floats). */
    private static final long BLOCK_ELEMENTS = 4L << 20;
    private final double epsilon;
    private final int iterations;
    private final boolean warmStart;
    private double[] columnDual;  // g_k of the last call (log column scaling of exp(−s·A)), for a warm start
    private INDArray kernel;      // [N, K], reused between calls of the same shape
    private INDArray blockMin;    // [block rows / 2, K]

    public SinkhornAssignment(double epsilon, int iterations) {
        this(epsilon, iterations, false);
    }

    /**
     * @param warmStart start each call's scalings from the column scaling the previous call ended with (when the code
     *                  count matches): successive batches of one data distribution share the fixed point, so the
     *                  iterations of many steps add up instead of each call starting cold
     */
    public SinkhornAssignment(double epsilon, int iterations, boolean warmStart) {
        if (!(epsilon >= 0 && Double.isFinite(epsilon)))
            throw new IllegalArgumentException("Sinkhorn epsilon must be > 0, or 0 for the automatic choice, got " + epsilon);
        if (iterations < 1) throw new IllegalArgumentException("Sinkhorn iterations must be >= 1, got " + iterations);
        this.epsilon = epsilon;
        this.iterations = iterations;
        this.warmStart = warmStart;
    }

    /**
     * The column duals the last call ended with (what a warm start starts from), a copy; null before the first call or
     * without warm start.
     */
    public double[] columnDual() {
        return columnDual == null ? null : columnDual.clone();
    }

    /** Restores column duals saved by {@link #columnDual()} (a resumed run); null forgets them. */
    public void restoreColumnDual(double[] dual) {
        this.columnDual = dual == null ? null : dual.clone();
    }

    /** The configured ε; 0 for the automatic choice ({@link #epsilonFor}). */
    public double epsilon() {
        return epsilon;
    }

    /**
     * The ε used for a batch of n vectors and k codes: the configured one, or with the automatic choice OptVQ's 10 where
     * n ≥ k and 100 where n &lt; k. With fewer vectors than codes each row of a balanced plan spreads over about k/n codes,
     * and at ε = 10 the rows are so flat that the row argmaxes of a batch share a few codes (on Fashion-MNIST at K = 8192
     * with 6,272 vectors a batch: 0.70 of the codes in use after training against 0.97 at ε = 100; at K = 512, where
     * n = 12k, ε = 10 gives the lower error; BENCHMARKS.md).
     */
    public double epsilonFor(long n, long k) {
        if (epsilon > 0) return epsilon;
        return n >= k ? EPSILON_MANY_VECTORS : EPSILON_FEW_VECTORS;
    }

    public int iterations() {
        return iterations;
    }

    /**
     * The stabilised kernel P {@code [N, K]} and the scalings u {@code [N, 1]}, v {@code [1, K]} after the iterations (u
     * from before the last column scaling when the last row scaling was skipped).
     */
    private record Scaled(INDArray kernel, INDArray u, INDArray v) {
    }

    /** The transport plan {@code [N, K]} for squared distances {@code [N, K]} (the cost is their square root). */
    public INDArray plan(INDArray squaredDistances) {
        Scaled s = iterate(squaredDistances.castTo(DataType.FLOAT).dup('c'), true);
        return s.kernel().mulColumnVector(s.u()).muliRowVector(s.v());
    }

    /** Row-wise argmax of the plan for squared distances {@code [N, K]}: INT64 indices {@code [N]}. */
    public INDArray assign(INDArray squaredDistances) {
        return Nd4j.createFromArray(argmax(iterate(squaredDistances.castTo(DataType.FLOAT).dup('c'), false))).castTo(DataType.INT64);
    }

    /**
     * The code assigned to each row of z {@code [N, D]} among codes {@code [K, D]}: argmax_k of the plan. The squared
     * distances are computed into a kernel buffer kept between calls, with no other N×K array.
     */
    public int[] assign(INDArray z, INDArray codes) {
        return assign(z, codes, null);
    }

    /**
     * As {@link #assign(INDArray, INDArray)}, but with a generator each row's code is drawn from its row of the plan
     * (probability Q_nk / Σ_k Q_nk: OptVQ's {@code use_prob}), so that every code is assigned its share of the batch in
     * expectation; without one (null), the row's argmax.
     */
    public int[] assign(INDArray z, INDArray codes, SplittableRandom random) {
        if (z.rank() != 2 || codes.rank() != 2 || z.size(1) != codes.size(1))
            throw new IllegalArgumentException("expected z [N, D] and codes [K, D], got z " + java.util.Arrays.toString(z.shape())
                    + " and codes " + java.util.Arrays.toString(codes.shape()));
        long n = z.size(0), k = codes.size(0);
        if (n == 0) return new int[0];
        if (kernel == null || kernel.size(0) != n || kernel.size(1) != k) {
            kernel = null;
            kernel = Nd4j.create(DataType.FLOAT, n, k);
        }
        INDArray zf = z.castTo(DataType.FLOAT), e = codes.castTo(DataType.FLOAT);
        // [z, ‖z‖², 1]·[−2e, 1, ‖e‖²]ᵀ = ‖z − e‖²: all squared distances in one product
        INDArray left = Nd4j.hstack(zf, zf.mul(zf).sum(true, 1), Nd4j.ones(DataType.FLOAT, n, 1));
        INDArray right = Nd4j.hstack(e.mul(-2.0), Nd4j.ones(DataType.FLOAT, k, 1), e.mul(e).sum(true, 1));
        Nd4j.gemm(left, right, kernel, false, true, 1.0, 0.0);
        Scaled s = iterate(kernel, false);
        return random == null ? argmax(s) : draw(s, random);
    }

    /**
     * Turns squared distances {@code [N, K]} (overwritten) into the stabilised kernel and runs the scalings; without
     * {@code lastRowScaling} the last iteration stops after its column scaling (a row's argmax or draw does not depend on
     * its own scale, so only the plan itself needs it).
     */
    private Scaled iterate(INDArray p, boolean lastRowScaling) {
        long n = p.size(0), k = p.size(1);
        Transforms.relu(p, false);
        // means as matrix-vector products: one streaming pass each, where ND4J's full reductions take two to three times as long
        INDArray onesN = Nd4j.ones(DataType.FLOAT, 1, n), onesK = Nd4j.ones(DataType.FLOAT, k, 1);
        double meanSquared = Nd4j.gemm(onesN, p, false, false).mmul(onesK).getDouble(0) / ((double) n * k);
        Nd4j.exec(new Sqrt(p, p));                                              // A = ‖z − e‖
        double mean = Nd4j.gemm(onesN, p, false, false).mmul(onesK).getDouble(0) / ((double) n * k);
        double std = Math.sqrt(Math.max(0, meanSquared - mean * mean)) + 1e-12; // population std of A
        double scale = epsilonFor(n, k) / std;
        INDArray columnMin = columnMin(p);                                      // [1, K]
        p.subiRowVector(columnMin);
        INDArray rowMin = p.min(true, 1);                                       // [N, 1]
        p.subiColumnVector(rowMin);
        Transforms.exp(p.muli(-scale), false);                                  // P ≤ 1, a 1 in every row and column
        INDArray u = Transforms.exp(rowMin.mul(-scale), false);                 // diag(u)·P·diag(exp(−s·c)) = Q up to a constant
        INDArray v = null;
        double[] shift = columnMin.toDoubleVector();
        if (warmStart && columnDual != null && columnDual.length == k) {
            // the last call's column scaling, re-expressed for this kernel: v_k = exp(g_k − s·c_k), largest 1
            double[] w = new double[(int) k];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) max = Math.max(max, w[j] = columnDual[j] - scale * shift[j]);
            for (int j = 0; j < k; j++) w[j] = Math.exp(w[j] - max);
            INDArray warm = Nd4j.createFromArray(w).castTo(DataType.FLOAT).reshape(1, k);
            u = Nd4j.gemm(p, warm, false, true).muli(n).addi(TINY).rdivi(1.0);
        }
        for (int i = 0; i < iterations; i++) {
            // + TINY: a column (row) whose mass underflowed entirely stays zero instead of becoming NaN
            v = Nd4j.gemm(u, p, true, false).muli(k).addi(TINY).rdivi(1.0);        // [1, K]
            if (i < iterations - 1 || lastRowScaling)
                u = Nd4j.gemm(p, v, false, true).muli(n).addi(TINY).rdivi(1.0);    // [N, 1]
        }
        if (warmStart) {
            double[] lv = v.toDoubleVector();
            columnDual = new double[(int) k];
            for (int j = 0; j < k; j++) columnDual[j] = Math.log(Math.max(lv[j], TINY)) + scale * shift[j];
        }
        return new Scaled(p, u, v);
    }

    /** argmax_k P_nk·v_k (u_n does not change a row's winner); overwrites the kernel. */
    private static int[] argmax(Scaled s) {
        INDArray weighted = s.kernel().muliRowVector(s.v());
        INDArray best = Nd4j.create(DataType.INT64, weighted.size(0));
        Nd4j.exec(new ArgMax(new INDArray[]{weighted}, new INDArray[]{best}, false, 1));
        long[] v = best.toLongVector();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (int) v[i];
        return out;
    }

    /**
     * One code per row drawn with probability P_nk·v_k / Σ_k P_nk·v_k (u_n cancels), by inverse transform sampling on
     * the row's cumulative sums; overwrites the kernel. A row whose weights underflowed entirely takes its argmax.
     */
    private static int[] draw(Scaled s, SplittableRandom random) {
        INDArray weighted = s.kernel().muliRowVector(s.v());
        long n = weighted.size(0), k = weighted.size(1);
        Nd4j.exec(new CumSum(weighted, weighted, false, false, 1));
        int[] out = new int[(int) n];
        for (int r = 0; r < n; r++) {
            double total = weighted.getDouble(r, k - 1);
            if (!(total > 0) || !Double.isFinite(total)) {
                out[r] = -1;
                continue;
            }
            double target = random.nextDouble() * total;
            int lo = 0, hi = (int) k - 1;   // the first column whose cumulative sum exceeds the target
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (weighted.getDouble(r, mid) > target) hi = mid;
                else lo = mid + 1;
            }
            out[r] = lo;
        }
        for (int r = 0; r < n; r++) {
            if (out[r] >= 0) continue;
            // no weight to draw from (underflow): the column with the largest increment of the cumulative sums
            double best = Double.NEGATIVE_INFINITY, previous = 0;
            for (int c = 0; c < k; c++) {
                double v = weighted.getDouble(r, c), step = v - previous;
                previous = v;
                if (step > best) {
                    best = step;
                    out[r] = c;
                }
            }
            if (out[r] < 0) out[r] = 0;
        }
        return out;
    }

    /**
     * Column minima {@code [1, K]} of a {@code [N, K]} matrix, by halving blocks of rows with elementwise minima
     * (contiguous work; ND4J's reduction along the strided axis is an order of magnitude slower).
     */
    private INDArray columnMin(INDArray a) {
        long n = a.size(0), k = a.size(1);
        long blockRows = Math.max(2, Math.min(n, BLOCK_ELEMENTS / k));
        if (blockMin == null || blockMin.size(0) != blockRows / 2 || blockMin.size(1) != k)
            blockMin = Nd4j.create(DataType.FLOAT, blockRows / 2, k);
        INDArray result = a.getRow(0).dup().reshape(1, k);
        for (long start = 0; start < n; start += blockRows) {
            long rows = Math.min(blockRows, n - start);
            INDArray block = a.get(NDArrayIndex.interval(start, start + rows), NDArrayIndex.all());
            while (rows > 1) {
                long half = rows / 2;
                INDArray top = block.get(NDArrayIndex.interval(0, half), NDArrayIndex.all());
                INDArray bottom = block.get(NDArrayIndex.interval(rows - half, rows), NDArrayIndex.all());
                INDArray into = blockMin.get(NDArrayIndex.interval(0, half), NDArrayIndex.all());
                Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.custom.Min(top, bottom, into));
                if (rows % 2 == 1) {   // the middle row is in neither half: fold it into the first
                    INDArray middle = block.get(NDArrayIndex.interval(half, half + 1), NDArrayIndex.all());
                    INDArray first = blockMin.get(NDArrayIndex.interval(0, 1), NDArrayIndex.all());
                    Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.custom.Min(first, middle, first));
                }
                block = into;
                rows = half;
            }
            Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.custom.Min(result, block, result));
        }
        return result;
    }
}
