package io.vqtok.quantizers;

import io.vqtok.codebook.Assignments;
import io.vqtok.codebook.ClusteredCodebook;
import io.vqtok.codebook.DeadCodeReseeder;
import io.vqtok.codebook.Distances;
import io.vqtok.codebook.EmaCodebookState;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Vector quantizer with an exponential-moving-average codebook (van den Oord et al. 2017, appendix A.1;
 * Razavi et al. 2019, VQ-VAE-2) and Laplace-smoothed cluster sizes, with optional dead-code reseeding
 * from encoder outputs that also resets the reseeded code's EMA statistics.
 *
 * <p>The codebook E {@code [K, D]} is not trained by gradient: after each step, N_k ← γN_k + (1−γ)n_k,
 * m_k ← γm_k + (1−γ)Σ z, e_k = m_k / Ñ_k. Only the commitment loss β·mean‖z − sg(q)‖² reaches the
 * encoder; the output is z + sg(q − z). Options: online clustering (CVQ-VAE) moves rarely used codes onto
 * batch anchors after each EMA update (keeping the EMA sums consistent); cosine-similarity codes normalise z
 * and keep the codes unit-length. It may be applied several times in one graph (residual stages sharing a
 * codebook); each step's update then pools the assignments of all applications.
 */
public final class EmaVectorQuantizer extends AbstractQuantizer<EmaQuantizerConfig> {
    private final long seed;
    private final EmaCodebookState ema;
    private final DeadCodeReseeder reseeder;
    private final ClusteredCodebook clustering;
    private final INDArray clusterUsage;

    public EmaVectorQuantizer(EmaQuantizerConfig config, String prefix, long seed) {
        super(config, prefix);
        this.seed = seed;
        INDArray codebook = config.init().initial(config.codebookSize(), config.dim(), seed);
        this.ema = EmaCodebookState.initial(config.cosine() ? Distances.normalizeRows(codebook) : codebook, config.decay(), config.eps());
        this.clustering = config.clustering().enabled() ? new ClusteredCodebook(config.clustering(), seed ^ 0xc1a5L) : null;
        this.clusterUsage = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, config.codebookSize());
        this.reseeder = new DeadCodeReseeder(config.reseed(), seed ^ 0x5eed5eedL);
    }

    @Override
    public int codebookSize() {
        return config.codebookSize();
    }

    /** The EMA statistics (codebook, cluster sizes, sums), live. */
    public EmaCodebookState ema() {
        return ema;
    }

    @Override
    public GraphQuantization quantize(SameDiff sd, SDVariable z) {
        // A constant: the graph reads the live array, which afterStep updates in place (and keeps unit-length
        // with cosine codes).
        SDVariable e = sd.hasVariable(prefix + "codebook") ? sd.getVariable(prefix + "codebook")
                : GraphOps.codebookValues(sd, prefix + "codebook", ema.codebook());
        SDVariable x = config.cosine() ? GraphOps.l2Normalize(sd, z) : z;
        SDVariable idx = GraphOps.assignment(sd, prefix);
        SDVariable q = GraphOps.lookupValues(sd, idx, e);
        Map<String, SDVariable> losses = new LinkedHashMap<>();
        losses.put("commitment", GraphOps.commitmentLoss(sd, GraphOps.unique(sd, prefix + "commitment_loss"), x, q, config.beta()));
        return new GraphQuantization(GraphOps.straightThrough(sd, x, q), idx, losses);
    }

    @Override
    public boolean assignsOutsideGraph() {
        return true;
    }

    @Override
    public INDArray prepare(INDArray z, StepContext step) {
        INDArray x = z.castTo(ema.codebook().dataType());
        if (config.cosine()) x = Distances.normalizeRows(x);
        int[] idx = Distances.nearestIndices(x, ema.codebook());
        return GraphOps.feedAssignment(step, this, x, idx).reshape(idx.length, 1);
    }

    @Override
    public int initializationRows() {
        return config.init().needsData() ? codebookSize() : 0;
    }

    @Override
    public void initialize(INDArray z) {
        INDArray fitted = config.init().fromData(config.cosine() ? Distances.normalizeRows(z) : z, codebookSize(), seed, config.kmeansIterations());
        if (fitted != null) {
            ema.codebook().assign(config.cosine() ? Distances.normalizeRows(fitted) : fitted);
            ema.embedSum().assign(ema.codebook());
            ema.clusterSize().assign(1.0);
        }
    }

    @Override
    public int afterStep(long step, StepContext context) {
        StepContext.Observation batch = context.pooled(this);
        INDArray z = batch.z();
        int[] indices = batch.indices();
        ema.update(Assignments.of(z, indices, codebookSize()));
        if (clustering != null) clustering.step(step, clusterUsage, ema, z, indices);
        int reseeded = reseeder.step(step, ema, z, indices).length;
        if (config.cosine()) ema.codebook().assign(Distances.normalizeRows(ema.codebook()));
        return reseeded;
    }

    @Override
    public INDArray indices(INDArray z) {
        INDArray x = z.castTo(ema.codebook().dataType());
        return Distances.nearest(config.cosine() ? Distances.normalizeRows(x) : x, ema.codebook()).reshape(z.size(0), 1);
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
        if (clustering != null) m.put(prefix + "cluster_usage", clusterUsage);
        return m;
    }
}
