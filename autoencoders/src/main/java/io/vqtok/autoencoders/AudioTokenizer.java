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
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
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
 * <p>Long signals are coded in windows, {@value #ENCODER_WINDOW_FRAMES} frames when encoding and {@value #WINDOW_SECONDS} s
 * when decoding, with {@link AudioAutoencoderConfig#encoderContextFrames()} or {@link AudioAutoencoderConfig#decoderContextFrames()},
 * at least {@value #MIN_CONTEXT_FRAMES}, frames of context on each side, all of one shape, up to {@value
 * #ENCODER_WINDOWS_PER_CALL} or {@value #WINDOWS_PER_CALL} of them in one call: memory stays bounded, and this stack runs a
 * shape it has seen several times faster than a new one.
 */
public final class AudioTokenizer extends Tokenizer {
    /**
     * The fewest latent frames of context on each side of a window; more when the encoder's or decoder's receptive
     * field is wider ({@link AudioAutoencoderConfig#contextFrames()}), so windowed coding equals coding the whole signal
     * (up to the zero padding at its two ends).
     */
    static final int MIN_CONTEXT_FRAMES = 4;
    /**
     * Seconds of audio per decoding window: every window has the same shape, which this stack runs far faster than new
     * shapes.
     */
    static final double WINDOW_SECONDS = 1;
    /**
     * Windows decoded in one call of the decoder: a batch of windows runs faster than the windows one by one, and the
     * batch shapes a stack sees stay few (1 to this many windows).
     */
    static final int WINDOWS_PER_CALL = 8;
    /**
     * Frames per encoding window, besides the context. Long windows spend little on the context on their two sides (the
     * speech preset's encoder needs 9 frames each side: 1.36x the core's work for windows of 50 frames, 1.09x for 200);
     * with waveforms laid end to end ({@link #encode(List)}) no window is left mostly empty at a file's end.
     */
    static final int ENCODER_WINDOW_FRAMES = 200;
    /** Encoding windows in one call of the encoder (the speech preset: 8 windows of 4 s, 32 s of audio a call). */
    static final int ENCODER_WINDOWS_PER_CALL = 8;
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

    /** Frames decoded per window (besides the context). */
    int coreFrames() {
        return Math.max(1, (int) Math.round(WINDOW_SECONDS * sampleRate() / hop()));
    }

    /** Frames encoded per window (besides the context). */
    int encoderCoreFrames() {
        return ENCODER_WINDOW_FRAMES;
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
        return encode(List.of(samples)).get(0);
    }

    /**
     * Codes of several mono waveforms, each {@code [F_i]} or {@code [F_i, Q]} as {@link #encode(float[])} gives it, coded
     * as one stream ({@link #encodeAll}): faster than coding short waveforms one by one.
     */
    public List<INDArray> encode(List<float[]> clips) {
        checkWaveforms(clips);
        List<INDArray> out = new ArrayList<>(clips.size());
        encodeAll(clips.iterator()).forEachRemaining(out::add);
        return out;
    }

    /**
     * Codes of a sequence of mono waveforms, in their order, each {@code [F_i]} or {@code [F_i, Q]} as {@link
     * #encode(float[])} gives it; the waveforms are read as the codes are taken, so a dataset of any size is coded in
     * bounded memory (the waveforms of about one encoder call, and the longest waveform, at a time). The waveforms are
     * laid end to end with {@link #encoderContextFrames()} frames of silence between them, so that no frame's receptive
     * field reaches a neighbour; that stream is coded in windows of {@link #encoderCoreFrames()} frames plus the
     * context on each side, {@value #ENCODER_WINDOWS_PER_CALL} a call, every call full but the last (whose window count
     * is rounded up to a power of two: this stack runs a shape it has seen several times faster than a new one), and
     * the frames each call completes are searched together. Every waveform thus fills whole windows whatever its length.
     * (On the CPU backend a frame gets the codes it gets alone; measured, not guaranteed on other backends, whose convs
     * may round differently at another position in a window.) A non-finite sample fails the iteration when that
     * waveform is read, naming its place in the sequence.
     */
    public Iterator<INDArray> encodeAll(Iterator<float[]> clips) {
        return new StreamEncoder(clips, ENCODER_WINDOWS_PER_CALL, encoderCoreFrames(), true);
    }

    /** Encoder outputs {@code [F, D]} of a mono waveform, computed in encoder windows ({@link #latentFrames(List)}). */
    public INDArray latentFrames(float[] samples) {
        return latentFrames(List.of(samples)).get(0);
    }

    /**
     * Encoder outputs {@code [F_i, D]} of several mono waveforms, each as {@link #latentFrames(float[])} gives it,
     * computed as {@link #encodeAll} computes them.
     */
    public List<INDArray> latentFrames(List<float[]> clips) {
        return latentFrames(clips, ENCODER_WINDOWS_PER_CALL, encoderCoreFrames());
    }

    /** As {@link #latentFrames(List)} with windows of {@code core} frames, up to {@code perCall} of them a call. */
    List<INDArray> latentFrames(List<float[]> clips, int perCall, int core) {
        checkWaveforms(clips);
        List<INDArray> out = new ArrayList<>(clips.size());
        new StreamEncoder(clips.iterator(), perCall, core, false).forEachRemaining(out::add);
        return out;
    }

    /**
     * The frames of the stream that {@link #encodeAll} codes {@code samples} in: its own frames and the silence that
     * separates it from the next waveform. Callers that hand {@link #encode(List)} groups of waveforms fill its calls
     * by grouping until the sum reaches {@link #encoderFramesPerCall()}.
     */
    public int encoderStreamFrames(int samples) {
        return frames(samples) + encoderContextFrames();
    }

    /** Core frames in one encoder call: {@value #ENCODER_WINDOWS_PER_CALL} windows of {@link #encoderCoreFrames()}. */
    public int encoderFramesPerCall() {
        return ENCODER_WINDOWS_PER_CALL * encoderCoreFrames();
    }

    /** Checks every waveform ({@link #checkWaveform}); the message names the waveform when there are several. */
    private static void checkWaveforms(List<float[]> clips) {
        for (int i = 0; i < clips.size(); i++) {
            try {
                checkWaveform(clips.get(i));
            } catch (IllegalArgumentException e) {
                if (clips.size() == 1) throw e;
                throw new IllegalArgumentException("waveform " + i + " of " + clips.size() + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Codes (or encoder outputs {@code [F, D]}) of a sequence of waveforms laid end to end, {@code context} frames of
     * silence apart: waveform i's frames are [start_i, start_i + F_i) of the stream. Window j covers the stream's frames
     * [j·core − context, (j + 1)·core + context) and gives its core frames [j·core, (j + 1)·core); a call codes the next
     * {@code perCall} windows once the waveforms read reach the end of their core frames (the silence after the last one
     * is known), and gives out the waveforms it completes.
     */
    private final class StreamEncoder implements Iterator<INDArray> {
        /** A waveform read and not yet given out: its samples, first frame in the stream, frames, and outputs so far. */
        private record Pending(float[] samples, long start, int frames, INDArray rows) {
            long end() {
                return start + frames;
            }
        }

        private final Iterator<float[]> input;
        private final int perCall, core, context, hop, span, length;
        private final boolean search;
        private final ArrayDeque<Pending> pending = new ArrayDeque<>();
        private final ArrayDeque<INDArray> ready = new ArrayDeque<>();
        private long streamEnd;      // the frame after the last waveform read (its start minus the gap before any is read)
        private long nextWindow;     // the first window not yet coded
        private int read;            // waveforms read

        StreamEncoder(Iterator<float[]> input, int perCall, int core, boolean search) {
            if (perCall < 1 || core < 1) throw new IllegalArgumentException("windows of " + core + " frames, " + perCall + " a call");
            this.input = input;
            this.perCall = perCall;
            this.core = core;
            this.context = encoderContextFrames();
            this.hop = hop();
            this.span = core + 2 * context;
            this.length = span * hop;
            this.search = search;
            this.streamEnd = -context;
        }

        @Override
        public boolean hasNext() {
            return !ready.isEmpty() || !pending.isEmpty() || input.hasNext();
        }

        @Override
        public INDArray next() {
            if (!hasNext()) throw new java.util.NoSuchElementException();
            while (ready.isEmpty()) codeNextCall();
            return ready.poll();
        }

        private void codeNextCall() {
            checkOpen();
            long full = (nextWindow + perCall) * core;   // the core frames a full call would complete
            boolean last = false;
            while (streamEnd < full) {
                if (!input.hasNext()) {
                    last = true;
                    break;
                }
                float[] x = input.next();
                try {
                    checkWaveform(x);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("waveform " + read + ": " + e.getMessage(), e);
                }
                read++;
                int f = frames(x.length);
                long start = streamEnd + context;
                pending.add(new Pending(x, start, f, Nd4j.create(DataType.FLOAT, f, quantizer.dim())));
                streamEnd = start + f;
            }
            int count = last ? (int) ((streamEnd + core - 1) / core - nextWindow) : perCall;
            // the last call's batch rounded up to a power of two (at most perCall): few shapes, at most twice the work
            int batch = last ? Math.min(perCall, count <= 1 ? 1 : Integer.highestOneBit(count - 1) << 1) : perCall;
            float[] samples = new float[batch * length];
            for (int w = 0; w < count; w++) {
                long from = (nextWindow + w) * core - context, to = from + span;    // the window's frames, context included
                for (Pending p : pending) {
                    if (p.start() >= to) break;
                    long lo = Math.max(from, p.start()) * hop, hi = Math.min(to * hop, p.start() * hop + p.samples().length);
                    if (hi > lo)
                        System.arraycopy(p.samples(), (int) (lo - p.start() * hop), samples, (int) (w * length + lo - from * hop), (int) (hi - lo));
                }
            }
            INDArray z = latents(Nd4j.create(samples, new long[]{batch, 1, 1, length}, 'c'));   // [W, D, 1, span]
            for (int w = 0; w < count; w++) {
                long f0 = (nextWindow + w) * core, f1 = f0 + core;                    // the window's core frames
                for (Pending p : pending) {
                    if (p.start() >= f1) break;
                    long lo = Math.max(f0, p.start()), hi = Math.min(f1, p.end());
                    if (hi <= lo) continue;
                    INDArray part = z.get(NDArrayIndex.point(w), NDArrayIndex.all(), NDArrayIndex.point(0),
                            NDArrayIndex.interval(context + lo - f0, context + hi - f0));   // [D, hi − lo]
                    p.rows().get(NDArrayIndex.interval(lo - p.start(), hi - p.start()), NDArrayIndex.all()).assign(part.transpose());
                }
            }
            nextWindow += count;
            List<INDArray> done = new ArrayList<>();
            while (!pending.isEmpty() && pending.peek().end() <= nextWindow * core) done.add(pending.poll().rows());
            if (!search) {
                ready.addAll(done);
            } else if (!done.isEmpty()) {
                INDArray all = done.size() == 1 ? done.get(0) : Nd4j.vstack(done.toArray(new INDArray[0]));
                int c = quantizer.indexChannels();
                INDArray idx = quantizer.indices(all).reshape(all.size(0), c);
                long row = 0;
                for (INDArray l : done) {
                    long f = l.size(0);
                    INDArray mine = idx.get(NDArrayIndex.interval(row, row + f), NDArrayIndex.all()).dup();
                    ready.add(c == 1 ? mine.reshape(f) : mine.reshape(f, c));
                    row += f;
                }
            }
        }
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
