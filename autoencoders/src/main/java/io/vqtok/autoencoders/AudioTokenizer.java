package io.vqtok.autoencoders;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * An audio tokenizer (SoundStream/EnCodec-style): 1-D conv encoder, quantizer (typically residual), decoder.
 *
 * <p>{@link #encode} maps a mono waveform at {@link #sampleRate()} (floats in [−1, 1], any length; zero-padded
 * to a multiple of the hop) to INT32 codes {@code [F]}, or {@code [F, Q]} for a Q-stage residual quantizer, with
 * F = ⌈samples / hop⌉ frames; {@link #decode} maps codes back to F·hop samples, optionally with only the first
 * n residual stages (a lower bitrate). Training batches are waveforms {@code [N, 1, 1, segment]}.
 *
 * <p>Long signals are coded in windows of {@value #WINDOW_SECONDS} s with {@link AudioAutoencoderConfig#encoderContextFrames()}
 * (encoding) or {@link AudioAutoencoderConfig#decoderContextFrames()} (decoding), at least {@value #MIN_CONTEXT_FRAMES}, frames of
 * context on each side, all of one shape, up to {@value #WINDOWS_PER_CALL} of them in one call: memory stays bounded, and
 * this stack runs a shape it has seen several times faster than a new one.
 */
public final class AudioTokenizer extends Tokenizer {
    /**
     * The fewest latent frames of context on each side of a window; more when the encoder's or decoder's receptive
     * field is wider ({@link AudioAutoencoderConfig#contextFrames()}), so windowed coding equals coding the whole signal
     * (up to the zero padding at its two ends).
     */
    static final int MIN_CONTEXT_FRAMES = 4;
    /** Seconds of audio per window: every window has the same shape, which this stack runs far faster than new shapes. */
    static final double WINDOW_SECONDS = 1;
    /**
     * Windows coded in one call of the encoder or decoder: a batch of windows runs faster than the windows one by one,
     * and the batch shapes a stack sees stay few (1 to this many windows).
     */
    static final int WINDOWS_PER_CALL = 8;
    /**
     * Windows per encoder call when several waveforms are encoded together ({@link #encode(List)}): the windows of
     * consecutive waveforms are packed into calls of this many, so that short files still make full batches (speech
     * preset, 80 test files of ~3.4 s: 11.5x real time file by file, 13.5x in batches of 32, 12.5x of 8;
     * {@code scripts/profile.sh EncodeBatch}).
     */
    public static final int BULK_WINDOWS_PER_CALL = 32;
    private final AudioAutoencoder autoencoder;

    AudioTokenizer(TokenizerConfig config, long seed) {
        super(config, seed);
        if (!(config.autoencoder() instanceof AudioAutoencoderConfig a))
            throw new IllegalArgumentException("an audio tokenizer needs an audio autoencoder, got " + config.autoencoder());
        this.autoencoder = a.create(seed);
    }

    /** A freshly initialised tokenizer. */
    public static AudioTokenizer create(TokenizerConfig config, long seed) {
        return new AudioTokenizer(config, seed);
    }

    /** Loads an audio tokenizer saved by {@link #save}. */
    public static AudioTokenizer load(Path file) throws IOException {
        return load(file, AudioTokenizer.class);
    }

    @Override
    public AudioAutoencoder autoencoder() {
        return autoencoder;
    }

    public AudioAutoencoderConfig autoencoderConfig() {
        return autoencoder.config();
    }

    public int sampleRate() {
        return autoencoder.config().sampleRate();
    }

    /** Samples per code frame. */
    public int hop() {
        return autoencoder.config().hop();
    }

    /** Latent frames of context on each side of a window, the larger of the encoder's and the decoder's. */
    int contextFrames() {
        return Math.max(MIN_CONTEXT_FRAMES, autoencoder.config().contextFrames());
    }

    /** Latent frames of context on each side of an encoding window. */
    int encoderContextFrames() {
        return Math.max(MIN_CONTEXT_FRAMES, autoencoder.config().encoderContextFrames());
    }

    /** Latent frames of context on each side of a decoding window. */
    int decoderContextFrames() {
        return Math.max(MIN_CONTEXT_FRAMES, autoencoder.config().decoderContextFrames());
    }

    /** Frames coded per window (besides the context). */
    int coreFrames() {
        return Math.max(1, (int) Math.round(WINDOW_SECONDS * sampleRate() / hop()));
    }

    /**
     * Encoder windows a waveform of {@code samples} samples is coded in ({@link #encode(List)} packs up to {@link
     * #BULK_WINDOWS_PER_CALL} of them into one call; bulk callers group waveforms by this).
     */
    public int encoderWindows(int samples) {
        return (frames(samples) + coreFrames() - 1) / coreFrames();
    }

    /** Code frames for a waveform of {@code samples} samples. */
    public int frames(int samples) {
        return (samples + hop() - 1) / hop();
    }

    /** Bitrate in kbit/s when decoding with {@code stages} index channels: frames/s · stages · log2(K) / 1000. */
    public double kbps(int stages) {
        return autoencoder.config().frameRate() * stages * (Math.log(quantizer.codebookSize()) / Math.log(2)) / 1000;
    }

    @Override
    public INDArray latentRows(INDArray batch) {
        return flatten(latents(batch));
    }

    /** Encoder outputs {@code [N, D, 1, T / hop]} of waveforms {@code [N, 1, 1, T]} (T a multiple of the hop). */
    public INDArray latents(INDArray waves) {
        long[] s = waves.shape();
        if (s.length != 4 || s[1] != 1 || s[2] != 1 || s[3] < hop() || s[3] % hop() != 0)
            throw new IllegalArgumentException("waveforms of shape " + Arrays.toString(s) + " do not match [N, 1, 1, T] with T a positive multiple of the hop "
                    + hop());
        checkOpen();
        return encoderGraph().output(Map.of("x", waves.castTo(DataType.FLOAT)), "z").get("z").dup();
    }

    @Override
    SameDiff buildEncoderGraph() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 1, 1, -1);
        autoencoder.encode(sd, x).rename("z");
        return sd;
    }

    @Override
    SameDiff buildDecoderGraph() {
        SameDiff sd = SameDiff.create();
        SDVariable q = sd.placeHolder("q", DataType.FLOAT, -1, quantizer.dim(), 1, -1);
        autoencoder.decode(sd, q).rename("xhat");
        return sd;
    }

    /** Codes {@code [F]} or {@code [F, Q]} of a mono waveform. */
    public INDArray encode(float[] samples) {
        return encode(List.of(samples), WINDOWS_PER_CALL).get(0);
    }

    /**
     * Codes of several mono waveforms, each {@code [F_i]} or {@code [F_i, Q]} as {@link #encode(float[])} gives it: the
     * windows of all of them are coded in encoder calls of up to {@value #BULK_WINDOWS_PER_CALL} windows and their
     * frames searched in one call, which is faster than encoding short waveforms one by one. (On the CPU backend the
     * encoder gives every window the same bits whatever its batch; measured, not guaranteed on other backends.)
     */
    public List<INDArray> encode(List<float[]> clips) {
        return encode(clips, BULK_WINDOWS_PER_CALL);
    }

    /** As {@link #encode(List)} with up to {@code perCall} windows per encoder call. */
    private List<INDArray> encode(List<float[]> clips, int perCall) {
        List<INDArray> latents = latentFrames(clips, perCall);
        if (latents.isEmpty()) return List.of();
        INDArray all = latents.size() == 1 ? latents.get(0) : Nd4j.vstack(latents.toArray(new INDArray[0]));
        int c = quantizer.indexChannels();
        INDArray idx = quantizer.indices(all).reshape(all.size(0), c);
        List<INDArray> out = new ArrayList<>(latents.size());
        long row = 0;
        for (INDArray l : latents) {
            long f = l.size(0);
            INDArray mine = idx.get(NDArrayIndex.interval(row, row + f), NDArrayIndex.all()).dup();
            out.add(c == 1 ? mine.reshape(f) : mine.reshape(f, c));
            row += f;
        }
        return out;
    }

    /**
     * Encoder outputs {@code [F, D]} of a mono waveform, computed window by window, up to {@value #WINDOWS_PER_CALL}
     * windows in one call of the encoder (a batch of windows).
     */
    public INDArray latentFrames(float[] samples) {
        return latentFrames(List.of(samples), WINDOWS_PER_CALL).get(0);
    }

    /**
     * Encoder outputs {@code [F_i, D]} of several mono waveforms, each as {@link #latentFrames(float[])} gives it, their
     * windows packed into encoder calls of up to {@value #BULK_WINDOWS_PER_CALL} windows.
     */
    public List<INDArray> latentFrames(List<float[]> clips) {
        return latentFrames(clips, BULK_WINDOWS_PER_CALL);
    }

    /** As {@link #latentFrames(List)} with up to {@code perCall} windows per encoder call. */
    List<INDArray> latentFrames(List<float[]> clips, int perCall) {
        for (int i = 0; i < clips.size(); i++) {
            try {
                checkWaveform(clips.get(i));
            } catch (IllegalArgumentException e) {
                if (clips.size() == 1) throw e;
                throw new IllegalArgumentException("waveform " + i + " of " + clips.size() + ": " + e.getMessage(), e);
            }
        }
        int core = coreFrames(), hop = hop(), context = encoderContextFrames(), length = (core + 2 * context) * hop;
        List<INDArray> rows = new ArrayList<>(clips.size());
        List<int[]> windows = new ArrayList<>();   // (clip, window) in order
        for (int c = 0; c < clips.size(); c++) {
            int f = frames(clips.get(c).length);
            rows.add(Nd4j.create(DataType.FLOAT, f, quantizer.dim()));
            for (int w = 0; w * core < f; w++) windows.add(new int[]{c, w});
        }
        for (int w0 = 0; w0 < windows.size(); w0 += perCall) {
            int count = Math.min(perCall, windows.size() - w0);
            float[] batch = new float[count * length];
            for (int w = 0; w < count; w++) {
                float[] samples = clips.get(windows.get(w0 + w)[0]);
                int from = (windows.get(w0 + w)[1] * core - context) * hop;
                int lo = Math.max(0, from), hi = Math.min(samples.length, from + length);
                if (hi > lo) System.arraycopy(samples, lo, batch, w * length + lo - from, hi - lo);
            }
            INDArray z = latents(Nd4j.create(batch, new long[]{count, 1, 1, length}, 'c'));   // [W, D, 1, core + 2·ctx]
            for (int w = 0; w < count; w++) {
                int[] win = windows.get(w0 + w);
                INDArray target = rows.get(win[0]);
                int f = (int) target.size(0), f0 = win[1] * core, n = Math.min(core, f - f0);
                INDArray frames = z.get(NDArrayIndex.point(w), NDArrayIndex.all(), NDArrayIndex.point(0),
                        NDArrayIndex.interval(context, context + n));                   // [D, n]
                target.get(NDArrayIndex.interval(f0, f0 + n), NDArrayIndex.all()).assign(frames.transpose());
            }
        }
        return rows;
    }

    /** The waveform (F·hop samples) of codes {@code [F]} or {@code [F, Q]}, decoded with all index channels. */
    public float[] decode(INDArray codes) {
        return decode(codes, quantizer.indexChannels());
    }

    /** The waveform decoded with the first {@code stages} residual stages. */
    public float[] decode(INDArray codes, int stages) {
        int c = quantizer.indexChannels();
        long[] s = codes.shape();
        boolean ok = c == 1 ? (s.length == 1 || s.length == 2 && s[1] == 1) : s.length == 2 && s[1] == c;
        if (!ok || s[0] < 1)
            throw new IllegalArgumentException("codes of shape " + Arrays.toString(s) + " do not match [F" + (c == 1 ? "" : ", " + c) + "]");
        int f = (int) s[0], core = coreFrames(), hop = hop(), context = decoderContextFrames();
        INDArray vectors = quantizer.codes(codes.reshape(f, c), stages);                      // [F, D]
        float[] out = new float[f * hop];
        int span = core + 2 * context, windows = (f + core - 1) / core;
        for (int w0 = 0; w0 < windows; w0 += WINDOWS_PER_CALL) {
            int count = Math.min(WINDOWS_PER_CALL, windows - w0);
            INDArray batch = Nd4j.zeros(DataType.FLOAT, count, quantizer.dim(), 1, span);
            for (int w = 0; w < count; w++) {
                int from = (w0 + w) * core - context;
                int lo = Math.max(0, from), hi = Math.min(f, from + span);
                batch.get(NDArrayIndex.point(w), NDArrayIndex.all(), NDArrayIndex.point(0), NDArrayIndex.interval(lo - from, hi - from))
                        .assign(vectors.get(NDArrayIndex.interval(lo, hi), NDArrayIndex.all()).transpose());
            }
            float[] y = decodeLatents(batch).data().asFloat();                          // [W, 1, 1, span·hop]
            for (int w = 0; w < count; w++) {
                int f0 = (w0 + w) * core, n = Math.min(core, f - f0);
                System.arraycopy(y, w * span * hop + context * hop, out, f0 * hop, n * hop);
            }
        }
        return out;
    }

    /** Waveforms {@code [N, 1, 1, F·hop]} of quantized latents {@code [N, D, 1, F]}. */
    public INDArray decodeLatents(INDArray latents) {
        checkOpen();
        return decoderGraph().output(Map.of("q", latents.castTo(DataType.FLOAT)), "xhat").get("xhat").dup();
    }

    /** decode(encode(samples)) trimmed to the input's length, with the first {@code stages} stages. */
    public float[] reconstruct(float[] samples, int stages) {
        return Arrays.copyOf(decode(encode(samples), stages), samples.length);
    }

    @Override
    Map<String, SDVariable> extraLosses(SameDiff sd, SDVariable x, SDVariable xhat, TrainConfig train) {
        Map<String, SDVariable> terms = new java.util.LinkedHashMap<>();
        int segment = autoencoder.config().segment();
        if (train.spectralLoss() > 0) {
            int longest = SpectralLoss.DEFAULT_RESOLUTIONS[SpectralLoss.DEFAULT_RESOLUTIONS.length - 1][0];
            if (segment < longest)
                throw new IllegalArgumentException("the spectral loss needs segments of at least " + longest + " samples, got " + segment);
            SDVariable l = SpectralLoss.multiResolution(sd, "loss.spectral_raw", x, xhat, SpectralLoss.DEFAULT_RESOLUTIONS);
            terms.put("spectral", l.mul("loss.spectral", train.spectralLoss()));
        }
        if (train.melLoss() > 0) {
            int longest = MultiScaleMelLoss.WINDOWS[MultiScaleMelLoss.WINDOWS.length - 1];
            if (segment < longest)
                throw new IllegalArgumentException("the mel loss needs segments of at least " + longest + " samples, got " + segment);
            SDVariable l = MultiScaleMelLoss.create(sd, "loss.mel_raw", x, xhat, autoencoder.config().sampleRate());
            terms.put("mel", l.mul("loss.mel", train.melLoss()));
        }
        if (train.waveformL1() > 0)
            terms.put("waveform_l1", sd.math().abs(xhat.sub(x)).mean().mul("loss.waveform_l1", train.waveformL1()));
        if (train.siSnrLoss() > 0) {
            SDVariable raw = SiSnrLoss.create(sd, "loss.neg_si_snr_raw", x, xhat, segment);
            // a late term's weight changes with the step, so the graph takes it as an input (extraLossInputs)
            terms.put("neg_si_snr", train.siSnrStart() == 0 ? raw.mul("loss.neg_si_snr", train.siSnrLoss())
                    : raw.mul("loss.neg_si_snr", sd.placeHolder(SI_SNR_WEIGHT, DataType.FLOAT)));
        }
        return terms;
    }

    /** The placeholder of the SI-SNR term's weight when it follows {@link TrainConfig#siSnrWeightAt}. */
    static final String SI_SNR_WEIGHT = "loss.neg_si_snr_weight";

    @Override
    Map<String, INDArray> extraLossInputs(long step, TrainConfig train) {
        if (train.siSnrLoss() == 0 || train.siSnrStart() == 0) return Map.of();
        return Map.of(SI_SNR_WEIGHT, Nd4j.scalar((float) train.siSnrWeightAt(step)));
    }

    /** Checks that a waveform can be encoded: at least one sample, all finite; the message names the first bad sample. */
    public static void checkWaveform(float[] samples) {
        if (samples.length == 0) throw new IllegalArgumentException("cannot encode an empty waveform");
        for (int i = 0; i < samples.length; i++)
            if (!Float.isFinite(samples[i])) throw new IllegalArgumentException("waveform sample " + i + " is " + samples[i] + " (expected finite values)");
    }
}
