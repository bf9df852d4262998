package io.vqtok.quantizers;

import io.vqtok.codebook.StepRandom;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Residual quantization over any quantizer (Zeghidour et al. 2021, SoundStream; Lee et al. 2022, RQ-VAE):
 * stage s quantizes r_s (r_1 = z, r_{s+1} = r_s − q_s) and the output is Σ_s q_s.
 *
 * <p>Each stage's output carries that stage's own gradient estimator, and the residual is not
 * stop-gradiented (as in EnCodec and DAC), so with straight-through stages the gradient reaching z is the
 * output gradient exactly once. Loss terms of the same name are summed over stages. Indices are
 * {@code [N, Q]}; {@link #codes(INDArray, int)} decodes with the first n ≤ Q stages.
 *
 * <p>Quantizer dropout (training only): a placeholder mask {@code [N, Q]} fed each step keeps the first n
 * stages of a batch (BATCH) or of each sample (SAMPLE, as in DAC) with probability {@code dropoutRate},
 * n ~ U{1..Q}; dropped stages add nothing to the output, and each stage's loss terms are weighted by the
 * fraction of rows that use it.
 *
 * <p>Options: one codebook shared by all stages (one quantizer applied Q times, updated from all stages'
 * assignments), and residual FSQ scaling (stage l quantizes the residual times (L_j − 1)^l per channel).
 */
public final class ResidualQuantizer extends AbstractQuantizer<ResidualQuantizerConfig> {
    private final List<Quantizer> stages;
    private final List<Quantizer> distinct;   // the stages' quantizers, once each (one when the codebook is shared)
    private final INDArray[] scales;          // [1, D] per stage, or null: stage l sees the residual divided by scales[l]
    private final long dropoutSeed;

    public ResidualQuantizer(ResidualQuantizerConfig config, String prefix, long seed) {
        super(config, prefix);
        List<Quantizer> list = new ArrayList<>();
        Quantizer shared = config.sharedCodebook() ? config.stage().create(prefix + "shared.", seed + 7919L) : null;
        for (int s = 0; s < config.stages(); s++)
            list.add(shared != null ? shared : config.stage().create(prefix + "stage" + s + ".", seed + 7919L * (s + 1)));
        this.stages = Collections.unmodifiableList(list);
        this.distinct = shared != null ? List.of(shared) : stages;
        this.scales = config.scaleStages() ? fsqScales((FsqConfig) config.stage(), config.stages()) : null;
        this.dropoutSeed = seed ^ 0xd120L;
    }

    /** (L_j − 1)^(−l) {@code [1, d]} for stage l. */
    private static INDArray[] fsqScales(FsqConfig fsq, int stages) {
        int[] levels = fsq.levels();
        INDArray[] out = new INDArray[stages];
        for (int l = 0; l < stages; l++) {
            float[] v = new float[levels.length];
            for (int j = 0; j < levels.length; j++) v[j] = (float) Math.pow(levels[j] - 1, -l);
            out[l] = Nd4j.create(v, new long[]{1, levels.length}, DataType.FLOAT);
        }
        return out;
    }

    private boolean dropsOut() {
        return config.dropout() != ResidualQuantizerConfig.Dropout.NONE && config.dropoutRate() > 0;
    }

    private String maskName() {
        return prefix + "dropout_mask";
    }

    @Override
    public Map<String, INDArray> stepInputs(long step, int samples, int vectorsPerSample, boolean training) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (Quantizer q : distinct) m.putAll(q.stepInputs(step, samples, vectorsPerSample, training));
        if (!dropsOut()) return m;
        int q = stages.size();
        int[] keep = new int[samples];
        java.util.Arrays.fill(keep, q);
        if (training) {
            java.util.SplittableRandom random = StepRandom.of(dropoutSeed, step);
            if (config.dropout() == ResidualQuantizerConfig.Dropout.BATCH) {
                if (random.nextDouble() < config.dropoutRate()) java.util.Arrays.fill(keep, 1 + random.nextInt(q));
            } else {
                for (int s = 0; s < samples; s++) if (random.nextDouble() < config.dropoutRate()) keep[s] = 1 + random.nextInt(q);
            }
        }
        float[] mask = new float[samples * vectorsPerSample * q];
        for (int s = 0; s < samples; s++)
            for (int v = 0; v < vectorsPerSample; v++)
                for (int j = 0; j < keep[s]; j++) mask[(s * vectorsPerSample + v) * q + j] = 1f;
        m.put(maskName(), Nd4j.create(mask, new long[]{(long) samples * vectorsPerSample, q}, DataType.FLOAT));
        return m;
    }

    /** The stage quantizers, in order. */
    public List<Quantizer> stages() {
        return stages;
    }

    @Override
    public int codebookSize() {
        return stages.get(0).codebookSize();
    }

    @Override
    public int indexChannels() {
        return stages.size();
    }

    @Override
    public GraphQuantization quantize(SameDiff sd, SDVariable z) {
        SDVariable residual = z;
        SDVariable total = null;
        SDVariable[] indices = new SDVariable[stages.size()];
        Map<String, SDVariable> losses = new LinkedHashMap<>();
        SDVariable mask = dropsOut() ? sd.placeHolder(maskName(), DataType.FLOAT, -1, stages.size()) : null;
        for (int s = 0; s < stages.size(); s++) {
            SDVariable scale = scales == null || s == 0 ? null : sd.constant(scales[s]);
            GraphQuantization g = stages.get(s).quantize(sd, scale == null ? residual : residual.div(scale));
            SDVariable out = scale == null ? g.quantized() : g.quantized().mul(scale);
            SDVariable keep = mask == null ? null : mask.get(SDIndex.all(), SDIndex.interval(s, s + 1));   // [N,1]
            SDVariable contribution = keep == null ? out : out.mul(keep);
            total = total == null ? contribution : total.add(contribution);
            residual = residual.sub(out);
            indices[s] = GraphOps.asIndex(g.indices());
            SDVariable used = keep == null ? null : keep.mean();
            g.losses().forEach((name, loss) -> losses.merge(name, used == null ? loss : loss.mul(used), SDVariable::add));
        }
        SDVariable idx = sd.stack(prefix + "indices", 1, indices);
        return new GraphQuantization(total, idx, losses);
    }

    @Override
    public int initializationRows() {
        if (config.sharedCodebook()) return stages.get(0).initializationRows();
        return stages.stream().mapToInt(Quantizer::initializationRows).sum();
    }

    /**
     * Initialises each stage from the residuals the stages before it leave. Rows that an earlier stage reproduced
     * exactly (a data-initialised code is a copy of a row, so that row's residual is zero, and after the next stage
     * minus a code) are left out while enough others remain ({@link #initializationRows} of the stage), so that later
     * stages do not start with codes at 0 or at copies of earlier stages' codes.
     */
    @Override
    public void initialize(INDArray z) {
        if (config.sharedCodebook()) {
            stages.get(0).initialize(z);
            return;
        }
        INDArray residual = z.castTo(DataType.FLOAT).dup();
        boolean[] reproduced = new boolean[(int) z.size(0)];
        for (int s = 0; s < stages.size(); s++) {
            Quantizer q = stages.get(s);
            INDArray in = scaled(residual, s);
            q.initialize(unreproduced(in, reproduced, q.initializationRows()));
            residual.subi(unscaled(q.codes(q.indices(in)), s));
            float[] left = residual.norm1(1).toFloatVector();
            for (int i = 0; i < left.length; i++) reproduced[i] |= left[i] == 0;
        }
    }

    /** The rows of {@code rows} not marked {@code reproduced}, when at least {@code wanted} are left; else all rows. */
    static INDArray unreproduced(INDArray rows, boolean[] reproduced, int wanted) {
        int[] keep = java.util.stream.IntStream.range(0, reproduced.length).filter(i -> !reproduced[i]).toArray();
        if (keep.length == reproduced.length || keep.length < Math.max(1, wanted)) return rows;
        return Nd4j.pullRows(rows, 1, keep);
    }

    private INDArray scaled(INDArray residual, int stage) {
        return scales == null || stage == 0 ? residual : residual.divRowVector(scales[stage]);
    }

    private INDArray unscaled(INDArray out, int stage) {
        return scales == null || stage == 0 ? out : out.muliRowVector(scales[stage]);
    }

    @Override
    public boolean assignsOutsideGraph() {
        return Composite.assignsOutsideGraph(distinct);
    }

    /** Prepares each stage on the residual the graph will give it: r_1 = z, r_{s+1} = r_s − q_s. */
    @Override
    public INDArray prepare(INDArray z, StepContext step) {
        return residualIndices(z, step);
    }

    @Override
    public int afterStep(long step, StepContext context) {
        return Composite.afterStep(distinct, step, context);
    }

    @Override
    public INDArray indices(INDArray z) {
        return residualIndices(z, null);
    }

    /** Each stage's indices on its residual; with a step context, prepared for training (the input of each stage copied). */
    private INDArray residualIndices(INDArray z, StepContext step) {
        INDArray residual = z.castTo(DataType.FLOAT).dup();
        INDArray out = Nd4j.create(DataType.INT32, z.size(0), stages.size());
        for (int s = 0; s < stages.size(); s++) {
            INDArray in = scaled(residual, s);
            INDArray idx = step == null ? stages.get(s).indices(in) : stages.get(s).prepare(in == residual ? in.dup() : in, step);
            out.get(NDArrayIndex.all(), NDArrayIndex.point(s)).assign(idx.reshape(-1));
            residual.subi(unscaled(stages.get(s).codes(idx), s));
        }
        return out;
    }

    @Override
    public INDArray codes(INDArray indices) {
        return codes(indices, stages.size());
    }

    /** Sum of the codes of the first {@code n} stages, for indices {@code [N, Q]}. */
    @Override
    public INDArray codes(INDArray indices, int n) {
        if (n < 1 || n > stages.size())
            throw new IllegalArgumentException("number of stages to decode must be in [1, " + stages.size() + "], got " + n);
        INDArray idx = checkIndices(indices);
        INDArray total = null;
        for (int s = 0; s < n; s++) {
            INDArray c = unscaled(stages.get(s).codes(idx.getColumn(s).dup().reshape(idx.size(0), 1)), s);
            total = total == null ? c : total.addi(c);
        }
        return total;
    }

    @Override
    public Map<String, INDArray> parameters() {
        return Composite.parameters(distinct);
    }

    @Override
    public Map<String, INDArray> buffers() {
        return Composite.buffers(distinct);
    }

    @Override
    public Map<String, INDArray> trainingState() {
        return Composite.trainingState(distinct);
    }

    @Override
    public void loadTrainingState(Map<String, INDArray> saved) {
        Composite.loadTrainingState(distinct, saved);
    }
}
