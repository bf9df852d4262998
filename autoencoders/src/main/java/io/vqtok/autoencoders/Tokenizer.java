package io.vqtok.autoencoders;

import io.vqtok.quantizers.Quantizer;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tokenizer (VQ-VAE): an encoder, a quantizer and a decoder, with the provenance of its training. The
 * modalities differ in their data layout ({@link ImageTokenizer}: images {@code [N, C, H, W]};
 * {@link AudioTokenizer}: waveforms); training ({@link TokenizerTrainer}), saving and loading are shared.
 *
 * <p>Threading and resources: encoding and decoding may be called from several threads at once on one tokenizer and
 * give the codes a single thread gets (each thread runs its own session of the shared inference graphs; ND4J keeps one
 * per thread), but not while it is being trained. Images go through the networks in batches of
 * {@link #inferenceBatchSize()}.
 * {@link #close()} releases the inference graphs (the arrays go with the garbage collector's handles, as ND4J does)
 * and makes further calls fail.
 */
public abstract sealed class Tokenizer implements AutoCloseable permits ImageTokenizer, AudioTokenizer {
    /** Items per inference batch unless set otherwise. */
    public static final int DEFAULT_INFERENCE_BATCH = 1000;
    final TokenizerConfig config;
    final Quantizer quantizer;
    Provenance provenance;
    private volatile int inferenceBatchSize = DEFAULT_INFERENCE_BATCH;
    private volatile boolean closed;
    private org.nd4j.autodiff.samediff.SameDiff encoderGraph, decoderGraph;

    Tokenizer(TokenizerConfig config, long seed) {
        this.config = config;
        this.quantizer = config.quantizer().create("quantizer.", seed + 1);
        this.provenance = Provenance.untrained(seed);
    }

    public TokenizerConfig config() {
        return config;
    }

    /** Images per inference batch: memory grows with it, throughput up to a point. */
    public int inferenceBatchSize() {
        return inferenceBatchSize;
    }

    /** Sets the inference batch size (at least 1). */
    public void inferenceBatchSize(int items) {
        if (items < 1) throw new IllegalArgumentException("inference batch size must be >= 1, got " + items);
        this.inferenceBatchSize = items;
    }

    /** Releases the inference graphs; encoding or decoding afterwards is an IllegalStateException. Idempotent. */
    @Override
    public void close() {
        closed = true;
        releaseGraphs();
    }

    /** Drops the inference graphs. */
    private synchronized void releaseGraphs() {
        encoderGraph = null;
        decoderGraph = null;
    }

    /** The encoder's inference graph (placeholder "x", output "z"), built on first use and shared by all threads. */
    synchronized org.nd4j.autodiff.samediff.SameDiff encoderGraph() {
        if (encoderGraph == null) encoderGraph = buildEncoderGraph();
        return encoderGraph;
    }

    /** The decoder's inference graph (placeholder "q", output "xhat"), built on first use and shared by all threads. */
    synchronized org.nd4j.autodiff.samediff.SameDiff decoderGraph() {
        if (decoderGraph == null) decoderGraph = buildDecoderGraph();
        return decoderGraph;
    }

    /** A new graph of the encoder for the modality's layout. */
    abstract org.nd4j.autodiff.samediff.SameDiff buildEncoderGraph();

    /** A new graph of the decoder for the modality's layout. */
    abstract org.nd4j.autodiff.samediff.SameDiff buildDecoderGraph();

    /** Fails when closed. */
    void checkOpen() {
        if (closed) throw new IllegalStateException("this tokenizer was closed");
    }

    /** The encoder/decoder pair. */
    public abstract Autoencoder autoencoder();

    public Quantizer quantizer() {
        return quantizer;
    }

    public Provenance provenance() {
        return provenance;
    }

    void provenance(Provenance p) {
        this.provenance = p;
    }

    /** Every array to persist: autoencoder parameters, then quantizer parameters and buffers. */
    public Map<String, INDArray> state() {
        Map<String, INDArray> all = new LinkedHashMap<>(autoencoder().parameters());
        all.putAll(quantizer.state());
        return all;
    }

    /** Trainable parameters: autoencoder and quantizer. */
    public Map<String, INDArray> trainableParameters() {
        Map<String, INDArray> all = new LinkedHashMap<>(autoencoder().parameters());
        all.putAll(quantizer.parameters());
        return all;
    }

    /** Encoder outputs of a training batch {@code [N, C, H, W]} as rows {@code [N·h·w, D]} in NHW order. */
    public abstract INDArray latentRows(INDArray batch);

    /**
     * Extra loss terms of this modality's training objective, added to the reconstruction MSE (none by default).
     * x and xhat are {@code [N, C, H, W]}.
     */
    Map<String, SDVariable> extraLosses(SameDiff sd, SDVariable x, SDVariable xhat, TrainConfig train) {
        if (train.spectralLoss() > 0 || train.melLoss() > 0 || train.waveformL1() > 0 || train.siSnrLoss() > 0)
            throw new IllegalArgumentException("the spectral, mel, waveform L1 and SI-SNR losses apply to audio tokenizers only");
        return Map.of();
    }

    /**
     * The per-step inputs of the {@link #extraLosses} terms at step {@code step} (1-based), by placeholder name: e.g. a
     * loss weight that follows a schedule. None by default.
     */
    Map<String, INDArray> extraLossInputs(long step, TrainConfig train) {
        return Map.of();
    }

    /** Latents {@code [N, D, h, w]} as rows {@code [N·h·w, D]} in NHW order. */
    public static INDArray flatten(INDArray latents) {
        long d = latents.size(1);
        return latents.permute(0, 2, 3, 1).dup('c').reshape(-1, d);
    }

    /** Saves config, provenance and all arrays to one file (written to a temporary file, then renamed). */
    public void save(Path file) throws IOException {
        ModelFile.write(file, this);
    }

    /** Loads a tokenizer of either modality saved by {@link #save}; gives identical codes to the saved one. */
    public static Tokenizer load(Path file) throws IOException {
        return read(file, Checkpoints.ENTRIES).tokenizer();
    }

    /**
     * Loads a tokenizer from the bytes of a model file (e.g. shipped to the workers of a cluster job), with the checks
     * of {@link #load(Path)}. The archive is read from a private temporary file (a ZIP needs random access), deleted
     * before this returns; error messages name {@code name}.
     *
     * @param model the complete content of a {@code .vqt} file
     * @param name what to call the model in error messages (usually its path)
     */
    public static Tokenizer load(byte[] model, String name) throws IOException {
        java.util.Objects.requireNonNull(model, "model");
        Path tmp = java.nio.file.Files.createTempFile("vqtok-model-", ".vqt");
        try {
            java.nio.file.Files.write(tmp, model);
            return load(tmp);
        } catch (ModelFormatException e) {
            throw new ModelFormatException(e.getMessage().replace(tmp.toString(), name), e);
        } finally {
            java.nio.file.Files.deleteIfExists(tmp);
        }
    }

    /** A model file's tokenizer and the archive it came from (checkpoints carry more entries). */
    record Loaded(Tokenizer tokenizer, ModelFile.Archive archive) {
    }

    /**
     * Reads a model file: the tokenizer its header describes is built first, so every array is checked for name, shape
     * and dtype against it before its data is read, then for finiteness, then restored.
     */
    static Loaded read(Path file, java.util.Set<String> extraFolders) throws IOException {
        Tokenizer[] made = new Tokenizer[1];
        ModelFile.Archive a = ModelFile.read(file, extraFolders, (config, provenance) -> {
            made[0] = create(file, config, provenance.seed());
            return made[0].state();
        });
        made[0].restore(file, a.contents());
        return new Loaded(made[0], a);
    }

    /** Builds the tokenizer a model file's config describes; a configuration that cannot be built is a ModelFormatException. */
    static Tokenizer create(Path file, TokenizerConfig config, long seed) {
        try {
            return config.autoencoder() instanceof AudioAutoencoderConfig ? new AudioTokenizer(config, seed) : new ImageTokenizer(config, seed);
        } catch (RuntimeException e) {
            // validation of the records, and arithmetic or allocation failures of sizes no valid model has
            throw new ModelFormatException(file + ": invalid model configuration: " + e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            // a configuration whose arrays exceed this JVM's limits: the failed allocation was refused up front, nothing is held
            throw new ModelFormatException(file + ": the model configuration (" + config.quantizer().describe()
                    + ") needs more memory than this JVM allows; corrupt, or too large for this machine", e);
        }
    }

    /** Loads a tokenizer that must be of {@code type}; a model of the other modality is a {@link ModelFormatException}. */
    static <T extends Tokenizer> T load(Path file, Class<T> type) throws IOException {
        Tokenizer t = load(file);
        if (type.isInstance(t)) return type.cast(t);
        throw new ModelFormatException(file + ": " + (t instanceof AudioTokenizer ? "an audio" : "an image") + " tokenizer, not "
                + (type == AudioTokenizer.class ? "an audio" : "an image") + " one (load it with Tokenizer.load)");
    }

    void restore(Path file, ModelFile.Contents c) {
        Map<String, INDArray> state = state();
        for (Map.Entry<String, INDArray> e : state.entrySet()) {
            INDArray src = c.arrays().get(e.getKey());
            if (src == null) throw new ModelFormatException(file + ": missing array '" + e.getKey() + "'");
            if (!Arrays.equals(src.shape(), e.getValue().shape()))
                throw new ModelFormatException(file + ": array '" + e.getKey() + "' has shape " + Arrays.toString(src.shape())
                        + ", expected " + Arrays.toString(e.getValue().shape()));
            if (src.dataType() != e.getValue().dataType())
                throw new ModelFormatException(file + ": array '" + e.getKey() + "' is " + src.dataType() + ", expected " + e.getValue().dataType());
            if (src.dataType().isFPType()) {
                long bad = firstNonFinite(src);
                if (bad >= 0) throw new ModelFormatException(file + ": array '" + e.getKey() + "' holds a non-finite value at flat index " + bad);
            }
        }
        for (String name : c.arrays().keySet())
            if (!state.containsKey(name)) throw new ModelFormatException(file + ": unexpected array '" + name + "' for " + config.quantizer().describe());
        for (Map.Entry<String, INDArray> e : state.entrySet()) e.getValue().assign(c.arrays().get(e.getKey()));
        provenance = c.provenance();
    }

    /** The flat index of the first NaN or infinity, or -1. */
    static long firstNonFinite(INDArray a) {
        double[] v = a.dup('c').data().asDouble();
        for (int i = 0; i < v.length; i++) if (!Double.isFinite(v[i])) return i;
        return -1;
    }
}
