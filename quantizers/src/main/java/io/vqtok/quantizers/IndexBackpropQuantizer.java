package io.vqtok.quantizers;

import io.vqtok.codebook.Distances;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Index backpropagation quantization (IBQ; Shi et al. 2024, "Taming Scalable Visual Tokenizer for Autoregressive
 * Image Generation"): a straight-through estimator on the one-hot code selection, so that every code receives
 * gradient, not only the chosen ones.
 *
 * <p>For z {@code [N, D]} and codebook E {@code [K, D]}: logits l = z Eᵀ {@code [N, K]}, p = softmax(l),
 * k* = argmax l, h = onehot(k*), ĥ = h + p − sg(p) (value h, gradient of p), output q = ĥ E (value e_{k*}).
 * Loss terms: {@code codebook} = mean‖q − sg(z)‖², {@code commitment} = β·mean‖sg(e_{k*}) − z‖² and, with a weight,
 * IBQ's {@code entropy} loss on softmax(τ⁻¹·l) (per-vector entropy minus codebook entropy, see
 * {@link GraphOps#entropyLoss}), which keeps the codes in use. Inference
 * picks the code of largest inner product with z. With distance logits, l = −‖z − e‖² (up to a per-row constant) and
 * the chosen code is the nearest one.
 */
public final class IndexBackpropQuantizer extends AbstractQuantizer<IbqConfig> {
    private final long seed;
    private final INDArray codebook;

    public IndexBackpropQuantizer(IbqConfig config, String prefix, long seed) {
        super(config, prefix);
        this.seed = seed;
        this.codebook = config.init().initial(config.codebookSize(), config.dim(), seed);
    }

    @Override
    public int codebookSize() {
        return config.codebookSize();
    }

    /** The live codebook {@code [K, D]}. */
    public INDArray codebook() {
        return codebook;
    }

    @Override
    public GraphQuantization quantize(SameDiff sd, SDVariable z) {
        SDVariable e = sd.var(prefix + "codebook", codebook);
        SDVariable logits = sd.mmul(z, e, false, true, false);                                  // [N,K]
        // −‖z − e‖² up to the per-row constant ‖z‖², which the softmax and the argmax ignore
        if (config.logits() == IbqConfig.Logits.DISTANCE) logits = logits.mul(2.0).sub(e.mul(e).sum(1));
        SDVariable soft = sd.nn().softmax(logits, 1);
        SDVariable idx = sd.argmax(prefix + "indices", GraphOps.stopGradient(sd, logits), false, 1);
        SDVariable hard = GraphOps.stopGradient(sd, sd.oneHot(idx, codebookSize()).castTo(z.dataType()));
        SDVariable select = hard.add(soft.sub(GraphOps.stopGradient(sd, soft)));
        SDVariable q = select.mmul(e);                                                          // [N,D]
        SDVariable chosen = GraphOps.lookupValues(sd, idx, GraphOps.codebookValues(sd, prefix + "codebook.values", codebook));
        Map<String, SDVariable> losses = new LinkedHashMap<>();
        SDVariable diff = q.sub(GraphOps.stopGradient(sd, z));
        losses.put("codebook", diff.mul(diff).mean(prefix + "codebook_loss"));
        losses.put("commitment", GraphOps.commitmentLoss(sd, prefix + "commitment_loss", z, chosen, config.beta()));
        if (config.entropyWeight() > 0)
            losses.put("entropy", GraphOps.entropyLoss(sd, prefix + "entropy_loss", logits.mul(config.entropyInverseTemperature()), 1.0,
                    config.entropyWeight()));
        return new GraphQuantization(q, idx, losses);
    }

    @Override
    public int initializationRows() {
        return config.init().needsData() ? codebookSize() : 0;
    }

    @Override
    public void initialize(INDArray z) {
        INDArray fitted = config.init().fromData(z, codebookSize(), seed, config.kmeansIterations());
        if (fitted != null) codebook.assign(fitted);
    }

    @Override
    public INDArray indices(INDArray z) {
        INDArray x = z.castTo(DataType.FLOAT);
        INDArray idx = config.logits() == IbqConfig.Logits.DISTANCE ? Distances.nearest(x, codebook) : Distances.largestInnerProduct(x, codebook);
        return idx.reshape(z.size(0), 1);
    }

    @Override
    public INDArray codes(INDArray indices) {
        return Nd4j.pullRows(codebook, 1, checkIndices(indices).reshape(-1).toIntVector());
    }

    @Override
    public Map<String, INDArray> parameters() {
        return Map.of(prefix + "codebook", codebook);
    }
}
