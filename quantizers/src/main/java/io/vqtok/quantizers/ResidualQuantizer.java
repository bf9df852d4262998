package io.vqtok.quantizers;

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
 */
public final class ResidualQuantizer implements Quantizer {
    private final ResidualQuantizerConfig config;
    private final String prefix;
    private final List<Quantizer> stages;

    public ResidualQuantizer(ResidualQuantizerConfig config, String prefix, long seed) {
        this.config = config;
        this.prefix = prefix;
        List<Quantizer> list = new ArrayList<>();
        for (int s = 0; s < config.stages(); s++)
            list.add(config.stage().create(prefix + "stage" + s + ".", seed + 7919L * (s + 1)));
        this.stages = Collections.unmodifiableList(list);
    }

    /** The stage quantizers, in order. */
    public List<Quantizer> stages() {
        return stages;
    }

    @Override
    public ResidualQuantizerConfig config() {
        return config;
    }

    @Override
    public String prefix() {
        return prefix;
    }

    @Override
    public int codebookSize() {
        return stages.get(0).codebookSize();
    }

    @Override
    public int dim() {
        return config.dim();
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
        List<String> observed = new ArrayList<>();
        for (int s = 0; s < stages.size(); s++) {
            GraphQuantization g = stages.get(s).quantize(sd, residual);
            total = total == null ? g.quantized() : total.add(g.quantized());
            residual = residual.sub(g.quantized());
            indices[s] = GraphOps.asIndex(g.indices());
            g.losses().forEach((name, loss) -> losses.merge(name, loss, SDVariable::add));
            observed.addAll(g.observed());
        }
        SDVariable idx = sd.stack(prefix + "indices", 1, indices);
        return new GraphQuantization(total, idx, losses, observed);
    }

    @Override
    public void initialize(INDArray z) {
        INDArray residual = z.dup();
        for (Quantizer q : stages) {
            q.initialize(residual);
            residual.subi(q.codes(q.indices(residual)));
        }
    }

    @Override
    public int afterStep(long step, Map<String, INDArray> observed) {
        int reseeded = 0;
        for (Quantizer q : stages) reseeded += q.afterStep(step, observed);
        return reseeded;
    }

    @Override
    public INDArray indices(INDArray z) {
        INDArray residual = z.castTo(DataType.FLOAT).dup();
        INDArray out = Nd4j.create(DataType.INT32, z.size(0), stages.size());
        for (int s = 0; s < stages.size(); s++) {
            INDArray idx = stages.get(s).indices(residual);
            out.get(NDArrayIndex.all(), NDArrayIndex.point(s)).assign(idx.reshape(-1));
            residual.subi(stages.get(s).codes(idx));
        }
        return out;
    }

    @Override
    public INDArray codes(INDArray indices) {
        return codes(indices, stages.size());
    }

    /** Sum of the codes of the first {@code n} stages, for indices {@code [N, Q]}. */
    public INDArray codes(INDArray indices, int n) {
        if (n < 1 || n > stages.size())
            throw new IllegalArgumentException("number of stages to decode must be in [1, " + stages.size() + "], got " + n);
        INDArray idx = checkIndices(indices);
        INDArray total = null;
        for (int s = 0; s < n; s++) {
            INDArray c = stages.get(s).codes(idx.getColumn(s).dup().reshape(idx.size(0), 1));
            total = total == null ? c : total.addi(c);
        }
        return total;
    }

    @Override
    public Map<String, INDArray> parameters() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (Quantizer q : stages) m.putAll(q.parameters());
        return m;
    }

    @Override
    public Map<String, INDArray> buffers() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (Quantizer q : stages) m.putAll(q.buffers());
        return m;
    }
}
