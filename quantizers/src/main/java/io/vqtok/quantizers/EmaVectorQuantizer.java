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
import org.nd4j.linalg.ops.transforms.Transforms;

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
 *
 * <p>With {@link EmaQuantizerConfig#affine()} (Huh et al. 2023, "Straightening Out the Straight-Through Estimator":
 * an affine re-parameterisation of the codebook against the shift of the encoder's outputs) the EMA statistics hold
 * codes ĉ in standardised coordinates and the codes used are σ ⊙ ĉ + μ, with μ, σ {@code [D]} the per-dimension mean
 * and standard deviation of the inputs; the nearest code is searched in standardised coordinates, (z − μ) / σ against
 * ĉ. A training step uses its own batch's μ_B, σ_B (in {@link #prepare}) and updates ĉ with (z − μ_B) / σ_B;
 * inference ({@link #indices}, {@link #codes}) uses running averages of μ_B and σ_B² (momentum {@link #AFFINE_MOMENTUM}). An encoder whose outputs move by more than their spread from one step to the
 * next (the speech preset's first hundred steps) then keeps its codes, since the codebook moves with the batch. Not for
 * several applications in one step (a shared residual codebook).
 */
public final class EmaVectorQuantizer extends AbstractQuantizer<EmaQuantizerConfig> {
    private final long seed;
    private final EmaCodebookState ema;
    private final DeadCodeReseeder reseeder;
    private final ClusteredCodebook clustering;
    private final INDArray clusterUsage;
    /** Affine only: the codes inference uses, σ_run ⊙ ĉ + μ_run {@code [K, D]}, and the training graph's, σ_B ⊙ ĉ + μ_B. */
    private final INDArray inferenceCodebook, stepCodebook;
    /** Affine only: running per-dimension mean and variance {@code [D]}, and the prepared step's batch mean and deviation. */
    private final INDArray runningMean, runningVariance;
    private INDArray stepMean, stepStd;
    private StepContext prepared;
    /** Data-initialised and not yet stepped: the first step applies the reseed grace ({@link io.vqtok.codebook.ReseedConfig#grace}). */
    private boolean freshFromData;
    /** The weight of a batch's statistics in the affine codebook's running averages (BatchNorm's and Huh et al.'s 0.1). */
    public static final double AFFINE_MOMENTUM = 0.1;
    /** Floor of a dimension's standard deviation in the affine codebook. */
    public static final double AFFINE_MIN_STD = 1e-5;

    public EmaVectorQuantizer(EmaQuantizerConfig config, String prefix, long seed) {
        super(config, prefix);
        this.seed = seed;
        INDArray codebook = config.init().initial(config.codebookSize(), config.dim(), seed);
        this.ema = EmaCodebookState.initial(config.cosine() ? Distances.normalizeRows(codebook) : codebook, config.decay(), config.eps());
        this.clustering = config.clustering().enabled() ? new ClusteredCodebook(config.clustering(), seed ^ 0xc1a5L) : null;
        this.clusterUsage = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, config.codebookSize());
        this.reseeder = new DeadCodeReseeder(config.reseed(), seed ^ 0x5eed5eedL);
        if (config.affine()) {
            runningMean = Nd4j.zeros(ema.codebook().dataType(), config.dim());
            runningVariance = Nd4j.ones(ema.codebook().dataType(), config.dim());
            inferenceCodebook = ema.codebook().dup();
            stepCodebook = ema.codebook().dup();
        } else {
            runningMean = runningVariance = inferenceCodebook = stepCodebook = null;
        }
    }

    /** The code vectors {@link #codes} returns {@code [K, D]}: the EMA codes, or with the affine option σ_run ⊙ ĉ + μ_run. */
    public INDArray codebook() {
        return config.affine() ? inferenceCodebook : ema.codebook();
    }

    /** σ ⊙ ĉ + μ into {@code target}. */
    private void mapCodes(INDArray target, INDArray mean, INDArray std) {
        target.assign(ema.codebook().mulRowVector(std).addiRowVector(mean));
    }

    private void refreshInferenceCodebook() {
        mapCodes(inferenceCodebook, runningMean, std(runningVariance));
    }

    private static INDArray std(INDArray variance) {
        return Transforms.sqrt(Transforms.max(variance, AFFINE_MIN_STD * AFFINE_MIN_STD, true), false);
    }

    /** {@code (x − mean) / std}, per dimension. */
    private static INDArray standardise(INDArray x, INDArray mean, INDArray std) {
        return x.subRowVector(mean).diviRowVector(std);
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
                : GraphOps.codebookValues(sd, prefix + "codebook", config.affine() ? stepCodebook : ema.codebook());
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
        int[] idx;
        if (config.affine()) {
            if (step.applications(this) > 0)
                throw new IllegalStateException("an affine EMA codebook (" + prefix + ") cannot be applied twice in one step");
            prepared = step;
            stepMean = x.mean(0);
            stepStd = std(x.var(false, 0));
            mapCodes(stepCodebook, stepMean, stepStd);
            idx = Distances.nearestIndices(standardise(x, stepMean, stepStd), ema.codebook());
        } else {
            idx = Distances.nearestIndices(x, ema.codebook());
        }
        return GraphOps.feedAssignment(step, this, x, idx).reshape(idx.length, 1);
    }

    @Override
    public int initializationRows() {
        return config.init().needsData() ? codebookSize() : 0;
    }

    @Override
    public void initialize(INDArray z) {
        INDArray x = z;
        if (config.affine() && config.init().needsData()) {
            x = z.castTo(ema.codebook().dataType());
            runningMean.assign(x.mean(0));
            runningVariance.assign(x.var(false, 0));
            x = standardise(x, runningMean, std(runningVariance));
        }
        INDArray fitted = config.init().fromData(config.cosine() ? Distances.normalizeRows(x) : x, codebookSize(), seed, config.kmeansIterations());
        if (fitted != null) {
            ema.codebook().assign(config.cosine() ? Distances.normalizeRows(fitted) : fitted);
            ema.countEachCodeAs(1.0);
            freshFromData = config.reseed().enabled() && config.reseed().grace() > 0;
        }
        if (config.affine()) refreshInferenceCodebook();
    }

    @Override
    public int afterStep(long step, StepContext context) {
        StepContext.Observation batch = context.pooled(this);
        INDArray z = batch.z();
        int[] indices = batch.indices();
        if (config.affine()) {
            if (prepared != context)
                throw new IllegalStateException("affine EMA codebook " + prefix + ": the statistics of step " + step + " were not prepared");
            prepared = null;
            z = standardise(z, stepMean, stepStd);
        }
        if (freshFromData) {
            // the first batch tells the share N/K: start every code where it is dead after `grace` unused steps
            double count = config.reseed().threshold() * indices.length / codebookSize() / Math.pow(config.decay(), config.reseed().grace());
            ema.countEachCodeAs(count);
            freshFromData = false;
        }
        ema.update(Assignments.of(z, indices, codebookSize()));
        if (clustering != null) clustering.step(step, clusterUsage, ema, z, indices);
        int reseeded = reseeder.step(step, ema, z, indices).length;
        if (config.cosine()) ema.codebook().assign(Distances.normalizeRows(ema.codebook()));
        if (config.affine()) {
            runningMean.muli(1 - AFFINE_MOMENTUM).addi(stepMean.mul(AFFINE_MOMENTUM));
            runningVariance.muli(1 - AFFINE_MOMENTUM).addi(stepStd.mul(stepStd).muli(AFFINE_MOMENTUM));
            refreshInferenceCodebook();
        }
        return reseeded;
    }

    @Override
    public INDArray indices(INDArray z) {
        INDArray x = z.castTo(ema.codebook().dataType());
        if (config.affine()) x = standardise(x, runningMean, std(runningVariance));
        return Distances.nearest(config.cosine() ? Distances.normalizeRows(x) : x, ema.codebook()).reshape(z.size(0), 1);
    }

    @Override
    public INDArray codes(INDArray indices) {
        INDArray idx = checkIndices(indices);
        return Nd4j.pullRows(codebook(), 1, idx.reshape(-1).toIntVector());
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
        if (config.affine()) {
            m.put(prefix + "codebook", inferenceCodebook);
            m.put(prefix + "codebook_standardised", ema.codebook());
            m.put(prefix + "running_mean", runningMean);
            m.put(prefix + "running_variance", runningVariance);
        }
        return m;
    }
}
