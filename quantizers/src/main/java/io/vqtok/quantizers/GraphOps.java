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
 * term whose gradient reaches the codebook, is written with per-code counts and sums
 * ({@link #codebookLoss}): exact, and O(N·D) instead of the O(N·K) of a one-hot product and its gradient.
 */
public final class GraphOps {
    private GraphOps() {
    }

    /** sg(x): identity forward, zero gradient. */
    public static SDVariable stopGradient(SameDiff sd, SDVariable x) {
        return new StopGradient(sd, x).outputVariable();
    }

    /** Indices {@code [N]} (INT64) of the nearest rows of codebook {@code [K, D]} for z {@code [N, D]}. */
    public static SDVariable nearestIndices(SameDiff sd, String name, SDVariable z, SDVariable codebook) {
        // argmin_k ‖z − e_k‖² = argmin_k (‖e_k‖² − 2 z·e_k): the ‖z‖² term does not change the winner.
        SDVariable ee = codebook.mul(codebook).sum(1);                      // [K]
        SDVariable score = sd.mmul(z, codebook, false, true, false).mul(-2.0).add(ee); // [N,K]
        return sd.argmin(name, stopGradient(sd, score), false, 1);
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

    /** z + sg(q − z): forward value q, gradient passed to z unchanged. */
    public static SDVariable straightThrough(SameDiff sd, SDVariable z, SDVariable q) {
        return z.add(stopGradient(sd, q.sub(z)));
    }

    /**
     * Codebook loss mean‖sg(z) − e_idx‖² over all N·D elements, which moves the chosen codes towards the
     * encoder outputs. Written as (Σ_k c_k‖e_k‖² − 2Σ_k e_k·S_k + Σ_n‖z_n‖²)/(N·D) with c_k, S_k the count
     * and sum of the vectors assigned to code k, so its gradient 2(c_k e_k − S_k)/(N·D) is exact.
     */
    public static SDVariable codebookLoss(SameDiff sd, String name, SDVariable z, SDVariable codebook,
                                          SDVariable indices, int codebookSize) {
        SDVariable zs = stopGradient(sd, z);
        SDVariable ones = stopGradient(sd, zs.sum(true, 1).mul(0.0).add(1.0));                    // [N,1]
        SDVariable counts = stopGradient(sd, sd.unsortedSegmentSum(ones, indices, codebookSize)); // [K,1]
        SDVariable sums = stopGradient(sd, sd.unsortedSegmentSum(zs, indices, codebookSize));     // [K,D]
        SDVariable total = codebook.mul(codebook).mul(counts).sum()
                .sub(codebook.mul(sums).sum().mul(2.0))
                .add(zs.mul(zs).sum());
        SDVariable elements = sd.prod(sd.shape(zs)).castTo(codebook.dataType());
        return total.div(name, elements);
    }

    /** Commitment loss β·mean‖z − sg(q)‖²: keeps the encoder outputs near their codes. */
    public static SDVariable commitmentLoss(SameDiff sd, String name, SDVariable z, SDVariable q, double beta) {
        SDVariable diff = z.sub(stopGradient(sd, q));
        return diff.mul(diff).mean().mul(name, beta);
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
