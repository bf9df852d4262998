package io.vqtok.quantizers;

import io.vqtok.codebook.SinkhornAssignment;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Vector quantizer whose training-time assignment is an entropic optimal-transport plan between the
 * batch and the codebook (OptVQ, Zhang et al. 2024, "Preventing Local Pitfalls in Vector Quantization via
 * Optimal Transport"): every code receives its share of the batch, so none dies.
 *
 * <p>Euclidean cost ‖z − e‖ {@code [N, K]}, normalised over the whole matrix ((A − mean)/std, then minus its min),
 * Q = exp(−ε·A), {@code iterations} Sinkhorn scalings to uniform marginals, assignment argmax_k Q_nk
 * (see {@link SinkhornAssignment}). Inference uses plain nearest neighbour, since the plan depends on the
 * batch. Straight-through estimator and loss terms as in {@link VectorQuantizer}.
 */
public final class SinkhornQuantizer extends VectorQuantizer {
    private final SinkhornAssignment sinkhorn;

    public SinkhornQuantizer(SinkhornConfig config, String prefix, long seed) {
        super(config.base(), config, prefix, seed);
        this.sinkhorn = new SinkhornAssignment(config.epsilon(), config.iterations());
    }

    @Override
    protected SDVariable trainingIndices(SameDiff sd, SDVariable z, SDVariable codebookValues) {
        // The plan is kept as diag(u)·P·diag(v) with P = exp(−ε·Â) fixed: a column scaling is v ← 1/(K·Pᵀu), a
        // row scaling u ← 1/(N·P·v), so each iteration reads P twice (two matrix-vector products) instead of
        // rewriting an [N, K] matrix; argmax_k u_n·P_nk·v_k = argmax_k (log P_nk + log v_k).
        SDVariable zs = GraphOps.stopGradient(sd, z);
        SDVariable zz = zs.mul(zs).sum(true, 1);                                   // [N,1]
        SDVariable onesN = zz.mul(0.0).add(1.0);                                   // [N,1]
        SDVariable ee = codebookValues.mul(codebookValues).sum(true, 1);           // [K,1]
        SDVariable onesK = ee.mul(0.0).add(1.0);                                   // [K,1]
        // [z, ‖z‖², 1]·[−2e, 1, ‖e‖²]ᵀ = ‖z − e‖²: all squared distances in one product
        SDVariable squared = sd.mmul(sd.concat(1, zs, zz, onesN), sd.concat(1, codebookValues.mul(-2.0), onesK, ee),
                false, true, false);                                               // [N,K]
        SDVariable a = sd.math().sqrt(sd.nn().relu(squared, 0.0));                 // Euclidean cost ‖z − e‖
        // ((A − mean)/std) − min((A − mean)/std) = (A − min A)/std
        SDVariable std = sd.standardDeviation(a, false).add(1e-12);
        SDVariable logP = a.sub(a.min()).mul(std.rdiv(-sinkhorn.epsilon()));        // [N,K]
        SDVariable p = sd.math().exp(logP);
        SDVariable n = sd.sizeAt(zs, 0).castTo(p.dataType());
        double k = codebookSize();
        SDVariable u = onesN;
        SDVariable v = null;
        for (int i = 0; i < sinkhorn.iterations(); i++) {
            // a code (or vector) far from everything has an all-underflowed column (row): keep 1/sum finite
            v = sd.mmul(u, p, true, false, false).mul(k).add(SinkhornAssignment.TINY).rdiv(1.0);       // [1,K]
            u = sd.mmul(p, v, false, true, false).mul(n).add(SinkhornAssignment.TINY).rdiv(1.0);       // [N,1]
        }
        return sd.argmax(prefix + "indices", logP.add(sd.math().log(v)), false, 1);
    }
}
