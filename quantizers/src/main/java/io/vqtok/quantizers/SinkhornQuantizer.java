package io.vqtok.quantizers;

import io.vqtok.codebook.SinkhornAssignment;
import io.vqtok.codebook.StepRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/**
 * Vector quantizer whose training-time assignment is an entropic optimal-transport plan between the
 * batch and the codebook (OptVQ, Zhang et al. 2024, "Preventing Local Pitfalls in Vector Quantization via
 * Optimal Transport"): every code receives its share of the batch, so none dies.
 *
 * <p>Euclidean cost ‖z − e‖ {@code [N, K]}, normalised over the whole matrix ((A − mean)/std, then minus its min),
 * Q = exp(−ε·A), {@code iterations} Sinkhorn scalings to uniform marginals, assignment argmax_k Q_nk (or, optionally,
 * drawn from the row as OptVQ's {@code use_prob} does)
 * (see {@link SinkhornAssignment}, stabilised so that codes far from the batch still get mass), computed outside the
 * graph and fed to it. Inference uses plain nearest neighbour, since the plan depends on the batch. Straight-through estimator and loss terms as in {@link VectorQuantizer}.
 */
public final class SinkhornQuantizer extends VectorQuantizer {
    private final SinkhornAssignment sinkhorn;
    private final boolean draw;
    private final long drawSeed;

    public SinkhornQuantizer(SinkhornConfig config, String prefix, long seed) {
        super(config.base(), config, prefix, seed);
        this.sinkhorn = new SinkhornAssignment(config.epsilon(), config.iterations(), config.warmStart());
        this.draw = config.draw();
        this.drawSeed = seed ^ 0x0b7aL;
    }

    /**
     * The row-wise argmax of the stabilised transport plan between the batch and the codes (outside the graph), or, when
     * so configured, each row's code drawn from its plan row with the generator of the step.
     */
    @Override
    protected int[] trainingAssignment(INDArray x, INDArray codes, long step) {
        return sinkhorn.assign(x, codes, draw ? StepRandom.of(drawSeed, step) : null);
    }

    private String dualName() {
        return prefix() + "sinkhorn_column_dual";
    }

    /** With warm start: the column duals the next step starts from, DOUBLE {@code [K]} (absent before the first step). */
    @Override
    public Map<String, INDArray> trainingState() {
        double[] dual = sinkhorn.columnDual();
        return dual == null ? Map.of() : Map.of(dualName(), Nd4j.createFromArray(dual));
    }

    @Override
    public void loadTrainingState(Map<String, INDArray> saved) {
        Map<String, INDArray> rest = new java.util.HashMap<>(saved);
        INDArray dual = rest.remove(dualName());
        if (!rest.isEmpty()) throw new IllegalArgumentException("unexpected training state " + rest.keySet() + " for " + config().describe());
        if (dual != null && dual.length() != codebookSize())
            throw new IllegalArgumentException("'" + dualName() + "' has " + dual.length() + " values, expected " + codebookSize());
        sinkhorn.restoreColumnDual(dual == null ? null : dual.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).toDoubleVector());
    }
}
