package io.vqtok.quantizers;

import io.vqtok.codebook.SinkhornAssignment;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Vector quantizer whose training-time assignment is an entropic optimal-transport plan between the
 * batch and the codebook (OptVQ, Zhang et al. 2024, "Preventing Local Pitfalls in Vector Quantization via
 * Optimal Transport"): every code receives its share of the batch, so none dies.
 *
 * <p>Cost ‖z − e‖² {@code [N, K]}, normalised over the whole matrix ((A − mean)/std, then minus its min),
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
        SDVariable zs = GraphOps.stopGradient(sd, z);
        SDVariable zz = zs.mul(zs).sum(true, 1);                                   // [N,1]
        SDVariable ee = codebookValues.mul(codebookValues).sum(1);                 // [K]
        SDVariable a = sd.mmul(zs, codebookValues, false, true, false).mul(-2.0).add(zz).add(ee); // [N,K]
        SDVariable centred = a.sub(a.mean());
        SDVariable std = sd.math().sqrt(centred.mul(centred).mean()).add(1e-12);
        SDVariable normalised = centred.div(std);
        normalised = normalised.sub(normalised.min());
        SDVariable q = sd.math().exp(normalised.mul(-sinkhorn.epsilon()));
        long k = codebookSize();
        SDVariable n = sd.sizeAt(zs, 0).castTo(q.dataType());
        for (int i = 0; i < sinkhorn.iterations(); i++) {
            q = q.div(q.sum(true, 0).mul((double) k));
            q = q.div(q.sum(true, 1).mul(n));
        }
        return sd.argmax(prefix + "indices", q, false, 1);
    }
}
