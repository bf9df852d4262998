package io.vqtok.quantizers;

import io.vqtok.codebook.CodebookInit;
import io.vqtok.codebook.Distances;
import io.vqtok.codebook.RandomArrays;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * SimVQ (Zhu et al. 2024, "Addressing Representation Collapse in Vector Quantized Models with One Linear
 * Layer"): a frozen random codebook C {@code [K, D]} ~ N(0, 1/D) reparameterised by a learned linear map,
 * codes E = C·W (+ b). Every code moves whenever W does, so none is left behind.
 *
 * <p>Nearest neighbour against E with the straight-through estimator (or the rotation trick); loss terms {@code codebook} =
 * mean‖sg(z) − q‖² (trains W) and {@code commitment} = β·mean‖z − sg(q)‖². {@link #codes} applies W, so
 * decoding indices gives the vectors the decoder saw in training.
 */
public final class SimVectorQuantizer extends AbstractQuantizer<SimVqConfig> {
    private final INDArray frozen;
    private final INDArray w;
    private final INDArray b;

    public SimVectorQuantizer(SimVqConfig config, String prefix, long seed) {
        super(config, prefix);
        int d = config.dim();
        this.frozen = CodebookInit.NORMAL.initial(config.codebookSize(), d, seed);
        this.w = RandomArrays.uniform(new SplittableRandom(seed ^ 0x51a7L), 1 / Math.sqrt(d), d, d);
        this.b = config.bias() ? Nd4j.zeros(DataType.FLOAT, d) : null;
    }

    @Override
    public int codebookSize() {
        return config.codebookSize();
    }

    /** The effective codebook C·W (+ b) {@code [K, D]}, computed from the current state. */
    public INDArray codebook() {
        INDArray e = frozen.mmul(w);
        return b == null ? e : e.addiRowVector(b);
    }

    @Override
    public GraphQuantization quantize(SameDiff sd, SDVariable z) {
        SDVariable c = sd.hasVariable(prefix + "frozen_codebook") ? sd.getVariable(prefix + "frozen_codebook")
                : GraphOps.codebookValues(sd, prefix + "frozen_codebook", frozen);
        SDVariable wv = sd.hasVariable(prefix + "proj.w") ? sd.getVariable(prefix + "proj.w") : sd.var(prefix + "proj.w", w);
        SDVariable bv = b == null ? null : sd.hasVariable(prefix + "proj.b") ? sd.getVariable(prefix + "proj.b") : sd.var(prefix + "proj.b", b);
        SDVariable idx = GraphOps.assignment(sd, prefix);
        // gather from the constant C, then the linear map: an exact gradient reaches W
        SDVariable q = GraphOps.lookupValues(sd, idx, c).mmul(wv);
        if (bv != null) q = q.add(bv);
        Map<String, SDVariable> losses = new LinkedHashMap<>();
        SDVariable diff = GraphOps.stopGradient(sd, z).sub(q);
        losses.put("codebook", diff.mul(diff).mean(GraphOps.unique(sd, prefix + "codebook_loss")));
        losses.put("commitment", GraphOps.commitmentLoss(sd, GraphOps.unique(sd, prefix + "commitment_loss"), z, q, config.beta()));
        return new GraphQuantization(GraphOps.estimate(sd, config.estimator(), z, q), idx, losses);
    }

    @Override
    public boolean assignsOutsideGraph() {
        return true;
    }

    @Override
    public INDArray prepare(INDArray z, StepContext step) {
        int[] idx = Distances.nearestIndices(z.castTo(DataType.FLOAT), codebook());
        return GraphOps.feedAssignment(step, this, z, idx).reshape(idx.length, 1);
    }

    @Override
    public INDArray indices(INDArray z) {
        return Distances.nearest(z.castTo(DataType.FLOAT), codebook()).reshape(z.size(0), 1);
    }

    @Override
    public INDArray codes(INDArray indices) {
        INDArray idx = checkIndices(indices);
        INDArray q = Nd4j.pullRows(frozen, 1, idx.reshape(-1).toIntVector()).mmul(w);
        return b == null ? q : q.addiRowVector(b);
    }

    @Override
    public Map<String, INDArray> parameters() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put(prefix + "proj.w", w);
        if (b != null) m.put(prefix + "proj.b", b);
        return m;
    }

    @Override
    public Map<String, INDArray> buffers() {
        return Map.of(prefix + "frozen_codebook", frozen);
    }
}
