package io.vqtok.autoencoders;

import io.vqtok.codebook.CodebookUsage;
import io.vqtok.quantizers.GraphQuantization;
import io.vqtok.quantizers.Quantizer;
import io.vqtok.quantizers.StepContext;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.schedule.ISchedule;

import org.nd4j.autodiff.samediff.config.ExecutionResult;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Trains a {@link Tokenizer} (images or audio): reconstruction MSE, the modality's extra terms (audio: an optional
 * multi-resolution STFT loss) and the quantizer's loss terms, Adam on every
 * trainable parameter, then the quantizer's out-of-graph state update (EMA, reseeding) after each step.
 *
 * <p>Each step first runs the encoder alone when the quantizer assigns codes outside the graph
 * ({@link Quantizer#assignsOutsideGraph()}: nearest-neighbour and optimal-transport quantizers), lets the quantizer
 * compute the assignment of the encoder outputs ({@link Quantizer#prepare}, a chunked search with no N×K matrix), then
 * runs one SameDiff execution, fed that assignment, that returns the loss terms and the indices together with all
 * gradients; a non-finite loss stops training before any parameter changes ({@link NonFiniteLossException}).
 */
public final class TokenizerTrainer implements AutoCloseable {
    /** Called after every step; may save checkpoints or print progress. */
    public interface Listener {
        void onStep(StepReport report);
    }

    private final Tokenizer tokenizer;
    private final TrainConfig config;
    private final SameDiff sd;
    private final GraphQuantization graphQuantization;
    private final List<String> outputs = new ArrayList<>();
    private final Map<String, String> termNames = new LinkedHashMap<>();
    private final Map<String, INDArray> params;
    private final SameDiff gradFn;
    private final Map<String, String> gradientNames = new LinkedHashMap<>();
    private final List<String> fetch;
    private final Map<String, GradientUpdater> updaters = new LinkedHashMap<>();
    /** Adam's moments per parameter ({@code [1, 2·n]}: m then v), the arrays the updaters work in. */
    private final Map<String, INDArray> optimizerState = new LinkedHashMap<>();
    private long step;
    private long lastCheckpointStep;
    private boolean closed;

    public TokenizerTrainer(Tokenizer tokenizer, TrainConfig config) {
        this.tokenizer = tokenizer;
        this.config = config;
        this.step = tokenizer.provenance().steps();
        AutoencoderConfig a = tokenizer.config().autoencoder();
        sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, a.channels(), a.height(), a.width());
        SDVariable z = tokenizer.autoencoder().encode(sd, x);
        graphQuantization = tokenizer.quantizer().quantizeNchw(sd, z, a.latentHeight(), a.latentWidth());
        SDVariable xhat = tokenizer.autoencoder().decode(sd, graphQuantization.quantized());
        SDVariable diff = xhat.sub(x);
        SDVariable recon = diff.mul(diff).mean("loss.reconstruction");
        SDVariable total = recon;
        Map<String, SDVariable> terms = new LinkedHashMap<>(tokenizer.extraLosses(sd, x, xhat, config));
        terms.putAll(graphQuantization.losses());
        for (Map.Entry<String, SDVariable> t : terms.entrySet()) {
            total = total.add(t.getValue());
            termNames.put(t.getKey(), t.getValue().name());
        }
        total = sd.identity("loss", total);
        sd.setLossVariables("loss");
        outputs.add("loss");
        outputs.add("loss.reconstruction");
        outputs.addAll(termNames.values());
        outputs.add(graphQuantization.indices().name());

        params = tokenizer.trainableParameters();
        for (Map.Entry<String, INDArray> p : params.entrySet()) {
            // the graph must train the very arrays that inference and saving read
            if (sd.getVariable(p.getKey()) == null || sd.getVariable(p.getKey()).getArr() != p.getValue())
                throw new IllegalStateException("training graph does not share parameter '" + p.getKey() + "' with the tokenizer");
        }
        createGradFunctionQuietly(sd);
        gradFn = sd.getFunction("grad");
        for (String p : params.keySet()) {
            SDVariable g = sd.getVariable(p).getGradient();
            if (g != null) gradientNames.put(p, g.name());
        }
        fetch = new ArrayList<>(outputs);
        fetch.addAll(gradientNames.values());
        Adam adam = new Adam(new StepSchedule(config));
        for (Map.Entry<String, INDArray> p : params.entrySet()) {
            INDArray state = Nd4j.zeros(DataType.FLOAT, 1, adam.stateSize(p.getValue().length()));
            updaters.put(p.getKey(), adam.instantiate(state, true));
            optimizerState.put(p.getKey(), state);
        }
    }

    /**
     * One forward/backward pass returning the requested activations and gradients. This is what
     * {@code SameDiff.calculateGradientsAndOutputs} does, but with the session's array cache left on: that
     * method turns it off, and on this stack re-allocating every activation each step costs 2-4x the
     * step's arithmetic. Values are consumed before the next pass, so reuse is safe. The cache is a
     * {@link SessionArrayCache}, not ND4J's, whose bookkeeping grows every training step.
     */
    private Map<String, INDArray> execute(Map<String, INDArray> placeholders) {
        gradFn.setEnableCache(true);
        SessionArrayCache.install(gradFn, SessionArrayCache.defaultMaxBytes());
        ExecutionResult r = gradFn.output(placeholders, Collections.emptyMap(), null, fetch.toArray(new String[0]));
        Map<String, INDArray> values = new HashMap<>();
        if (r.hasValues()) {
            r.getValueOutputs().forEach((k, v) -> values.put(k, v.getTensorValue()));
        } else {
            values.putAll(ExecutionResult.unpack(r.getOutputs()));
        }
        return values;
    }

    /** SameDiff prints a line per differentiated op to standard output; keep stdout clean for --json users. */
    private static void createGradFunctionQuietly(SameDiff sd) {
        PrintStream stdout = System.out;
        synchronized (System.class) {
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            try {
                sd.createGradFunction();
            } finally {
                System.setOut(stdout);
            }
        }
    }

    /** The images and whatever per-step inputs the quantizer declared (e.g. its dropout mask). */
    private Map<String, INDArray> placeholders(INDArray images, boolean training) {
        AutoencoderConfig a = tokenizer.config().autoencoder();
        Map<String, INDArray> m = new HashMap<>(tokenizer.quantizer().stepInputs(step + 1, (int) images.size(0),
                a.latentHeight() * a.latentWidth(), training));
        m.putAll(tokenizer.extraLossInputs(step + 1, config));
        m.put("x", images);
        return m;
    }

    /** Adam's learning rate at iteration i (the 0-based index of the step being taken): {@link TrainConfig#learningRateAt}(i + 1). */
    private record StepSchedule(TrainConfig config) implements ISchedule {
        @Override
        public double valueAt(int iteration, int epoch) {
            return config.learningRateAt(iteration + 1L);
        }

        @Override
        public ISchedule clone() {
            return this;
        }
    }

    /** Steps taken so far, including those before this trainer was created. */
    public long step() {
        return step;
    }

    /** Initialises data-dependent quantizer state (e.g. codebook from encoder outputs) from a batch. */
    public void initialize(INDArray images) {
        tokenizer.quantizer().initialize(tokenizer.latentRows(images));
    }

    /** The most batches {@link #initialize(TrainingBatches)} encodes to give the quantizer the rows it asks for. */
    public static final int MAX_INITIALIZATION_BATCHES = 64;

    /**
     * Initialises data-dependent quantizer state from the encoder outputs of the first batches of a run: batch 1, and
     * batches 2, 3, ... (at most {@link #MAX_INITIALIZATION_BATCHES} in all) while they give fewer rows than
     * {@link Quantizer#initializationRows()}. A codebook larger than one batch's rows (1024 codes, 400 rows a batch in the
     * speech preset) then starts from distinct encoder outputs instead of jittered copies, and residual stages from
     * residuals that are not zero. The batches are read with {@link TrainingBatches#peek}, so the run still trains on
     * them in order; a resumed run never initialises.
     */
    public void initialize(TrainingBatches batches) {
        Quantizer q = tokenizer.quantizer();
        long wanted = q.initializationRows();
        List<INDArray> rows = new ArrayList<>();
        long have = 0;
        for (int b = 1; b <= MAX_INITIALIZATION_BATCHES && (b == 1 || have < wanted); b++) {
            INDArray r = tokenizer.latentRows(batches.peek(b));
            rows.add(r);
            have += r.size(0);
        }
        q.initialize(rows.size() == 1 ? rows.get(0) : Nd4j.concat(0, rows.toArray(INDArray[]::new)));
    }

    /**
     * The step's out-of-graph work for a batch: the encoder's outputs, the quantizer's assignment of them and
     * what its state update needs (nothing when the quantizer assigns inside the graph).
     */
    private StepContext prepare(INDArray images) {
        StepContext context = new StepContext(step + 1);
        Quantizer q = tokenizer.quantizer();
        if (q.assignsOutsideGraph()) q.prepare(tokenizer.latentRows(images), context);
        return context;
    }

    /** One optimizer step on a batch {@code [B, C, H, W]}. */
    public StepReport step(INDArray images) {
        checkOpen();
        long t0 = System.nanoTime();
        long next = step + 1;
        StepContext context = prepare(images);
        Map<String, INDArray> feed = placeholders(images, true);
        feed.putAll(context.placeholders());
        Map<String, INDArray> out = execute(feed);
        double loss = out.get("loss").getDouble(0);
        double recon = out.get("loss.reconstruction").getDouble(0);
        if (!Double.isFinite(loss)) throw new NonFiniteLossException(next, "loss (reconstruction " + recon + ")");
        int iteration = (int) Math.min(Integer.MAX_VALUE, step);
        for (Map.Entry<String, INDArray> p : params.entrySet()) {
            String gradName = gradientNames.get(p.getKey());
            if (gradName == null) continue;  // no gradient reaches it (e.g. frozen by the quantizer's design)
            INDArray g = out.get(gradName);
            updaters.get(p.getKey()).applyUpdater(g, iteration, 0);
            p.getValue().subi(g);
        }
        step = next;
        int reseeded = tokenizer.quantizer().afterStep(step, context);
        Map<String, Double> terms = new LinkedHashMap<>();
        termNames.forEach((k, v) -> terms.put(k, out.get(v).getDouble(0)));
        INDArray idx = out.get(graphQuantization.indices().name());
        double seconds = (System.nanoTime() - t0) / 1e9;
        CodebookUsage usage = new CodebookUsage(tokenizer.quantizer().codebookSize(), tokenizer.quantizer().indexChannels());
        usage.add(idx.castTo(DataType.INT32));
        return new StepReport(step, loss, recon, terms, usage.meanUtilization(), usage.meanPerplexity(), config.learningRateAt(step),
                reseeded, seconds, (int) images.size(0),
                org.bytedeco.javacpp.Pointer.physicalBytes());
    }

    /**
     * Trains until the step count reaches {@code config.steps()}, asking {@code batches} for the batch of each step and
     * initialising data-dependent quantizer state from the first batch when no step has been taken yet. With a
     * checkpoint file and {@code config.checkpointEvery() > 0}, saves a checkpoint every that many steps and at the last
     * step ({@link #saveCheckpoint}); the listener hears of each step after its checkpoint is written.
     *
     * @param checkpoint the checkpoint file, or null for none
     */
    public void train(TrainingBatches batches, Listener listener, Path checkpoint) {
        while (step < config.steps()) {
            if (step == 0) initialize(batches);
            INDArray batch = batches.batch(step + 1);
            StepReport r = step(batch);
            tokenizer.provenance(tokenizer.provenance().trained(step, config.batchSize(), config.learningRate(), batches.description()));
            if (checkpoint != null && config.checkpointEvery() > 0 && (step % config.checkpointEvery() == 0 || step == config.steps())) {
                try {
                    saveCheckpoint(checkpoint, batches.description());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write checkpoint " + checkpoint + ": " + e.getMessage(), e);
                }
            }
            listener.onStep(r);
        }
    }

    /** {@link #train(TrainingBatches, Listener, Path)} without checkpoints. */
    public void train(TrainingBatches batches, Listener listener) {
        train(batches, listener, null);
    }

    /**
     * Trains until the step count reaches {@code config.steps()} on batches taken in turn from {@code batches} (which
     * does not know the step: for runs that will be resumed, use a {@link TrainingBatches}).
     */
    public void train(Supplier<INDArray> batches, String dataDescription, Listener listener) {
        train(TrainingBatches.byStep(dataDescription, s -> batches.get()), listener, null);
    }

    /** The tokenizer being trained (its arrays are the trained ones). */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** How this trainer trains. */
    public TrainConfig config() {
        return config;
    }

    /** The step of the last checkpoint written or resumed from (0 when none). */
    public long lastCheckpointStep() {
        return lastCheckpointStep;
    }

    /**
     * Saves everything a resumed run needs into {@code file}: the model (as {@link Tokenizer#save}), Adam's moments, the
     * step, the train config, the data description and the quantizer's training state. Atomic (temporary file, then
     * rename); with {@code config.keepCheckpoints() > 1} the previous checkpoint is kept as {@code <file>.<its step>}
     * and older ones beyond that count are deleted. Random state needs no saving: every random draw of a step is keyed by
     * the seed and the step.
     */
    public void saveCheckpoint(Path file, String dataDescription) throws IOException {
        checkOpen();
        Checkpoints.write(file, this, dataDescription);
        lastCheckpointStep = step;
    }

    Map<String, INDArray> optimizerState() {
        return optimizerState;
    }

    /**
     * A trainer continuing the run saved in {@code checkpoint} ({@link #saveCheckpoint}): the model, Adam's moments, the
     * step and the quantizer's training state are restored, so that training on with the same {@link TrainingBatches}
     * gives the model an uninterrupted run gives. The run's settings must match the checkpoint's: {@code expected} (the
     * model config), and {@code config}'s batch size, learning rate, seed and spectral loss, and the data description;
     * {@code config.steps()} may grow. A difference is an {@link IllegalArgumentException} naming each.
     */
    public static TokenizerTrainer resume(Path checkpoint, TokenizerConfig expected, TrainConfig config, String dataDescription) throws IOException {
        return Checkpoints.resume(checkpoint, expected, config, dataDescription);
    }

    /** Deletes the checkpoint {@code file} and the older ones kept beside it (before a fresh run that replaces them). */
    public static void deleteCheckpoints(Path file) throws IOException {
        Checkpoints.deleteAll(file);
    }

    /** The newest checkpoint saved under {@code file}: the file itself, or the newest {@code <file>.<step>} kept beside it. */
    public static java.util.Optional<Path> latestCheckpoint(Path file) throws IOException {
        return Checkpoints.latest(file);
    }

    void restoreTrainingState(Map<String, INDArray> optimizer, long checkpointStep) {
        for (Map.Entry<String, INDArray> e : optimizerState.entrySet()) {
            INDArray saved = optimizer.get(e.getKey());
            if (saved == null) throw new ModelFormatException("checkpoint lacks the optimizer state of '" + e.getKey() + "'");
            if (saved.length() != e.getValue().length() || saved.dataType() != e.getValue().dataType())
                throw new ModelFormatException("optimizer state of '" + e.getKey() + "' has " + saved.length() + " " + saved.dataType()
                        + " values, expected " + e.getValue().length() + " " + e.getValue().dataType());
            e.getValue().assign(saved.reshape(e.getValue().shape()));
        }
        for (String name : optimizer.keySet())
            if (!optimizerState.containsKey(name)) throw new ModelFormatException("checkpoint has optimizer state for unknown parameter '" + name + "'");
        lastCheckpointStep = checkpointStep;
    }

    /**
     * The indices {@code [N·h·w]} or {@code [N·h·w, Q]} that the training graph assigns to a batch with the
     * current state, without training; they equal the tokenizer's encode after any number of steps, except with an
     * affine EMA codebook ({@code EmaQuantizerConfig.affine}), whose training steps standardise by the batch's own
     * statistics and inference by their running averages.
     */
    public INDArray graphIndices(INDArray images) {
        checkOpen();
        String name = graphQuantization.indices().name();
        Map<String, INDArray> feed = placeholders(images, false);
        feed.putAll(prepare(images).placeholders());
        return sd.output(feed, name).get(name);
    }

    /** The training graph (for inspection). */
    public SameDiff graph() {
        return sd;
    }

    /**
     * Frees what only training needs, at once rather than when the garbage collector gets to it: the arrays that the
     * training graph's sessions keep for reuse between steps (every activation and gradient of a step) and Adam's moments.
     * The tokenizer, whose parameters the graph trained in place, stays usable; this trainer cannot step, evaluate its
     * graph or save a checkpoint any more. Call it after the last step and before evaluating or encoding with the same
     * process, whose resident memory then need not hold both. Idempotent.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        for (SameDiff graph : new SameDiff[]{sd, gradFn}) {
            if (graph == null) continue;
            for (org.nd4j.autodiff.samediff.internal.InferenceSession session : graph.getSessions().values()) {
                if (session.getMmgr() != null) session.getMmgr().close();
            }
            graph.getSessions().clear();
        }
        for (INDArray state : optimizerState.values()) state.close();
        optimizerState.clear();
        updaters.clear();
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("this trainer is closed (its training state was freed after the last step)");
    }
}
