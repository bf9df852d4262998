package io.vqtok.quantizers;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Lookup-free quantization (Yu et al. 2023, MAGVIT-v2, "Language Model Beats Diffusion"): z {@code [N, D]}
 * is projected to d channels, each quantized to its sign (±1) with the straight-through estimator, and
 * projected back; the index is the binary number Σ_j [q_j &gt; 0]·2^j of the 2^d implicit codes.
 *
 * <p>Loss terms: {@code commitment} = β·mean‖h − sg(q)‖², and {@code entropy} = w·(mean_n H(p_n) − γ·H(mean_n p_n))
 * with p_n = softmax(τ⁻¹·2·h_n·C) over all codes C: confident per-vector assignments, diverse codebook use.
 */
public final class LookupFreeQuantizer extends AbstractQuantizer<LfqConfig> {
    private final int bits;
    private final INDArray allCodes;   // [K, d] of ±1
    private final INDArray powers;     // [1, d] 2^j
    private final LinearMap projectIn, projectOut;

    public LookupFreeQuantizer(LfqConfig config, String prefix, long seed) {
        super(config, prefix);
        this.bits = config.bits();
        int k = config.codebookSize();
        float[] c = new float[k * bits];
        for (int i = 0; i < k; i++) for (int j = 0; j < bits; j++) c[i * bits + j] = ((i >> j) & 1) == 1 ? 1f : -1f;
        allCodes = Nd4j.create(c, new long[]{k, bits}, DataType.FLOAT);
        float[] p = new float[bits];
        for (int j = 0; j < bits; j++) p[j] = 1 << j;
        powers = Nd4j.create(p, new long[]{1, bits}, DataType.FLOAT);
        SplittableRandom r = new SplittableRandom(seed);
        int dim = config.dim();
        projectIn = new LinearMap(prefix + "proj_in", dim, bits, r);
        projectOut = new LinearMap(prefix + "proj_out", bits, dim, r);
    }


    @Override
    public int codebookSize() {
        return config.codebookSize();
    }

    @Override
    public GraphQuantization quantize(SameDiff sd, SDVariable z) {
        SDVariable h = projectIn.apply(sd, z);
        SDVariable positive = GraphOps.stopGradient(sd, sd.gt(h, sd.constant(0f)).castTo(h.dataType()));
        SDVariable q = positive.mul(2.0).sub(1.0);                                  // sign, with sign(0) = −1
        SDVariable quant = GraphOps.straightThrough(sd, h, q);
        SDVariable out = projectOut.apply(sd, quant);
        SDVariable idx = GraphOps.asIndex(positive.mul(sd.constant(powers)).sum(1)).rename(prefix + "indices");

        SDVariable logits = sd.mmul(h, sd.constant(prefix + "all_codes", allCodes), false, true, false).mul(2.0 * config.inverseTemperature());
        Map<String, SDVariable> losses = new LinkedHashMap<>();
        losses.put("entropy", GraphOps.entropyLoss(sd, prefix + "entropy_loss", logits, config.diversityGamma(), config.entropyWeight()));
        losses.put("commitment", GraphOps.commitmentLoss(sd, prefix + "commitment_loss", h, q, config.commitment()));
        return new GraphQuantization(out, idx, losses);
    }

    /**
     * Standardises the input projection on a first batch: each of the d channels starts with zero mean and unit variance,
     * so every bit is positive for about half of the data. Without it the bias of a fresh projection dominates the
     * small encoder outputs, several bits start constant over the whole data set, the commitment term pins them to ±1
     * and the entropy term, which a bit shared by the whole batch leaves unchanged to first order, cannot free them
     * (utilization stuck at exactly 2^-b for b constant bits).
     */
    @Override
    public void initialize(INDArray z) {
        projectIn.standardize(z);
    }

    @Override
    public INDArray indices(INDArray z) {
        INDArray h = projectIn.apply(z);
        INDArray positive = h.gt(0).castTo(DataType.FLOAT);
        return positive.mulRowVector(powers).sum(true, 1).castTo(DataType.INT32);
    }

    /** The ±1 codes {@code [N, d]} of indices. */
    public INDArray signs(INDArray indices) {
        return Nd4j.pullRows(allCodes, 1, checkIndices(indices).reshape(-1).toIntVector());
    }

    @Override
    public INDArray codes(INDArray indices) {
        return projectOut.apply(signs(indices));
    }

    @Override
    public Map<String, INDArray> parameters() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        projectIn.addParameters(m);
        projectOut.addParameters(m);
        return m;
    }
}
