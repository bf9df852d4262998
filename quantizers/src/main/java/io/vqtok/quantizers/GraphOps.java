package io.vqtok.quantizers;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.controlflow.compat.StopGradient;

/**
 * SameDiff building blocks shared by the quantizers: stop-gradient, nearest-code lookup with an exact
 * gradient, the straight-through estimator and the two VQ-VAE loss terms.
 *
 * <p>Codes are looked up as {@code oneHot(idx, K) × E}, not with {@code sd.gather}, whose gradient is wrong
 * for repeated indices in ND4J 1.0.0-M2.1.
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

    /** The codes {@code [N, D]} of indices {@code [N]}, differentiable with respect to the codebook. */
    public static SDVariable lookup(SameDiff sd, SDVariable indices, SDVariable codebook, int codebookSize) {
        SDVariable oneHot = sd.oneHot(indices, codebookSize, -1, 1.0, 0.0, codebook.dataType());
        return oneHot.mmul(codebook);
    }

    /** z + sg(q − z): forward value q, gradient passed to z unchanged. */
    public static SDVariable straightThrough(SameDiff sd, SDVariable z, SDVariable q) {
        return z.add(stopGradient(sd, q.sub(z)));
    }

    /** Codebook loss mean‖sg(z) − q‖²: moves the codes towards the encoder outputs. */
    public static SDVariable codebookLoss(SameDiff sd, String name, SDVariable z, SDVariable q) {
        SDVariable diff = stopGradient(sd, z).sub(q);
        return diff.mul(diff).mean(name);
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
