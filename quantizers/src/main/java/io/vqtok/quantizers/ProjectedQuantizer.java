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
 * Low-dimensional code projection around any quantizer: h = z·W_in + b_in {@code [N, d]} is quantized
 * by the inner quantizer, and its output is mapped back, out = q·W_out + b_out {@code [N, D]} (Yu et al. 2022,
 * "Vector-quantized Image Modeling with Improved VQGAN": lookup in a small space improves codebook use).
 *
 * <p>The inner quantizer's loss terms act in the code space; {@link #codes} applies W_out, so decoding
 * indices gives the vectors the decoder saw. Indices are the inner quantizer's.
 */
public final class ProjectedQuantizer implements Quantizer {
    private final ProjectedQuantizerConfig config;
    private final String prefix;
    private final Quantizer inner;
    private final INDArray wIn, bIn, wOut, bOut;

    public ProjectedQuantizer(ProjectedQuantizerConfig config, String prefix, long seed) {
        this.config = config;
        this.prefix = prefix;
        this.inner = config.inner().create(prefix + "inner.", seed + 1);
        int big = config.dim(), small = config.inner().dim();
        SplittableRandom r = new SplittableRandom(seed);
        wIn = uniform(r, 1 / Math.sqrt(big), big, small);
        bIn = uniform(r, 1 / Math.sqrt(big), small);
        wOut = uniform(r, 1 / Math.sqrt(small), small, big);
        bOut = uniform(r, 1 / Math.sqrt(small), big);
    }

    private static INDArray uniform(SplittableRandom r, double bound, long... shape) {
        long n = 1;
        for (long s : shape) n *= s;
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) v[i] = (float) ((r.nextDouble() * 2 - 1) * bound);
        return Nd4j.create(v, shape, DataType.FLOAT);
    }

    /** The quantizer of the code space. */
    public Quantizer inner() {
        return inner;
    }

    @Override
    public ProjectedQuantizerConfig config() {
        return config;
    }

    @Override
    public String prefix() {
        return prefix;
    }

    @Override
    public int codebookSize() {
        return inner.codebookSize();
    }

    @Override
    public int dim() {
        return config.dim();
    }

    @Override
    public int indexChannels() {
        return inner.indexChannels();
    }

    @Override
    public GraphQuantization quantize(SameDiff sd, SDVariable z) {
        SDVariable h = z.mmul(sd.var(prefix + "proj_in.w", wIn)).add(sd.var(prefix + "proj_in.b", bIn));
        GraphQuantization g = inner.quantize(sd, h);
        SDVariable out = g.quantized().mmul(sd.var(prefix + "proj_out.w", wOut)).add(sd.var(prefix + "proj_out.b", bOut));
        return new GraphQuantization(out, g.indices(), g.losses(), g.observed());
    }

    private INDArray projectIn(INDArray z) {
        return z.castTo(DataType.FLOAT).mmul(wIn).addiRowVector(bIn);
    }

    @Override
    public Map<String, INDArray> stepInputs(int samples, int vectorsPerSample, boolean training) {
        return inner.stepInputs(samples, vectorsPerSample, training);
    }

    @Override
    public void initialize(INDArray z) {
        inner.initialize(projectIn(z));
    }

    @Override
    public int afterStep(long step, Map<String, INDArray> observed) {
        return inner.afterStep(step, observed);
    }

    @Override
    public INDArray indices(INDArray z) {
        return inner.indices(projectIn(z));
    }

    @Override
    public INDArray codes(INDArray indices) {
        return inner.codes(indices).castTo(DataType.FLOAT).mmul(wOut).addiRowVector(bOut);
    }

    @Override
    public Map<String, INDArray> parameters() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put(prefix + "proj_in.w", wIn);
        m.put(prefix + "proj_in.b", bIn);
        m.put(prefix + "proj_out.w", wOut);
        m.put(prefix + "proj_out.b", bOut);
        m.putAll(inner.parameters());
        return m;
    }

    @Override
    public Map<String, INDArray> buffers() {
        return inner.buffers();
    }
}
