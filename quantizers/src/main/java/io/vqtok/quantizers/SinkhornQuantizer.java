package io.vqtok.quantizers;

import io.vqtok.codebook.SinkhornAssignment;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Vector quantizer whose training-time assignment is an entropic optimal-transport plan between the
 * batch and the codebook (OptVQ, Zhang et al. 2024, "Preventing Local Pitfalls in Vector Quantization via
 * Optimal Transport"): every code receives its share of the batch, so none dies.
 *
 * <p>Euclidean cost ‖z − e‖ {@code [N, K]}, normalised over the whole matrix ((A − mean)/std, then minus its min),
 * Q = exp(−ε·A), {@code iterations} Sinkhorn scalings to uniform marginals, assignment argmax_k Q_nk
 * (see {@link SinkhornAssignment}, stabilised so that codes far from the batch still get mass), computed outside the
 * graph and fed to it. Inference uses plain nearest neighbour, since the plan depends on the batch. Straight-through estimator and loss terms as in {@link VectorQuantizer}.
 */
public final class SinkhornQuantizer extends VectorQuantizer {
    private final SinkhornAssignment sinkhorn;

    public SinkhornQuantizer(SinkhornConfig config, String prefix, long seed) {
        super(config.base(), config, prefix, seed);
        this.sinkhorn = new SinkhornAssignment(config.epsilon(), config.iterations(), config.warmStart());
    }

    /** The row-wise argmax of the stabilised transport plan between the batch and the codes (outside the graph). */
    @Override
    protected int[] trainingAssignment(INDArray x, INDArray codes) {
        return sinkhorn.assign(x, codes);
    }
}
