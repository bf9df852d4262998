package io.vqtok.autoencoders;

import java.util.Arrays;

/**
 * Shape of the 1-D convolutional waveform encoder/decoder (SoundStream, Zeghidour et al. 2021; EnCodec,
 * Défossez et al. 2022, without the LSTM and the adversarial losses).
 *
 * <p>Encoder: a k=7 conv to {@code baseChannels}; then per stride s_i, {@code encoderResidualUnits} residual units
 * (σ, k=7 conv with dilation 3^j, σ, k=1 conv, skip) and a σ + strided conv (kernel 2s_i, or 2s_i − 1 for
 * odd s_i) doubling the channels; then σ and a k=3 conv to {@code latentDim}. The decoder mirrors it with
 * transposed convs and {@code residualUnits} residual units per stride. The activation σ is ELU (SoundStream, EnCodec) or Snake, x + sin²(αx)/α with a learned α per
 * channel (Ziyin et al. 2020; DAC, Kumar et al. 2023). Waveforms are {@code [N, 1, 1, samples]} (NCHW with height 1, values in [−1, 1]); latents
 * are {@code [N, latentDim, 1, samples / hop]} with hop = ∏ strides, i.e. sampleRate / hop latent frames per second.
 *
 * @param sampleRate    samples per second the model works at
 * @param segment       samples per training crop, a multiple of the hop (inference takes any multiple of the hop)
 * @param baseChannels  channels at the full sample rate; doubled after every stride (capped at 512)
 * @param strides       the downsampling strides, each in [2, 16]; their product is the hop (e.g. 2,4,5,8 = 320)
 * @param residualUnits residual units after each upsampling of the decoder, 0 to 3
 * @param latentDim     D, the dimension of each latent frame (the quantizer's input)
 * @param activation    σ, the nonlinearity everywhere in encoder and decoder (null, as in files written before it
 *                      existed, means ELU)
 * @param encoderResidualUnits residual units before each downsampling of the encoder, 0 to 3 (null, as in files written
 *                      before it existed, means {@code residualUnits}: a symmetric model). Fewer than the decoder's make
 *                      encoding faster; the decoder, which has to synthesise the waveform, keeps its capacity.
 */
public record AudioAutoencoderConfig(int sampleRate, int segment, int baseChannels, int[] strides, int residualUnits, int latentDim,
                                     Activation activation, Integer encoderResidualUnits)
        implements AutoencoderConfig {
    /** The nonlinearity of the encoder and decoder. */
    public enum Activation {
        /** ELU, as SoundStream and EnCodec. */
        ELU,
        /** Snake x + sin²(αx)/α, α learned per channel and initialised to 1, as DAC (periodic inductive bias). */
        SNAKE
    }

    /** With ELU activations. */
    public AudioAutoencoderConfig(int sampleRate, int segment, int baseChannels, int[] strides, int residualUnits, int latentDim) {
        this(sampleRate, segment, baseChannels, strides, residualUnits, latentDim, Activation.ELU);
    }

    /** Symmetric: as many residual units in the encoder as in the decoder. */
    public AudioAutoencoderConfig(int sampleRate, int segment, int baseChannels, int[] strides, int residualUnits, int latentDim,
                                  Activation activation) {
        this(sampleRate, segment, baseChannels, strides, residualUnits, latentDim, activation, null);
    }

    public AudioAutoencoderConfig {
        if (activation == null) activation = Activation.ELU;
        if (encoderResidualUnits == null) encoderResidualUnits = residualUnits;
        check(sampleRate >= 1000 && sampleRate <= 192000, "sample rate must be in [1000, 192000] Hz, got " + sampleRate);
        check(strides != null && strides.length >= 1 && strides.length <= 6, "1 to 6 strides are needed, got "
                + (strides == null ? "none" : Arrays.toString(strides)));
        strides = strides.clone();
        long hop = 1;
        for (int s : strides) {
            check(s >= 2 && s <= 16, "every stride must be in [2, 16], got " + Arrays.toString(strides));
            hop *= s;
        }
        check(hop <= 4096, "total stride " + hop + " is above 4096");
        check(segment >= hop && segment % hop == 0, "segment of " + segment + " samples must be a positive multiple of the hop " + hop);
        check(baseChannels >= 1 && baseChannels <= 256, "base channels must be in [1, 256], got " + baseChannels);
        check(residualUnits >= 0 && residualUnits <= 3, "residual units must be in [0, 3], got " + residualUnits);
        check(encoderResidualUnits >= 0 && encoderResidualUnits <= 3, "encoder residual units must be in [0, 3], got " + encoderResidualUnits);
        check(latentDim >= 1, "latent dimension must be >= 1, got " + latentDim);
    }

    private static void check(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    /** 16 kHz speech, small (for tests and quick runs): 0.5 s segments, 16 base channels, strides 2,4,5,8 (hop 320, 50 frames/s), one residual unit per stage, ELU. */
    public static AudioAutoencoderConfig speech16k(int latentDim) {
        return new AudioAutoencoderConfig(16000, 8000, 16, new int[]{2, 4, 5, 8}, 1, latentDim);
    }

    /**
     * The speech codec preset (issue #11's benchmark model): 16 kHz, 0.5 s segments, 16 base channels, strides 2,4,5,8
     * (hop 320, 50 frames/s), three residual units per stride with dilations 1, 3, 9, ELU.
     */
    public static AudioAutoencoderConfig speechCodec16k(int latentDim) {
        return new AudioAutoencoderConfig(16000, 8000, 16, new int[]{2, 4, 5, 8}, 3, latentDim);
    }

    /** This config with another activation. */
    public AudioAutoencoderConfig withActivation(Activation a) {
        return new AudioAutoencoderConfig(sampleRate, segment, baseChannels, strides, residualUnits, latentDim, a, encoderResidualUnits);
    }

    /** This config with {@code units} residual units per stride in the encoder (the decoder's unchanged). */
    public AudioAutoencoderConfig withEncoderResidualUnits(int units) {
        return new AudioAutoencoderConfig(sampleRate, segment, baseChannels, strides, residualUnits, latentDim, activation, units);
    }

    @Override
    public int[] strides() {
        return strides.clone();
    }

    /** Samples per latent frame, ∏ strides. */
    public int hop() {
        int h = 1;
        for (int s : strides) h *= s;
        return h;
    }

    /** Latent frames per second. */
    public double frameRate() {
        return sampleRate / (double) hop();
    }

    /** Channels after i strides (0 = at the full sample rate). */
    public int stageChannels(int i) {
        return Math.min(512, baseChannels << i);
    }

    /**
     * Latent frames on each side that bound the receptive fields of the encoder (input samples that reach a frame) and
     * of the decoder (frames that reach an output sample): the larger of {@link #encoderContextFrames()} and
     * {@link #decoderContextFrames()}.
     */
    public int contextFrames() {
        return Math.max(encoderContextFrames(), decoderContextFrames());
    }

    /**
     * Latent frames on each side that bound the encoder's receptive field (input samples that reach a frame): every conv
     * of width k and dilation d at a resolution of r samples per step reaches (k − 1)/2 · d · r samples each way, a
     * strided conv of kernel K between resolutions r and s·r about ⌈K/2⌉ · r; in frames, rounded up.
     */
    public int encoderContextFrames() {
        long hop = hop();
        long samples = 3 + stageReach(encoderResidualUnits) + hop;   // k=7 input conv, stages, k=3 output conv at the frame rate
        return (int) ((samples + hop - 1) / hop);
    }

    /** Latent frames on each side that bound the decoder's receptive field (frames that reach an output sample), likewise. */
    public int decoderContextFrames() {
        long hop = hop();
        long samples = 3 * hop + stageReach(residualUnits) + 3;       // k=7 input conv at the frame rate, stages, k=7 output conv
        return (int) ((samples + hop - 1) / hop);
    }

    /** Samples each way that the strided stages with {@code residualUnits} units per stride reach. */
    private long stageReach(int residualUnits) {
        long stages = 0, r = 1;
        int units = 0;
        for (int j = 0; j < residualUnits; j++) units += 3 * dilation(j);   // k = 7
        for (int s : strides) {
            stages += r * (units + (kernel(s) + 1) / 2);
            r *= s;
        }
        return stages;
    }

    /** The dilation 3^j of residual unit j (1, 3, 9). */
    static int dilation(int j) {
        int d = 1;
        for (int i = 0; i < j; i++) d *= 3;
        return d;
    }

    /** Kernel of the conv with stride s: 2s, or 2s − 1 for odd s, so that length / s frames come out exactly. */
    static int kernel(int s) {
        return 2 * s - (s % 2);
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    public int height() {
        return 1;
    }

    @Override
    public int width() {
        return segment;
    }

    @Override
    public int latentHeight() {
        return 1;
    }

    @Override
    public int latentWidth() {
        return segment / hop();
    }

    @Override
    public AudioAutoencoder create(long seed) {
        return new AudioAutoencoder(this, seed);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AudioAutoencoderConfig c && c.sampleRate == sampleRate && c.segment == segment && c.baseChannels == baseChannels
                && Arrays.equals(c.strides, strides) && c.residualUnits == residualUnits && c.latentDim == latentDim
                && c.activation == activation && c.encoderResidualUnits.equals(encoderResidualUnits);
    }

    @Override
    public int hashCode() {
        return ((((((sampleRate * 31 + segment) * 31 + baseChannels) * 31 + Arrays.hashCode(strides)) * 31 + residualUnits) * 31 + latentDim) * 31 + activation.ordinal()) * 31 + encoderResidualUnits;
    }

    @Override
    public String toString() {
        return "AudioAutoencoderConfig[sampleRate=" + sampleRate + ", segment=" + segment + ", baseChannels=" + baseChannels
                + ", strides=" + Arrays.toString(strides) + ", residualUnits=" + residualUnits + ", latentDim=" + latentDim + ", activation=" + activation
                + ", encoderResidualUnits=" + encoderResidualUnits + "]";
    }
}
