package io.vqtok.quantizers;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Grouped (multi-head) quantization: z {@code [N, D]} is split into G groups of d = D/G channels, each
 * quantized on its own, with one shared quantizer or one per group; the output concatenates the groups'
 * outputs. Indices are {@code [N, G]}, group g in column g.
 *
 * <p>With a shared codebook the groups are quantized as N·G rows of one {@code [N·G, d]} batch; with separate
 * ones, each group's loss terms are averaged over the groups.
 */
public final class GroupedQuantizer extends AbstractQuantizer<GroupedQuantizerConfig> {
    private final List<Quantizer> groups;

    public GroupedQuantizer(GroupedQuantizerConfig config, String prefix, long seed) {
        super(config, prefix);
        List<Quantizer> list = new ArrayList<>();
        int count = config.shared() ? 1 : config.groups();
        for (int g = 0; g < count; g++) list.add(config.group().create(prefix + (config.shared() ? "shared." : "group" + g + "."), seed + 104729L * (g + 1)));
        this.groups = List.copyOf(list);
    }

    /** The group quantizers: one when shared, else G. */
    public List<Quantizer> groupQuantizers() {
        return groups;
    }

    @Override
    public int codebookSize() {
        return groups.get(0).codebookSize();
    }

    @Override
    public int dim() {
        return config.dim();
    }

    @Override
    public int indexChannels() {
        return config.groups();
    }

    private int groupDim() {
        return config.group().dim();
    }

    @Override
    public GraphQuantization quantize(SameDiff sd, SDVariable z) {
        int g = config.groups(), d = groupDim();
        if (config.shared()) {
            GraphQuantization q = groups.get(0).quantize(sd, sd.reshape(z, -1, d));
            return new GraphQuantization(sd.reshape(q.quantized(), -1, (long) g * d),
                    sd.reshape(GraphOps.asIndex(q.indices()), -1, g), q.losses());
        }
        SDVariable[] outs = new SDVariable[g];
        SDVariable[] idx = new SDVariable[g];
        Map<String, SDVariable> losses = new LinkedHashMap<>();
        for (int i = 0; i < g; i++) {
            GraphQuantization q = groups.get(i).quantize(sd, z.get(SDIndex.all(), SDIndex.interval((long) i * d, (long) (i + 1) * d)));
            outs[i] = q.quantized();
            idx[i] = GraphOps.asIndex(q.indices());
            q.losses().forEach((name, loss) -> losses.merge(name, loss, SDVariable::add));
        }
        losses.replaceAll((name, loss) -> loss.div(g));
        return new GraphQuantization(sd.concat(1, outs), sd.stack(prefix + "indices", 1, idx), losses);
    }

    private INDArray group(INDArray z, int i) {
        int d = groupDim();
        return z.get(NDArrayIndex.all(), NDArrayIndex.interval((long) i * d, (long) (i + 1) * d)).dup('c');
    }

    @Override
    public int initializationRows() {
        if (config.shared()) return (groups.get(0).initializationRows() + config.groups() - 1) / config.groups();
        return groups.stream().mapToInt(Quantizer::initializationRows).max().orElse(0);
    }

    @Override
    public void initialize(INDArray z) {
        if (config.shared()) groups.get(0).initialize(z.dup('c').reshape(-1, groupDim()));
        else for (int i = 0; i < groups.size(); i++) groups.get(i).initialize(group(z, i));
    }

    @Override
    public boolean assignsOutsideGraph() {
        return Composite.assignsOutsideGraph(groups);
    }

    @Override
    public INDArray prepare(INDArray z, StepContext step) {
        long n = z.size(0);
        int g = config.groups();
        if (config.shared()) return groups.get(0).prepare(z.castTo(DataType.FLOAT).dup('c').reshape(n * g, groupDim()), step).reshape(n, g);
        INDArray out = Nd4j.create(DataType.INT32, n, g);
        for (int i = 0; i < g; i++) out.get(NDArrayIndex.all(), NDArrayIndex.point(i)).assign(groups.get(i).prepare(group(z, i), step).reshape(n));
        return out;
    }

    @Override
    public int afterStep(long step, StepContext context) {
        return Composite.afterStep(groups, step, context);
    }

    @Override
    public INDArray indices(INDArray z) {
        long n = z.size(0);
        int g = config.groups();
        if (config.shared()) return groups.get(0).indices(z.castTo(DataType.FLOAT).dup('c').reshape(n * g, groupDim())).reshape(n, g);
        INDArray out = Nd4j.create(DataType.INT32, n, g);
        for (int i = 0; i < g; i++) out.get(NDArrayIndex.all(), NDArrayIndex.point(i)).assign(groups.get(i).indices(group(z, i)).reshape(n));
        return out;
    }

    @Override
    public INDArray codes(INDArray indices) {
        INDArray idx = checkIndices(indices);
        long n = idx.size(0);
        int g = config.groups();
        if (config.shared()) return groups.get(0).codes(idx.dup('c').reshape(n * g, 1)).reshape(n, (long) g * groupDim());
        INDArray[] parts = new INDArray[g];
        for (int i = 0; i < g; i++) parts[i] = groups.get(i).codes(idx.getColumn(i).dup().reshape(n, 1));
        return Nd4j.hstack(parts);
    }

    @Override
    public Map<String, INDArray> stepInputs(long step, int samples, int vectorsPerSample, boolean training) {
        Map<String, INDArray> m = new java.util.LinkedHashMap<>();
        for (Quantizer q : groups) m.putAll(q.stepInputs(step, samples, vectorsPerSample, training));
        return m;
    }

    @Override
    public Map<String, INDArray> parameters() {
        return Composite.parameters(groups);
    }

    @Override
    public Map<String, INDArray> buffers() {
        return Composite.buffers(groups);
    }

    @Override
    public Map<String, INDArray> trainingState() {
        return Composite.trainingState(groups);
    }

    @Override
    public void loadTrainingState(Map<String, INDArray> saved) {
        Composite.loadTrainingState(groups, saved);
    }
}
