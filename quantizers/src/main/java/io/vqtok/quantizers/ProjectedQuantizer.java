package io.vqtok.quantizers;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

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
public final class ProjectedQuantizer extends AbstractQuantizer<ProjectedQuantizerConfig> {
    private final Quantizer inner;
    private final LinearMap projectIn, projectOut;

    public ProjectedQuantizer(ProjectedQuantizerConfig config, String prefix, long seed) {
        super(config, prefix);
        this.inner = config.inner().create(prefix + "inner.", seed + 1);
        int big = config.dim(), small = config.inner().dim();
        SplittableRandom r = new SplittableRandom(seed);
        projectIn = new LinearMap(prefix + "proj_in", big, small, r);
        projectOut = new LinearMap(prefix + "proj_out", small, big, r);
    }


    /** The quantizer of the code space. */
    public Quantizer inner() {
        return inner;
    }

    @Override
    public int codebookSize() {
        return inner.codebookSize();
    }

    @Override
    public int indexChannels() {
        return inner.indexChannels();
    }

    @Override
    public GraphQuantization quantize(SameDiff sd, SDVariable z) {
        GraphQuantization g = inner.quantize(sd, projectIn.apply(sd, z));
        SDVariable out = projectOut.apply(sd, g.quantized());
        return new GraphQuantization(out, g.indices(), g.losses());
    }

    @Override
    public Map<String, INDArray> stepInputs(long step, int samples, int vectorsPerSample, boolean training) {
        return inner.stepInputs(step, samples, vectorsPerSample, training);
    }

    @Override
    public void initialize(INDArray z) {
        inner.initialize(projectIn.apply(z));
    }

    @Override
    public int initializationRows() {
        return inner.initializationRows();
    }

    @Override
    public boolean assignsOutsideGraph() {
        return inner.assignsOutsideGraph();
    }

    @Override
    public INDArray prepare(INDArray z, StepContext step) {
        return inner.prepare(projectIn.apply(z), step);
    }

    @Override
    public int afterStep(long step, StepContext context) {
        return inner.afterStep(step, context);
    }

    @Override
    public INDArray indices(INDArray z) {
        return inner.indices(projectIn.apply(z));
    }

    @Override
    public INDArray codes(INDArray indices) {
        return projectOut.apply(inner.codes(indices));
    }

    @Override
    public INDArray codes(INDArray indices, int stages) {
        return projectOut.apply(inner.codes(indices, stages));
    }

    @Override
    public Map<String, INDArray> parameters() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        projectIn.addParameters(m);
        projectOut.addParameters(m);
        m.putAll(inner.parameters());
        return m;
    }

    @Override
    public Map<String, INDArray> buffers() {
        return inner.buffers();
    }

    @Override
    public Map<String, INDArray> trainingState() {
        return inner.trainingState();
    }

    @Override
    public void loadTrainingState(Map<String, INDArray> saved) {
        inner.loadTrainingState(saved);
    }
}
