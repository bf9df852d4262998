package io.vqtok.quantizers;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Finite scalar quantization (Mentzer et al. 2023, "Finite Scalar Quantization: VQ-VAE Made Simple").
 *
 * <p>z {@code [N, D]} is projected to d = |levels| channels, each bounded to L_j values by
 * f(h) = tanh(h + atanh(o_j/h_j))·h_j − o_j (h_j = (L_j − 1)(1 + 10⁻³)/2, o_j = ½ for even L_j, else 0)
 * and rounded with the straight-through estimator; the rounded values divided by ⌊L_j/2⌋ lie in [−1, 1]
 * and are projected back to D. The index is the mixed-radix number Σ_j (ẑ_j + ⌊L_j/2⌋)·∏_{i&lt;j} L_i, so
 * the implicit codebook has ∏ L_j codes, all reachable. There is no codebook loss. Unprojected (d = D), z is
 * bounded and rounded directly.
 */
public final class FiniteScalarQuantizer extends AbstractQuantizer<FsqConfig> {
    private final int[] levels;
    private final int d;
    private final INDArray halfLevel;  // [d]  h_j
    private final INDArray offset;     // [d]  o_j
    private final INDArray shift;      // [d]  atanh(o_j / h_j)
    private final INDArray halfWidth;  // [d]  ⌊L_j/2⌋
    private final INDArray basis;      // [d]  ∏_{i<j} L_i
    private final LinearMap projectIn, projectOut;

    public FiniteScalarQuantizer(FsqConfig config, String prefix, long seed) {
        super(config, prefix);
        this.levels = config.levels();
        this.d = levels.length;
        float[] h = new float[d], o = new float[d], s = new float[d], w = new float[d], b = new float[d];
        long acc = 1;
        for (int j = 0; j < d; j++) {
            h[j] = (float) ((levels[j] - 1) * (1 + 1e-3) / 2);
            o[j] = levels[j] % 2 == 0 ? 0.5f : 0f;
            s[j] = (float) atanh(o[j] / h[j]);
            w[j] = levels[j] / 2;
            b[j] = acc;
            acc *= levels[j];
        }
        halfLevel = row(h);
        offset = row(o);
        shift = row(s);
        halfWidth = row(w);
        basis = row(b);
        SplittableRandom r = new SplittableRandom(seed);
        projectIn = config.project() ? new LinearMap(prefix + "proj_in", config.dim(), d, r) : null;
        projectOut = config.project() ? new LinearMap(prefix + "proj_out", d, config.dim(), r) : null;
    }

    private static INDArray row(float[] v) {
        return Nd4j.create(v, new long[]{1, v.length}, DataType.FLOAT);
    }


    private static double atanh(double x) {
        return 0.5 * Math.log((1 + x) / (1 - x));
    }

    @Override
    public int codebookSize() {
        return config.codebookSize();
    }

    @Override
    public GraphQuantization quantize(SameDiff sd, SDVariable z) {
        SDVariable h = projectIn == null ? z : projectIn.apply(sd, z);
        SDVariable bounded = sd.math().tanh(h.add(sd.constant(shift))).mul(sd.constant(halfLevel)).sub(sd.constant(offset));
        SDVariable rounded = GraphOps.stopGradient(sd, sd.math().round(bounded));
        SDVariable zq = GraphOps.straightThrough(sd, bounded, rounded);
        SDVariable codes = zq.div(sd.constant(halfWidth));
        SDVariable out = projectOut == null ? codes : projectOut.apply(sd, codes);
        SDVariable idx = GraphOps.asIndex(rounded.add(sd.constant(halfWidth)).mul(sd.constant(basis)).sum(1))
                .rename(GraphOps.unique(sd, prefix + "indices"));
        return new GraphQuantization(out, idx, new LinkedHashMap<>());
    }

    /** Rounded level values ẑ {@code [N, d]} (integers in [−⌊L/2⌋, ⌊L/2⌋] shifted by o) for z {@code [N, D]}. */
    public INDArray levelValues(INDArray z) {
        INDArray h = projectIn == null ? z.castTo(DataType.FLOAT).dup() : projectIn.apply(z);
        INDArray bounded = Transforms.tanh(h.addiRowVector(shift), false).muliRowVector(halfLevel).subiRowVector(offset);
        return Transforms.round(bounded, false);
    }

    @Override
    public INDArray indices(INDArray z) {
        return indicesOfLevels(levelValues(z));
    }

    /** Mixed-radix indices INT32 {@code [N, 1]} of rounded level values {@code [N, d]}. */
    public INDArray indicesOfLevels(INDArray rounded) {
        INDArray idx = rounded.addRowVector(halfWidth).muliRowVector(basis).sum(true, 1);
        return Transforms.round(idx, false).castTo(DataType.INT32);
    }

    /** The rounded level values {@code [N, d]} of indices {@code [N, 1]} (inverse of {@link #indicesOfLevels}). */
    public INDArray levelsOfIndices(INDArray indices) {
        int[] idx = checkIndices(indices).reshape(-1).toIntVector();
        float[] out = new float[idx.length * d];
        for (int i = 0; i < idx.length; i++) {
            int rest = idx[i];
            for (int j = 0; j < d; j++) {
                int digit = rest % levels[j];
                rest /= levels[j];
                out[i * d + j] = digit - levels[j] / 2;
            }
        }
        return Nd4j.create(out, new long[]{idx.length, d}, DataType.FLOAT);
    }

    @Override
    public INDArray codes(INDArray indices) {
        INDArray normalized = levelsOfIndices(indices).diviRowVector(halfWidth);
        return projectOut == null ? normalized : projectOut.apply(normalized);
    }

    @Override
    public Map<String, INDArray> parameters() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        if (projectIn != null) {
            projectIn.addParameters(m);
            projectOut.addParameters(m);
        }
        return m;
    }
}
