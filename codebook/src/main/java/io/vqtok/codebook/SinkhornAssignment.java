package io.vqtok.codebook;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.indexaccum.custom.ArgMax;
import org.nd4j.linalg.api.ops.impl.transforms.custom.CumSum;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.FloatBuffer;
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
 * <p>Sparse where most of the kernel underflows. With ε/std large (ε = 100 where a batch has fewer vectors than codes)
 * most entries of P are negligible: on Fashion-MNIST at K = 8192 after 300 steps, 4.6% of them are at least
 * e^−{@value #KERNEL_CUTOFF}. When at most {@value #SPARSE_FRACTION} of the entries reach that cutoff, the kernel is kept
 * as those entries by rows (compressed sparse rows) and the rest are taken as zero; the scalings, the argmax and the
 * draws then cost O(kept entries) instead of O(N·K), and ten dense matrix-vector passes and the N×K exponential are
 * gone. Otherwise (early in training, when every distance is alike, or at ε = 10) the kernel is dense. Measured on that
 * batch, every row's argmax was the dense kernel's; a unit test compares the sparse plan with the dense one and with a
 * log-domain plan in doubles.
 *
 * <p>The work on the N×K matrix is done in plain Java loops over its rows (on the host, parallel over row ranges),
 * fused so that it is read three times: the squared distances come from one matrix product per block of rows, whose
 * column minima and sampled sums are taken while the block is in cache; then each row's A − c, its minimum and its kept
 * entries in one more pass. The std of A is taken over sampled rows once the matrix exceeds
 * {@value #STD_SAMPLE_ELEMENTS} entries (see {@link CostStats}).
 *
 * <p>Memory: one N×K float matrix (the squared distances, and the dense kernel where one is needed), the sparse kernel
 * (at most {@value #SPARSE_FRACTION} of N·K entries) and buffers of O(N + K), kept between calls of the same shape.
 */
public final class SinkhornAssignment {
    /** Added to every marginal before dividing by it. */
    public static final double TINY = 1e-30;
    /** OptVQ's ε, used by the automatic choice where a batch has at least as many vectors as codes. */
    public static final double EPSILON_MANY_VECTORS = 10;
    /** The automatic choice's ε where a batch has fewer vectors than codes. */
    public static final double EPSILON_FEW_VECTORS = 100;
    /**
     * Kernel entries below e^−cutoff are dropped when the kernel is kept sparse. On a Fashion-MNIST batch at K = 8192 and
     * ε = 100 the column scalings spread over 12 decades (e^28), which is why the cutoff is this low: at e^−20 the
     * argmax of 0.5% of the rows moved, at e^−30 none (float64 check, BENCHMARKS.md).
     */
    public static final float KERNEL_CUTOFF = 30;
    /** The kernel is kept sparse when at most this fraction of its entries reach e^−{@link #KERNEL_CUTOFF}. */
    public static final double SPARSE_FRACTION = 0.125;
    /** Scaled costs are capped here: exp(−87) is just above float's smallest normal number. */
    private static final float UNDERFLOW = 87;
    /** The std of the cost is taken over at most about this many entries (sampled rows). */
    static final long STD_SAMPLE_ELEMENTS = 4L << 20;
    /** The squared distances are computed in blocks of rows of about this many entries (8 MB of floats). */
    private static final long GEMM_BLOCK_ELEMENTS = 2L << 20;
    private final double epsilon;
    private final int iterations;
    private final boolean warmStart;
    private double[] columnDual;  // g_k of the last call (log column scaling of exp(−s·A)), for a warm start
    private INDArray kernel;      // [N, K], reused between calls of the same shape
    private final double sparseFraction;
    private RowEntries[] entryScratch;   // per row range, kept between calls
    private int[] csrColumn;             // the sparse kernel's columns and values, kept between calls
    private float[] csrValue;

    public SinkhornAssignment(double epsilon, int iterations) {
        this(epsilon, iterations, false);
    }

    /**
     * @param warmStart start each call's scalings from the column scaling the previous call ended with (when the code
     *                  count matches): successive batches of one data distribution share the fixed point, so the
     *                  iterations of many steps add up instead of each call starting cold
     */
    public SinkhornAssignment(double epsilon, int iterations, boolean warmStart) {
        this(epsilon, iterations, warmStart, SPARSE_FRACTION);
    }

    /**
     * @param sparseFraction keep the kernel sparse when at most this fraction of its entries reach e^−{@link
     *                       #KERNEL_CUTOFF}: 0 always dense, 1 always sparse (tests compare the two)
     */
    SinkhornAssignment(double epsilon, int iterations, boolean warmStart, double sparseFraction) {
        if (!(sparseFraction >= 0 && sparseFraction <= 1))
            throw new IllegalArgumentException("sparse fraction must be in [0, 1], got " + sparseFraction);
        this.sparseFraction = sparseFraction;
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
    private record Scaled(Kernel kernel, double[] u, double[] v) {
        int[] argmax() {
            return kernel.argmax(v);
        }

        int[] draw(SplittableRandom random) {
            return kernel.draw(v, random);
        }
    }

    /** The transport plan {@code [N, K]} for squared distances {@code [N, K]} (the cost is their square root). */
    public INDArray plan(INDArray squaredDistances) {
        Scaled s = iterate(squaredDistances.castTo(DataType.FLOAT).dup('c'), null, true);
        return s.kernel().plan(s.u(), s.v());
    }

    /** Row-wise argmax of the plan for squared distances {@code [N, K]}: INT64 indices {@code [N]}. */
    public INDArray assign(INDArray squaredDistances) {
        return Nd4j.createFromArray(iterate(squaredDistances.castTo(DataType.FLOAT).dup('c'), null, false).argmax()).castTo(DataType.INT64);
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
        // [z, ‖z‖², 1]·[−2e, 1, ‖e‖²]ᵀ = ‖z − e‖²: all squared distances in one product per block of rows, each block's
        // column minima and sums taken while it is still in cache
        INDArray left = Nd4j.hstack(zf, zf.mul(zf).sum(true, 1), Nd4j.ones(DataType.FLOAT, n, 1));
        INDArray right = Nd4j.hstack(e.mul(-2.0), Nd4j.ones(DataType.FLOAT, k, 1), e.mul(e).sum(true, 1));
        CostStats stats = new CostStats((int) n, (int) k);
        long block = Math.max(1, GEMM_BLOCK_ELEMENTS / k);
        for (long from = 0; from < n; from += block) {
            long to = Math.min(n, from + block);
            INDArray rows = to - from == n ? kernel : kernel.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
            Nd4j.gemm(to - from == n ? left : left.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()), right, rows, false, true, 1.0, 0.0);
            Nd4j.getExecutioner().commit();
            stats.observe(kernel.data().asNioFloat(), (int) from, (int) to);
            java.lang.ref.Reference.reachabilityFence(kernel);
        }
        Scaled s = iterate(kernel, stats, false);
        return random == null ? s.argmax() : s.draw(random);
    }

    /**
     * Turns squared distances {@code [N, K]} (overwritten where the kernel is dense) into the stabilised kernel and runs
     * the scalings; without
     * {@code lastRowScaling} the last iteration stops after its column scaling (a row's argmax or draw does not depend on
     * its own scale, so only the plan itself needs it). The kernel is kept sparse when at most {@link #sparseFraction} of
     * its entries reach e^−{@value #KERNEL_CUTOFF} (see the class comment), dense otherwise.
     */
    private Scaled iterate(INDArray p, CostStats observed, boolean lastRowScaling) {
        if (p.length() >= Integer.MAX_VALUE)
            throw new IllegalArgumentException("Sinkhorn kernel of " + p.size(0) + " x " + p.size(1) + " entries is too large (at most 2^31 - 1); use smaller batches");
        int n = (int) p.size(0), k = (int) p.size(1);
        Nd4j.getExecutioner().commit();
        FloatBuffer buffer = p.data().asNioFloat();
        CostStats stats = observed;
        if (stats == null) {
            stats = new CostStats(n, k);
            stats.observe(buffer, 0, n);
        }
        float[] columnMin = stats.columnMin();
        double scale = epsilonFor(n, k) / stats.std();
        float fs = (float) scale;
        // sparse: the row minima r of A − c (c the column minima) and each row's entries with X = s·(A − c − r) ≤ cutoff,
        // collected while their number stays within the sparse budget (the squared distances are left as they are)
        float[] rowMin = new float[n];
        int[] kept = new int[n];
        long budget = (long) Math.floor(sparseFraction * n * (double) k);
        java.util.concurrent.atomic.AtomicLong running = new java.util.concurrent.atomic.AtomicLong();
        if (entryScratch == null || entryScratch.length != tasks(n)) entryScratch = new RowEntries[tasks(n)];
        RowEntries[] parts = entryScratch;
        for (RowEntries part : parts) if (part != null) part.reset(0, 0);
        forRowRanges(n, (task, from, to) -> {
            float[] row = new float[k], groupMin = new float[k / 8];
            if (parts[task] == null) parts[task] = new RowEntries();
            RowEntries entries = parts[task].reset(from, to);
            for (int r = from; r < to && running.get() <= budget; r++) {
                buffer.get(r * k, row, 0, k);
                float m = rowMinimum(row, columnMin, groupMin);
                rowMin[r] = m;
                kept[r] = entries.add(row, groupMin, m, fs);
                running.addAndGet(kept[r]);
            }
        });
        Kernel kernelOf;
        if (running.get() <= budget) {
            long nnz = running.get();
            if (csrColumn == null || csrColumn.length < nnz) {   // kept between calls: arrays this size are costly to collect
                csrColumn = null;
                csrValue = null;
                csrColumn = new int[(int) Math.min(Integer.MAX_VALUE - 8, nnz + nnz / 4)];
                csrValue = new float[csrColumn.length];
            }
            kernelOf = SparseKernel.of(parts, n, k, kept, csrColumn, csrValue);
        } else {
            // dense: X in place of the squared distances, capped at 87, so that the kernel holds float's smallest normal
            // numbers (e^−87 ≈ 1.6e-38) instead of subnormal ones, which made ND4J's exponential 3-4 times slower (the
            // difference is below 1e-33 of any row's or column's sum)
            forRowRanges(n, (task, from, to) -> {
                float[] row = new float[k], groupMin = new float[k / 8];
                for (int r = from; r < to; r++) {
                    buffer.get(r * k, row, 0, k);
                    float m = rowMinimum(row, columnMin, groupMin);
                    for (int j = 0; j < k; j++) row[j] = Math.min((row[j] - m) * fs, UNDERFLOW);
                    buffer.put(r * k, row, 0, k);
                    rowMin[r] = m;
                }
            });
            Nd4j.getAffinityManager().tagLocation(p, org.nd4j.linalg.api.concurrency.AffinityManager.Location.HOST);
            kernelOf = new DenseKernel(p);
        }
        double[] u = new double[n];
        for (int r = 0; r < n; r++) u[r] = Math.exp(-scale * rowMin[r]);   // diag(u)·P·diag(exp(−s·c)) = Q up to a constant
        double[] v = null;
        if (warmStart && columnDual != null && columnDual.length == k) {
            // the last call's column scaling, re-expressed for this kernel: v_k = exp(g_k − s·c_k), largest 1
            double[] w = new double[k];
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) max = Math.max(max, w[j] = columnDual[j] - scale * columnMin[j]);
            for (int j = 0; j < k; j++) w[j] = Math.exp(w[j] - max);
            u = scaling(kernelOf.rowSums(w), n);
        }
        // column scaling, then (row scaling + the next column sums) in one pass per iteration
        v = scaling(kernelOf.columnSums(u), k);
        for (int i = 1; i < iterations; i++) v = scaling(kernelOf.rowScalingAndColumnSums(v, u), k);
        if (lastRowScaling) u = scaling(kernelOf.rowSums(v), n);
        if (warmStart) {
            columnDual = new double[k];
            for (int j = 0; j < k; j++) columnDual[j] = Math.log(Math.max(v[j], TINY)) + scale * columnMin[j];
        }
        // `buffer` views p's native memory without keeping p alive: on the sparse path nothing used p after taking the
        // view, so the collector could free it while pool threads still read through the view (a SIGSEGV in a suite run)
        java.lang.ref.Reference.reachabilityFence(p);
        return new Scaled(kernelOf, u, v);
    }

    /** 1 / (m·sums + TINY): a column (row) whose mass underflowed entirely stays zero instead of becoming NaN. */
    private static double[] scaling(double[] sums, int m) {
        double[] out = new double[sums.length];
        for (int i = 0; i < out.length; i++) out[i] = 1.0 / (sums[i] * m + TINY);
        return out;
    }

    /**
     * Turns a row of squared distances into B = A − c (A = √max(0, ·)) in place, writes the minima of its 8 interleaved
     * slices to {@code groupMin} (entry j: the minimum of B_j, B_{j+G}, ..., B_{j+7G}, G = K/8) and returns the row's
     * minimum.
     *
     * <p>B ≥ +0 exactly (c_k is the square root of the column's smallest squared distance, and the rounded square root is
     * monotone), and non-negative floats order as their bit patterns do, so the minima are taken on the bits with
     * {@code Math.min(int, int)}: exact, and about 3x faster on this loop than {@code Math.min(float, float)}, which
     * HotSpot 17 does not vectorise here and runs at ~2-3 ns a call (its NaN and −0 handling).
     */
    private static float rowMinimum(float[] row, float[] columnMin, float[] groupMin) {
        int k = row.length, groups = k / 8;
        for (int j = 0; j < k; j++) row[j] = (float) Math.sqrt(Math.max(row[j], 0f)) - columnMin[j];
        int m = Integer.MAX_VALUE;
        for (int j = 0; j < groups; j++) {
            int g = Math.min(Math.min(Math.min(bits(row[j]), bits(row[j + groups])), Math.min(bits(row[j + 2 * groups]), bits(row[j + 3 * groups]))),
                    Math.min(Math.min(bits(row[j + 4 * groups]), bits(row[j + 5 * groups])), Math.min(bits(row[j + 6 * groups]), bits(row[j + 7 * groups]))));
            groupMin[j] = Float.intBitsToFloat(g);
            m = Math.min(m, g);
        }
        for (int t = 8 * groups; t < k; t++) m = Math.min(m, bits(row[t]));
        return Float.intBitsToFloat(m);
    }

    /** The bits of a float ≥ +0, which order as the floats do. */
    private static int bits(float nonNegative) {
        return Float.floatToRawIntBits(nonNegative);
    }

    /** How many contiguous row ranges {@link #forRowRanges} splits n rows into. */
    private static int tasks(int n) {
        return Math.max(1, Math.min(n, 4 * Runtime.getRuntime().availableProcessors()));
    }

    /** The work on one of {@link #forRowRanges}'s ranges: range number {@code task}, rows [from, to). */
    @FunctionalInterface
    private interface RangeWork {
        void run(int task, int from, int to);
    }

    /** Runs body over contiguous ranges of [0, n) on the common pool (and the calling thread). */
    private static void forRowRanges(int n, RangeWork body) {
        forRowRanges(0, n, body);
    }

    /** Runs body over {@link #tasks} contiguous ranges of [start, end), numbered 0 .. tasks − 1 in row order. */
    private static void forRowRanges(int start, int end, RangeWork body) {
        int n = end - start, tasks = tasks(n);
        java.util.stream.IntStream.range(0, tasks).parallel().forEach(t -> {
            int from = start + (int) ((long) n * t / tasks), to = start + (int) ((long) n * (t + 1) / tasks);
            if (to > from) body.run(t, from, to);
        });
    }

    /**
     * What the normalisation and the stabilisation need from the squared distances D {@code [N, K]}, gathered block by
     * block of rows: the column minima of D (their roots are the column minima of A = √D), and the sums of A and of A²
     * over every row when N·K ≤ {@value #STD_SAMPLE_ELEMENTS}, else over every m-th row with m the smallest stride that
     * keeps the sample within that many entries (the population std of A from about 4M entries: a relative error of the
     * order of 1e-3 on ε/std, far below what changes a plan's row winners).
     */
    static final class CostStats {
        private final int k, stride;
        private final float[] columnMinSquared;
        private double sum, sumSquares;
        private long count;

        CostStats(int n, int k) {
            this.k = k;
            this.stride = (int) Math.max(1, ((long) n * k + STD_SAMPLE_ELEMENTS - 1) / STD_SAMPLE_ELEMENTS);
            this.columnMinSquared = new float[k];
            java.util.Arrays.fill(columnMinSquared, Float.POSITIVE_INFINITY);
        }

        /** Takes in rows [from, to) of the squared distances in {@code buffer} (c-order, K per row). */
        void observe(FloatBuffer buffer, int from, int to) {
            int tasks = tasks(to - from);
            double[][] partial = new double[tasks][];
            forRowRanges(from, to, (task, a, b) -> {
                float[] row = new float[k], min = new float[k];
                java.util.Arrays.fill(min, Float.POSITIVE_INFINITY);
                double s = 0, q = 0;
                long c = 0;
                for (int r = a; r < b; r++) {
                    buffer.get(r * k, row, 0, k);
                    for (int j = 0; j < k; j++) min[j] = Math.min(min[j], row[j]);
                    if (r % stride != 0) continue;
                    float rowSum = 0, rowSquares = 0;
                    for (int j = 0; j < k; j++) {
                        float d = Math.max(row[j], 0f);
                        rowSum += (float) Math.sqrt(d);
                        rowSquares += d;
                    }
                    s += rowSum;
                    q += rowSquares;
                    c += k;
                }
                partial[task] = new double[]{s, q, c};
                synchronized (this) {   // minima do not depend on the order
                    for (int j = 0; j < k; j++) columnMinSquared[j] = Math.min(columnMinSquared[j], min[j]);
                }
            });
            for (double[] p : partial) {   // sums in range order: the same bits whatever the thread timing
                if (p == null) continue;
                sum += p[0];
                sumSquares += p[1];
                count += (long) p[2];
            }
        }

        /** Column minima of A {@code [K]}. */
        float[] columnMin() {
            float[] c = new float[k];
            for (int j = 0; j < k; j++) c[j] = (float) Math.sqrt(Math.max(columnMinSquared[j], 0f));
            return c;
        }

        /** Population std of A (of the sampled rows), plus 1e-12. */
        double std() {
            double mean = sum / count, meanSquared = sumSquares / count;
            return Math.sqrt(Math.max(0, meanSquared - mean * mean)) + 1e-12;
        }
    }

    /** The kernel entries exp(−X) ≥ e^−cutoff of consecutive rows, in row order, as they are collected. */
    private static final class RowEntries {
        int from, to, size;
        int[] column = new int[1024];
        float[] value = new float[1024];

        /** Empties the list for rows [from, to), keeping its arrays. */
        RowEntries reset(int from, int to) {
            this.from = from;
            this.to = to;
            this.size = 0;
            return this;
        }

        /**
         * Appends the entries of a row of B = A − c (minimum m, slice minima g from {@link #rowMinimum}) whose scaled cost
         * X = s·(B − m) is at most the cutoff, as exp(−X); returns how many. Only the groups j, j + G, ..., j + 7G whose
         * minimum is kept are scanned (with 5% of the entries kept, about a third of them).
         */
        int add(float[] b, float[] g, float m, float s) {
            int k = b.length, groups = k / 8;
            if (size + k > column.length) {
                int capacity = Math.max(size + k, 2 * column.length);
                column = java.util.Arrays.copyOf(column, capacity);
                value = java.util.Arrays.copyOf(value, capacity);
            }
            int first = size, at = size;
            for (int j = 0; j < groups; j++) {
                if ((g[j] - m) * s > KERNEL_CUTOFF) continue;   // (B − m)·s is monotone in B: no entry of the group is kept
                for (int t = j; t < 8 * groups; t += groups) at = keep(b, t, m, s, at);
            }
            for (int t = 8 * groups; t < k; t++) at = keep(b, t, m, s, at);
            for (int i = first; i < at; i++) value[i] = (float) Math.exp(-value[i]);
            size = at;
            return at - first;
        }

        /** Writes entry j and advances past it when it is kept (no branch). */
        private int keep(float[] b, int j, float m, float s, int at) {
            float x = (b[j] - m) * s;
            column[at] = j;
            value[at] = x;
            return at + (x <= KERNEL_CUTOFF ? 1 : 0);
        }
    }

    /** The stabilised kernel P {@code [N, K]}, dense or sparse, and the products the scalings need. */
    private interface Kernel {
        /** Σ_n u_n P_nk {@code [K]}. */
        double[] columnSums(double[] u);

        /** Σ_k P_nk v_k {@code [N]}. */
        double[] rowSums(double[] v);

        /** u ← 1/(N·Σ_k P_nk v_k + TINY) (written into u), then Σ_n u_n P_nk {@code [K]}. */
        default double[] rowScalingAndColumnSums(double[] v, double[] u) {
            System.arraycopy(scaling(rowSums(v), u.length), 0, u, 0, u.length);
            return columnSums(u);
        }

        /** argmax_k P_nk·v_k of each row (u_n does not change a row's winner). */
        int[] argmax(double[] v);

        /** One code per row drawn with probability P_nk·v_k / Σ_k P_nk·v_k. */
        int[] draw(double[] v, SplittableRandom random);

        /** diag(u)·P·diag(v) {@code [N, K]}. */
        INDArray plan(double[] u, double[] v);
    }

    /** The kernel as an N×K float matrix, overwritten from the scaled costs X with exp(−X). */
    private static final class DenseKernel implements Kernel {
        private final INDArray p;

        DenseKernel(INDArray x) {
            this.p = Transforms.exp(x.negi(), false);
        }

        private static INDArray row(double[] a) {
            return Nd4j.createFromArray(a).castTo(DataType.FLOAT).reshape(1, a.length);
        }

        @Override
        public double[] columnSums(double[] u) {
            return Nd4j.gemm(row(u), p, false, false).toDoubleVector();
        }

        @Override
        public double[] rowSums(double[] v) {
            return Nd4j.gemm(p, row(v), false, true).toDoubleVector();
        }

        @Override
        public int[] argmax(double[] v) {
            INDArray weighted = p.muliRowVector(row(v));
            INDArray best = Nd4j.create(DataType.INT64, weighted.size(0));
            Nd4j.exec(new ArgMax(new INDArray[]{weighted}, new INDArray[]{best}, false, 1));
            long[] b = best.toLongVector();
            int[] out = new int[b.length];
            for (int i = 0; i < b.length; i++) out[i] = (int) b[i];
            return out;
        }

        @Override
        public int[] draw(double[] v, SplittableRandom random) {
            INDArray weighted = p.muliRowVector(row(v));
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
                    double w = weighted.getDouble(r, c), step = w - previous;
                    previous = w;
                    if (step > best) {
                        best = step;
                        out[r] = c;
                    }
                }
                if (out[r] < 0) out[r] = 0;
            }
            return out;
        }

        @Override
        public INDArray plan(double[] u, double[] v) {
            return p.mulColumnVector(row(u).reshape(u.length, 1)).muliRowVector(row(v));
        }
    }

    /**
     * The kernel's entries of at least e^−{@value #KERNEL_CUTOFF} by rows (compressed sparse rows: the columns and values
     * of row r at [start[r], start[r + 1])), the rest taken as zero.
     */
    private static final class SparseKernel implements Kernel {
        private final int n, k;
        private final int[] start, column;
        private final float[] value;

        private SparseKernel(int n, int k, int[] start, int[] column, float[] value) {
            this.n = n;
            this.k = k;
            this.start = start;
            this.column = column;
            this.value = value;
        }

        /** From the entries collected by row ranges (in order) and the number of entries of each row. */
        static SparseKernel of(RowEntries[] parts, int n, int k, int[] kept, int[] column, float[] value) {
            int[] start = new int[n + 1];
            for (int r = 0; r < n; r++) start[r + 1] = start[r] + kept[r];
            for (RowEntries part : parts) {
                if (part == null || part.to <= part.from) continue;
                System.arraycopy(part.column, 0, column, start[part.from], part.size);
                System.arraycopy(part.value, 0, value, start[part.from], part.size);
            }
            return new SparseKernel(n, k, start, column, value);
        }

        /** Σ_k P_rk v_k over row r's entries. */
        private double rowDot(int r, double[] v) {
            double sum = 0;
            for (int at = start[r]; at < start[r + 1]; at++) sum += value[at] * v[column[at]];
            return sum;
        }

        @Override
        public double[] columnSums(double[] u) {
            return rowScalingAndColumnSums(null, u);
        }

        /**
         * One pass over the entries: with v, each row's scaling u_r = 1/(N·Σ_k P_rk v_k + TINY) written to {@code u},
         * then (with u_r either way) the column sums Σ_r u_r P_rk. The partial sums of the row ranges are added in range
         * order, so the result does not depend on thread timing.
         */
        @Override
        public double[] rowScalingAndColumnSums(double[] v, double[] u) {
            double[][] parts = new double[tasks(n)][];
            forRowRanges(n, (task, from, to) -> {
                double[] part = new double[k];
                for (int r = from; r < to; r++) {
                    if (v != null) u[r] = 1.0 / (rowDot(r, v) * n + TINY);
                    double ur = u[r];
                    for (int at = start[r]; at < start[r + 1]; at++) part[column[at]] += ur * value[at];
                }
                parts[task] = part;
            });
            double[] out = new double[k];
            for (double[] part : parts) if (part != null) for (int j = 0; j < k; j++) out[j] += part[j];
            return out;
        }

        @Override
        public double[] rowSums(double[] v) {
            double[] out = new double[n];
            forRowRanges(n, (task, from, to) -> {
                for (int r = from; r < to; r++) out[r] = rowDot(r, v);
            });
            return out;
        }

        @Override
        public int[] argmax(double[] v) {
            int[] out = new int[n];
            forRowRanges(n, (task, from, to) -> {
                for (int r = from; r < to; r++) {
                    double best = Double.NEGATIVE_INFINITY;
                    int arg = 0;
                    for (int at = start[r]; at < start[r + 1]; at++) {
                        double w = value[at] * v[column[at]];
                        if (w > best || (w == best && column[at] < arg)) {
                            best = w;
                            arg = column[at];
                        }
                    }
                    out[r] = arg;
                }
            });
            return out;
        }

        @Override
        public int[] draw(double[] v, SplittableRandom random) {
            int[] out = new int[n];
            for (int r = 0; r < n; r++) {   // in row order: the draws follow the generator's sequence
                double target = random.nextDouble() * rowDot(r, v);
                int chosen = column[start[r]];
                double cumulative = 0;
                for (int at = start[r]; at < start[r + 1]; at++) {
                    cumulative += value[at] * v[column[at]];
                    if (cumulative > target) {
                        chosen = column[at];
                        break;
                    }
                }
                out[r] = chosen;
            }
            return out;
        }

        @Override
        public INDArray plan(double[] u, double[] v) {
            float[] dense = new float[Math.multiplyExact(n, k)];
            for (int r = 0; r < n; r++)
                for (int at = start[r]; at < start[r + 1]; at++) dense[r * k + column[at]] = (float) (u[r] * value[at] * v[column[at]]);
            return Nd4j.create(dense, new long[]{n, k}, 'c');
        }
    }
}
