package io.vqtok.quantizers;

import io.vqtok.codebook.Assignments;
import io.vqtok.codebook.ClusteredCodebook;
import io.vqtok.codebook.DeadCodeReseeder;
import io.vqtok.codebook.Distances;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Nearest-neighbour vector quantizer with the straight-through estimator (van den Oord et al. 2017,
 * "Neural Discrete Representation Learning").
 *
 * <p>For z {@code [N, D]} and a learned codebook E {@code [K, D]}: k* = argmin_k ‖z − e_k‖², q = e_{k*},
 * output z + sg(q − z). Loss terms: {@code codebook} = mean‖sg(z) − q‖² (trains E) and
 * {@code commitment} = β·mean‖z − sg(q)‖² (trains the encoder). Optional dead-code reseeding moves codes
 * whose EMA usage falls below a threshold onto encoder outputs of the batch after each step; optional online
 * clustering (CVQ-VAE, Zheng &amp; Vedaldi 2023, {@link ClusteredCodebook}) pulls every code towards a batch
 * anchor, rarely used codes the most. With cosine-similarity codes, z and E are l2-normalised first (both the
 * lookup and the loss terms act on unit vectors).
 *
 * <p>The quantizer may be applied several times in one graph (residual stages sharing a codebook): every
 * application reads the same codebook variable, and {@link #afterStep} updates from all of them at once.
 */
public class VectorQuantizer extends AbstractQuantizer<QuantizerConfig> {
    /** The nearest-neighbour settings (for a Sinkhorn quantizer, derived from its configuration). */
    protected final VectorQuantizerConfig settings;
    protected final long seed;
    protected final INDArray codebook;
    protected final INDArray usage;
    private final DeadCodeReseeder reseeder;
    private final ClusteredCodebook clustering;
    protected final INDArray clusterUsage;

    public VectorQuantizer(VectorQuantizerConfig config, String prefix, long seed) {
        this(config, config, prefix, seed);
    }

    /** A nearest-neighbour quantizer with {@code config}'s settings that reports {@code described} as its configuration. */
    protected VectorQuantizer(VectorQuantizerConfig config, QuantizerConfig described, String prefix, long seed) {
        super(described, prefix);
        this.settings = config;
        this.seed = seed;
        this.codebook = settings.init().initial(settings.codebookSize(), settings.dim(), seed);
        this.usage = Nd4j.zeros(DataType.FLOAT, settings.codebookSize());
        this.reseeder = new DeadCodeReseeder(settings.reseed(), seed ^ 0x5eed5eedL);
        this.clustering = settings.clustering().enabled() ? new ClusteredCodebook(settings.clustering(), seed ^ 0xc1a5L) : null;
        this.clusterUsage = Nd4j.zeros(DataType.FLOAT, settings.codebookSize());
    }

    @Override
    public int codebookSize() {
        return settings.codebookSize();
    }

    /** The live codebook {@code [K, D]}. */
    public INDArray codebook() {
        return codebook;
    }

    @Override
    public GraphQuantization quantize(SameDiff sd, SDVariable z) {
        SDVariable c = sd.hasVariable(prefix + "codebook") ? sd.getVariable(prefix + "codebook") : sd.var(prefix + "codebook", codebook);
        SDVariable values = sd.hasVariable(prefix + "codebook.values") ? sd.getVariable(prefix + "codebook.values")
                : GraphOps.codebookValues(sd, prefix + "codebook.values", codebook);
        SDVariable idx = GraphOps.assignment(sd, prefix);
        SDVariable e = mapCodes(sd, c, true);
        // gathered from the constant, then mapped: the looked-up codes only enter through sg(·) (straight-through, commitment)
        SDVariable q = mapCodes(sd, GraphOps.lookupValues(sd, idx, values), false);
        SDVariable x = z;
        if (settings.cosine()) {   // row by row, so normalising the gathered rows equals gathering normalised rows
            x = GraphOps.l2Normalize(sd, z);
            e = GraphOps.l2Normalize(sd, e);
            q = GraphOps.l2Normalize(sd, q);
        }
        Map<String, SDVariable> losses = new LinkedHashMap<>();
        SDVariable counts = sd.placeHolder(GraphOps.unique(sd, prefix + "assigned_counts"), DataType.FLOAT, codebookSize(), 1);
        SDVariable sums = sd.placeHolder(GraphOps.unique(sd, prefix + "assigned_sums"), DataType.FLOAT, codebookSize(), settings.dim());
        losses.put("codebook", GraphOps.codebookLoss(sd, GraphOps.unique(sd, prefix + "codebook_loss"), x, e, counts, sums));
        losses.put("commitment", GraphOps.commitmentLoss(sd, GraphOps.unique(sd, prefix + "commitment_loss"), x, q, settings.beta()));
        return new GraphQuantization(estimate(sd, x, q), idx, losses);
    }

    @Override
    public boolean assignsOutsideGraph() {
        return true;
    }

    @Override
    public INDArray prepare(INDArray z, StepContext step) {
        INDArray x = z.castTo(DataType.FLOAT);
        if (settings.cosine()) x = Distances.normalizeRows(x);
        INDArray codes = searchedCodes();
        int[] idx = trainingAssignment(x, settings.cosine() ? Distances.normalizeRows(codes) : codes, step.step());
        INDArray fed = GraphOps.feedAssignment(step, this, x, idx);
        int application = step.applications(this) - 1;
        Assignments assigned = Assignments.of(x, idx, codebookSize());       // for the codebook loss
        step.feed(GraphOps.applicationName(prefix + "assigned_counts", application), assigned.counts().reshape(codebookSize(), 1));
        step.feed(GraphOps.applicationName(prefix + "assigned_sums", application), assigned.sums());
        return fed.reshape(idx.length, 1);
    }

    /**
     * The codes assigned in training step {@code step} to the rows of x {@code [N, D]} (normalised for cosine codes):
     * nearest neighbours here.
     */
    protected int[] trainingAssignment(INDArray x, INDArray codes, long step) {
        return Distances.nearestIndices(x, codes);
    }

    /**
     * The codes {@code [K, D]} that vectors are assigned to and indices decode to (before any cosine normalisation): the
     * live codebook here; a quantizer that maps its codebook (OptVQ's code map) returns the mapped codes.
     */
    protected INDArray searchedCodes() {
        return codebook;
    }

    /**
     * The graph's side of {@link #searchedCodes}: codes from rows of the codebook {@code [R, D]}, the rows themselves here.
     * With {@code trainable} false the result is only read through sg(·), and a map may leave its own parameters out of
     * the gradient.
     */
    protected SDVariable mapCodes(SameDiff sd, SDVariable rows, boolean trainable) {
        return rows;
    }

    /** The output that carries the gradient to z: straight-through here. */
    protected SDVariable estimate(SameDiff sd, SDVariable z, SDVariable q) {
        return GraphOps.straightThrough(sd, z, q);
    }

    @Override
    public int initializationRows() {
        return settings.init().needsData() ? codebookSize() : 0;
    }

    @Override
    public void initialize(INDArray z) {
        INDArray fitted = settings.init().fromData(settings.cosine() ? Distances.normalizeRows(z) : z, codebookSize(), seed, settings.kmeansIterations());
        if (fitted != null) codebook.assign(fitted);
    }

    @Override
    public int afterStep(long step, StepContext context) {
        if (!settings.reseed().enabled() && clustering == null) return 0;
        StepContext.Observation batch = context.pooled(this);
        INDArray z = batch.z();
        int[] indices = batch.indices();
        if (clustering != null) clustering.step(step, codebook, clusterUsage, z, indices);
        return settings.reseed().enabled() ? reseeder.step(step, codebook, usage, z, indices).length : 0;
    }

    @Override
    public INDArray indices(INDArray z) {
        INDArray x = z.castTo(codebook.dataType()), codes = searchedCodes();
        if (settings.cosine()) return Distances.nearest(Distances.normalizeRows(x), Distances.normalizeRows(codes)).reshape(z.size(0), 1);
        return Distances.nearest(x, codes).reshape(z.size(0), 1);
    }

    @Override
    public INDArray codes(INDArray indices) {
        INDArray idx = checkIndices(indices);
        INDArray rows = Nd4j.pullRows(searchedCodes(), 1, idx.reshape(-1).toIntVector());
        return settings.cosine() ? Distances.normalizeRows(rows) : rows;
    }

    @Override
    public Map<String, INDArray> parameters() {
        return Map.of(prefix + "codebook", codebook);
    }

    @Override
    public Map<String, INDArray> buffers() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        m.put(prefix + "usage", usage);
        if (clustering != null) m.put(prefix + "cluster_usage", clusterUsage);
        return m;
    }
}
