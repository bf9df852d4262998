package io.vqtok.quantizers;

import io.vqtok.codebook.Assignments;
import io.vqtok.codebook.DeadCodeReseeder;
import io.vqtok.codebook.Distances;
import io.vqtok.codebook.EmaCodebookState;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Vector quantizer with an exponential-moving-average codebook (van den Oord et al. 2017, appendix A.1;
 * Razavi et al. 2019, VQ-VAE-2) and Laplace-smoothed cluster sizes, with optional dead-code reseeding
 * from encoder outputs that also resets the reseeded code's EMA statistics.
 *
 * <p>The codebook E {@code [K, D]} is not trained by gradient: after each step, N_k ← γN_k + (1−γ)n_k,
 * m_k ← γm_k + (1−γ)Σ z, e_k = m_k / Ñ_k. Only the commitment loss β·mean‖z − sg(q)‖² reaches the
 * encoder; the output is z + sg(q − z).
 */
public final class EmaVectorQuantizer implements Quantizer {
    private final EmaQuantizerConfig config;
    private final String prefix;
    private final long seed;
    private final EmaCodebookState ema;
    private final DeadCodeReseeder reseeder;
    private String observedInput;
    private String observedIndices;

    public EmaVectorQuantizer(EmaQuantizerConfig config, String prefix, long seed) {
        this.config = config;
        this.prefix = prefix;
        this.seed = seed;
        INDArray codebook = config.init().initial(config.codebookSize(), config.dim(), seed);
        this.ema = EmaCodebookState.initial(codebook, config.decay(), config.eps());
        this.reseeder = new DeadCodeReseeder(config.reseed(), seed ^ 0x5eed5eedL);
    }

    @Override
    public EmaQuantizerConfig config() {
        return config;
    }

    @Override
    public String prefix() {
        return prefix;
    }

    @Override
    public int codebookSize() {
        return config.codebookSize();
    }

    @Override
    public int dim() {
        return config.dim();
    }

    @Override
    public int indexChannels() {
        return 1;
    }

    /** The EMA statistics (codebook, cluster sizes, sums), live. */
    public EmaCodebookState ema() {
        return ema;
    }

    @Override
    public GraphQuantization quantize(SameDiff sd, SDVariable z) {
        // A constant: the graph reads the live array, which afterStep updates in place.
        SDVariable e = GraphOps.codebookValues(sd, prefix + "codebook", ema.codebook());
        SDVariable idx = GraphOps.nearestIndices(sd, prefix + "indices", z, e);
        SDVariable q = GraphOps.lookupValues(sd, idx, e);
        Map<String, SDVariable> losses = new LinkedHashMap<>();
        losses.put("commitment", GraphOps.commitmentLoss(sd, prefix + "commitment_loss", z, q, config.beta()));
        observedInput = z.name();
        observedIndices = idx.name();
        return new GraphQuantization(GraphOps.straightThrough(sd, z, q), idx, losses, List.of(observedInput, observedIndices));
    }

    @Override
    public void initialize(INDArray z) {
        INDArray fitted = config.init().fromData(z, codebookSize(), seed, config.kmeansIterations());
        if (fitted != null) {
            ema.codebook().assign(fitted);
            ema.embedSum().assign(fitted);
            ema.clusterSize().assign(1.0);
        }
    }

    @Override
    public int afterStep(long step, Map<String, INDArray> observed) {
        INDArray z = observed.get(observedInput);
        INDArray idx = observed.get(observedIndices);
        if (z == null || idx == null) throw new IllegalStateException("quantizer " + prefix + " did not get its observed values");
        int[] indices = idx.toIntVector();
        ema.update(Assignments.of(z.castTo(ema.codebook().dataType()), indices, codebookSize()));
        return reseeder.step(step, ema, z, indices).length;
    }

    @Override
    public INDArray indices(INDArray z) {
        return Distances.nearest(z.castTo(ema.codebook().dataType()), ema.codebook()).reshape(z.size(0), 1);
    }

    @Override
    public INDArray codes(INDArray indices) {
        INDArray idx = checkIndices(indices);
        return Nd4j.pullRows(ema.codebook(), 1, idx.reshape(-1).toIntVector());
    }

    @Override
    public Map<String, INDArray> parameters() {
        return Map.of();
    }

    @Override
    public Map<String, INDArray> buffers() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put(prefix + "codebook", ema.codebook());
        m.put(prefix + "cluster_size", ema.clusterSize());
        m.put(prefix + "embed_sum", ema.embedSum());
        return m;
    }
}
