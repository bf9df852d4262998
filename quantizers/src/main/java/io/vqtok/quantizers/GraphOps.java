package io.vqtok.quantizers;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;

/**
 * SameDiff building blocks shared by the quantizers: stop-gradient, nearest-code search, code lookup,
 * the straight-through estimator and the two VQ-VAE loss terms.
 *
 * <p>{@code sd.gather}'s gradient is wrong for repeated indices in ND4J 1.0.0-M2.1 (and builds a loop per
 * gather), so codes are gathered as values from a graph constant that shares the codebook's live array
 * ({@link #codebookValues}, {@link #lookupValues}): no gradient machinery at all. The codebook loss, the one
 * term whose gradient reaches the codebook, is written with per-code counts and sums fed from outside the graph
 * ({@link #codebookLoss}): exact, and O(K·D) instead of the O(N·K) of a one-hot product and its gradient.
 */
public final class GraphOps {
    private GraphOps() {
    }

    /** sg(x): identity forward, zero gradient. */
    public static SDVariable stopGradient(SameDiff sd, SDVariable x) {
        return new StopGradient(sd, x).outputVariable();
    }

    /**
     * The assignment of one application of a quantizer, fed from outside the graph: an INT32 placeholder {@code [N]}
     * named {@link #applicationName}{@code (prefix + "assignment", i)} for the i-th application in this graph, returned
     * as the graph's INT64 indices. No N×K score matrix is built in the graph.
     */
    public static SDVariable assignment(SameDiff sd, String prefix) {
        SDVariable fed = sd.placeHolder(unique(sd, prefix + "assignment"), DataType.INT32, -1);
        return sd.castTo(unique(sd, prefix + "indices"), fed, DataType.INT64);
    }

    /**
     * Records one prepared application of {@code quantizer} (its input rows z {@code [N, D]} and their codes) in the step
     * and feeds that application's {@link #assignment} placeholder.
     *
     * @return the fed codes, INT32 {@code [N]}
     */
    static INDArray feedAssignment(StepContext step, Quantizer quantizer, INDArray z, int[] indices) {
        int application = step.observe(quantizer, z, indices);
        INDArray fed = org.nd4j.linalg.factory.Nd4j.createFromArray(indices);
        step.feed(applicationName(quantizer.prefix() + "assignment", application), fed);
        return fed;
    }

    /** The name of the i-th (0-based) application's node {@code base}: as {@link #unique} gives it to applications added in order. */
    public static String applicationName(String base, int application) {
        return application == 0 ? base : base + "_" + (application + 1);
    }

    /**
     * A graph constant holding the same live array as a codebook: reads see every in-place update (optimizer
     * steps, EMA, reseeding) and are never differentiated.
     */
    public static SDVariable codebookValues(SameDiff sd, String name, INDArray codebook) {
        return sd.constant(name, codebook);
    }

    /** The codes {@code [N, D]} of indices {@code [N]}, read from a {@link #codebookValues} constant. */
    public static SDVariable lookupValues(SameDiff sd, SDVariable indices, SDVariable codebookValues) {
        return sd.gather(codebookValues, indices, 0);
    }

    /**
     * Straight-through estimator sg(q) + (z − sg(z)): forward value exactly q (z − z is exactly 0 in floating point,
     * where the usual z + sg(q − z) is q only up to rounding), gradient passed to z unchanged and none to q. The exact
     * forward value lets a residual quantizer's graph subtract the same codes as its eager path.
     */
    public static SDVariable straightThrough(SameDiff sd, SDVariable z, SDVariable q) {
        return stopGradient(sd, q).add(z.sub(stopGradient(sd, z)));
    }

    /**
     * Codebook loss mean‖sg(z) − e_idx‖² over all N·D elements, which moves the chosen codes towards the
     * encoder outputs. Written as (Σ_k c_k‖e_k‖² − 2Σ_k e_k·S_k + Σ_n‖z_n‖²)/(N·D) with c_k {@code [K, 1]} and S_k
     * {@code [K, D]} the count and sum of the vectors assigned to code k, fed from outside the graph (a bincount and a
     * scatter-add, {@link io.vqtok.codebook.Assignments}), so its gradient 2(c_k e_k − S_k)/(N·D) is exact and nothing
     * of size N×K is built. (ND4J 1.0.0-M2.1's unsorted_segment_sum, the in-graph alternative, leaks native memory on
     * every call: about 5 MB at K = 8192.)
     */
    public static SDVariable codebookLoss(SameDiff sd, String name, SDVariable z, SDVariable codebook,
                                          SDVariable counts, SDVariable sums) {
        SDVariable zs = stopGradient(sd, z);
        // Σ_k n_k‖e_k‖² as (‖e_k‖² per row)·n_k on [K, 1] operands of one shape: the [K, D] × [K, 1] broadcast product's
        // gradient costs ND4J M2.1 ~8 ms a step at K = 8192 (multiply_bp with broadcasting), this one well under 1 ms
        SDVariable total = codebook.mul(codebook).sum(true, 1).mul(counts).sum()
                .sub(codebook.mul(sums).sum().mul(2.0))
                .add(zs.mul(zs).sum());
        SDVariable elements = sd.prod(sd.shape(zs)).castTo(codebook.dataType());
        return total.div(name, elements);
    }

    /**
     * Entropy penalty w·(mean_n H(p_n) − γ·H(mean_n p_n)) with p_n = softmax(logits_n) over all codes ({@code logits}
     * {@code [N, K]}, already scaled by their inverse temperature): confident assignments per vector, diverse use of
     * the codebook (MAGVIT-v2's LFQ entropy loss; IBQ's entropy loss with γ = 1).
     */
    public static SDVariable entropyLoss(SameDiff sd, String name, SDVariable logits, double gamma, double weight) {
        SDVariable prob = sd.nn().softmax(logits, 1);
        // log(p + tiny), not logSoftmax: ND4J M2.1 cannot clone a LogSoftMax op into the gradient function
        SDVariable logProb = sd.math().log(prob.add(1e-12));
        SDVariable perSample = prob.mul(logProb).sum(1).mean().neg();
        SDVariable avg = prob.mean(0);
        SDVariable codebookEntropy = avg.mul(sd.math().log(avg.add(1e-10))).sum().neg();
        return perSample.sub(codebookEntropy.mul(gamma)).mul(name, weight);
    }

    /** Commitment loss β·mean‖z − sg(q)‖²: keeps the encoder outputs near their codes. */
    public static SDVariable commitmentLoss(SameDiff sd, String name, SDVariable z, SDVariable q, double beta) {
        SDVariable diff = z.sub(stopGradient(sd, q));
        return diff.mul(diff).mean().mul(name, beta);
    }

    /**
     * The rotation trick (Fifty et al. 2024): forward value q, gradient λ Rᵀ g to z, with λ = ‖q‖/‖z‖ and R the
     * rotation taking z/‖z‖ onto q/‖q‖, R = I − 2 r rᵀ + 2 q̂ ẑᵀ, r = (ẑ + q̂)/‖ẑ + q̂‖ (λ and R constant). Shapes
     * {@code [N, D]}.
     */
    public static SDVariable rotationTrick(SameDiff sd, SDVariable z, SDVariable q) {
        SDVariable zs = stopGradient(sd, z);
        SDVariable qs = stopGradient(sd, q);
        SDVariable zNorm = rowNorm(sd, zs, 1e-8);
        SDVariable qNorm = rowNorm(sd, qs, 1e-8);
        SDVariable zHat = zs.div(zNorm);
        SDVariable qHat = qs.div(qNorm);
        SDVariable sum = zHat.add(qHat);
        SDVariable r = sum.div(rowNorm(sd, sum, 1e-8));
        SDVariable lambda = qNorm.div(zNorm);
        // R z = z − 2 r (r·z) + 2 q̂ (ẑ·z), with r, q̂, ẑ, λ constant: gradient λ Rᵀ g reaches z.
        SDVariable rz = r.mul(z).sum(true, 1);
        SDVariable ez = zHat.mul(z).sum(true, 1);
        SDVariable rotated = z.sub(r.mul(rz).mul(2.0)).add(qHat.mul(ez).mul(2.0));
        return rotated.mul(lambda);
    }

    /**
     * x with each row scaled to unit length, x/√(‖x‖² + 10⁻¹²). Written with sqrt rather than {@link #rowNorm}:
     * in ND4J 1.0.0-M2.1 no gradient flows back through the norm2/max pair.
     */
    public static SDVariable l2Normalize(SameDiff sd, SDVariable x) {
        return x.div(sd.math().sqrt(x.mul(x).sum(true, 1).add(1e-12)));
    }

    /** The output that carries the gradient to z for {@code estimator}: straight-through or the rotation trick. */
    public static SDVariable estimate(SameDiff sd, VectorQuantizerConfig.Estimator estimator, SDVariable z, SDVariable q) {
        return estimator == VectorQuantizerConfig.Estimator.ROTATION ? rotationTrick(sd, z, q) : straightThrough(sd, z, q);
    }

    /**
     * A name for a node that is {@code base} the first time and {@code base_2}, {@code base_3}, ... when a
     * quantizer is applied more than once in a graph (a codebook shared by residual stages).
     */
    public static String unique(SameDiff sd, String base) {
        if (!sd.hasVariable(base)) return base;
        for (int i = 2; ; i++) if (!sd.hasVariable(base + "_" + i)) return base + "_" + i;
    }

    /** Row-wise ‖x‖ with keepDims, clamped below by {@code min}. */
    public static SDVariable rowNorm(SameDiff sd, SDVariable x, double min) {
        return sd.math().max(x.norm2(true, 1), sd.constant(Double.valueOf(min)).castTo(x.dataType()));
    }

    /** Casts an index variable to INT64 (the graph's index type). */
    public static SDVariable asIndex(SDVariable x) {
        return x.dataType() == DataType.INT64 ? x : x.castTo(DataType.INT64);
    }
}
