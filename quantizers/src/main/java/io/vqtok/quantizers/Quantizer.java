package io.vqtok.quantizers;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The contract every vector quantizer implements: a discrete bottleneck mapping vectors z {@code [N, D]}
 * to code vectors, with indices in {@code [0, codebookSize())} on {@code indexChannels()} channels.
 *
 * <ol>
 *   <li>Training: {@link #quantize} adds the quantized output (with the quantizer's gradient), the
 *       indices and named loss terms to a SameDiff graph.</li>
 *   <li>Before each step, {@link #prepare} computes outside the graph what the graph is fed: the code assignment of
 *       quantizers whose gradient estimator does not differentiate through it (nearest neighbour, optimal transport),
 *       found by a chunked search that never holds an N×K matrix.</li>
 *   <li>After each optimizer step, {@link #afterStep} updates state that is not trained by gradient
 *       (EMA statistics, dead-code reseeding) from what {@link #prepare} recorded.</li>
 *   <li>Inference without a graph: {@link #indices} maps z to INT32 indices {@code [N, C]} and
 *       {@link #codes} maps indices back to the exact vectors a decoder sees.</li>
 * </ol>
 * Parameters and buffers are live arrays shared with any graph the quantizer was added to, so the
 * inference methods always see the current state.
 */
public interface Quantizer {

    /** The configuration this quantizer was built from. */
    QuantizerConfig config();

    /** Prefix of this quantizer's graph variables and saved arrays, e.g. "quantizer.". */
    String prefix();

    /** Codes per index channel. */
    int codebookSize();

    /** Dimension D of the vectors quantized. */
    int dim();

    /** Number of index channels C: 1, or Q for a Q-stage residual quantizer. */
    int indexChannels();

    /** Adds quantization of z {@code [N, D]} to the graph. */
    GraphQuantization quantize(SameDiff sd, SDVariable z);

    /**
     * Quantizes an NCHW feature map {@code [N, D, H, W]}: its N·H·W vectors of dimension D are quantized
     * and the result is returned in NCHW; indices are {@code [N·H·W]} or {@code [N·H·W, Q]} in NHW order.
     */
    default GraphQuantization quantizeNchw(SameDiff sd, SDVariable z, long height, long width) {
        SDVariable flat = sd.reshape(sd.permute(z, 0, 2, 3, 1), -1, dim());
        GraphQuantization g = quantize(sd, flat);
        SDVariable q = sd.permute(sd.reshape(g.quantized(), -1, height, width, dim()), 0, 3, 1, 2);
        return new GraphQuantization(q, g.indices(), g.losses());
    }

    /**
     * Values of extra graph placeholders this quantizer declared (e.g. a quantizer-dropout mask), for a
     * batch of {@code samples} samples of {@code vectorsPerSample} vectors each (rows sample-major), for optimizer step
     * {@code step} (1-based): random values are drawn with that step's generator ({@code StepRandom}), so a resumed
     * run feeds what the uninterrupted one fed. {@code training} false asks for the deterministic values used outside
     * training (the step is then ignored). None by default.
     */
    default Map<String, INDArray> stepInputs(long step, int samples, int vectorsPerSample, boolean training) {
        return Map.of();
    }

    /** Data-dependent initialisation from a first batch of encoder outputs {@code [N, D]} (no-op by default). */
    default void initialize(INDArray z) {
    }

    /**
     * How many encoder output rows {@link #initialize} would like to see: a codebook initialised from data wants at least
     * one distinct row per code, residual stages one per code of every stage. Trainers gather the outputs of that many
     * first batches' worth (within a bound) before initialising; 0, the default, means one batch.
     */
    default int initializationRows() {
        return 0;
    }

    /**
     * Whether the training graph is fed assignments that {@link #prepare} computes outside it (this quantizer or,
     * for composites, one of its parts). When false, {@link #prepare} need not be called in training.
     */
    default boolean assignsOutsideGraph() {
        return false;
    }

    /**
     * Prepares one training step for the input rows z {@code [N, D]} that this application of the quantizer will see
     * in the graph: feeds the placeholders its graph declared (the assignment) and records what {@link #afterStep}
     * needs. By default nothing is fed and the result is {@link #indices}.
     *
     * @return the indices INT32 {@code [N, indexChannels()]} the training graph uses for z
     */
    default INDArray prepare(INDArray z, StepContext step) {
        return indices(z);
    }

    /**
     * Updates non-gradient state after optimizer step {@code step} (1-based) from what {@link #prepare} recorded in
     * {@code context} for this step.
     *
     * @return how many codes were reseeded in this step
     */
    default int afterStep(long step, StepContext context) {
        return 0;
    }

    /** Indices INT32 {@code [N, indexChannels()]} of z {@code [N, D]}. */
    INDArray indices(INDArray z);

    /** Code vectors {@code [N, D]} of indices {@code [N, C]} (or {@code [N]} when C = 1). */
    INDArray codes(INDArray indices);

    /**
     * Code vectors {@code [N, D]} decoded from the first {@code stages} index channels only: fewer than all for
     * quantizers that refine in stages (residual), exactly {@link #indexChannels()} for the others.
     */
    default INDArray codes(INDArray indices, int stages) {
        if (stages != indexChannels())
            throw new IllegalArgumentException("decoding with " + stages + " stages needs a residual quantizer; "
                    + config().describe() + " decodes all of its " + indexChannels() + " index channel(s)");
        return codes(indices);
    }

    /** Trainable parameters by full name (live arrays). */
    Map<String, INDArray> parameters();

    /** Non-trainable state by full name (live arrays): EMA statistics, usage. */
    default Map<String, INDArray> buffers() {
        return Map.of();
    }

    /**
     * State that only training needs besides {@link #state()}, by full name: a snapshot (copies), saved in checkpoints so a
     * resumed run continues exactly (e.g. Sinkhorn's warm-start duals). Empty by default.
     */
    default Map<String, INDArray> trainingState() {
        return Map.of();
    }

    /** Restores a {@link #trainingState()} snapshot; names it does not know are an error. */
    default void loadTrainingState(Map<String, INDArray> saved) {
        if (!saved.isEmpty())
            throw new IllegalArgumentException("unexpected training state " + saved.keySet() + " for " + config().describe());
    }

    /** Parameters and buffers: everything needed to restore this quantizer. */
    default Map<String, INDArray> state() {
        Map<String, INDArray> all = new LinkedHashMap<>(parameters());
        all.putAll(buffers());
        return all;
    }

    /** Restores state saved by {@link #state()}, checking names and shapes. */
    default void loadState(Map<String, INDArray> saved) {
        for (Map.Entry<String, INDArray> e : state().entrySet()) {
            INDArray src = saved.get(e.getKey());
            if (src == null) throw new IllegalArgumentException("missing quantizer array '" + e.getKey() + "'");
            if (!Arrays.equals(src.shape(), e.getValue().shape()))
                throw new IllegalArgumentException("quantizer array '" + e.getKey() + "' has shape "
                        + Arrays.toString(src.shape()) + ", expected " + Arrays.toString(e.getValue().shape()));
            e.getValue().assign(src);
        }
    }

    /** Checks that indices are integers of the expected channel count and in range; returns them as INT32 {@code [N, C]}. */
    default INDArray checkIndices(INDArray indices) {
        if (!indices.dataType().isIntType())
            throw new IllegalArgumentException("code indices must be integers, got " + indices.dataType());
        int c = indexChannels();
        INDArray idx = indices.rank() == 1 && c == 1 ? indices.reshape(indices.length(), 1) : indices;
        if (idx.rank() != 2 || idx.size(1) != c)
            throw new IllegalArgumentException("code indices of shape " + Arrays.toString(indices.shape())
                    + " do not match [N, " + c + "]");
        if (idx.length() > 0) {
            long min = idx.minNumber().longValue(), max = idx.maxNumber().longValue();
            if (min < 0 || max >= codebookSize())
                throw new IllegalArgumentException("code index " + (min < 0 ? min : max) + " out of range [0, "
                        + codebookSize() + ")");
        }
        return idx.castTo(org.nd4j.linalg.api.buffer.DataType.INT32);
    }
}
