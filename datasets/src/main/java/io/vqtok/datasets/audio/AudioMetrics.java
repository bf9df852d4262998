package io.vqtok.datasets.audio;

import java.util.List;
import java.util.Objects;

/**
 * Reconstruction metrics for audio: scale-invariant SNR, multi-resolution STFT distance and mel-spectrogram
 * distance between a reference signal and an estimate of it (e.g. a codec's input and output). Both signals
 * must have the same length and sample rate; trim them first if a model changes the length.
 *
 * <ul>
 *   <li>{@link #siSnr SI-SNR} (Le Roux et al. 2019), in dB, higher is better.</li>
 *   <li>{@link #multiResolutionStft multi-resolution STFT distance} (Parallel WaveGAN, Yamamoto et al. 2020;
 *       EnCodec): spectral convergence plus log-magnitude L1, averaged over FFT sizes 512, 1024, 2048 with
 *       hops of a quarter of the FFT size and a Hann window as long as the FFT; 0 for identical signals.</li>
 *   <li>{@link #melDistance mel distance} (HiFi-GAN's mel loss): mean absolute difference of
 *       {@code log10(mel + 1e-5)} over 80 Slaney mel bands of the magnitude STFT with FFT size 1024 and hop
 *       256, 0 Hz to Nyquist; 0 for identical signals. The "80-band mel distance".</li>
 *   <li>{@link #multiScaleMelDistance multi-scale mel distance} (DAC, Kumar et al. 2023, "High-Fidelity Audio
 *       Compression with Improved RVQGAN": its {@code MelSpectrogramLoss} as configured in DAC's
 *       {@code conf/base.yml}): the sum over 7 scales of {@code mean |log10(max(M_ref, 1e-5)) -
 *       log10(max(M_est, 1e-5))|}, window lengths 32 .. 2048 with 5 .. 320 mel bands; the number DAC reports
 *       as "mel distance" and the one to compare with its tables; 0 for identical signals.</li>
 * </ul>
 * For speech intelligibility see {@link Stoi}; for codec delay see {@link Alignment}.
 * All sums are in double precision. The methods are thread-safe.
 */
public final class AudioMetrics {

    /** FFT sizes of the multi-resolution STFT distance; the hop of each is a quarter of it. */
    public static final List<Integer> STFT_SIZES = List.of(512, 1024, 2048);
    /** Floor on STFT power before the square root and log (as Parallel WaveGAN's {@code clamp(min=1e-7)}). */
    public static final double STFT_POWER_FLOOR = 1e-7;
    /** FFT size of the mel distance. */
    public static final int MEL_FFT = 1024;
    /** Hop of the mel distance. */
    public static final int MEL_HOP = 256;
    /** Mel bands of the mel distance. */
    public static final int MEL_BANDS = 80;
    /** Added to mel magnitudes before the log10 in the mel distance. */
    public static final double MEL_LOG_OFFSET = 1e-5;

    /** Window (and FFT) lengths of the multi-scale mel distance; the hop of each is a quarter of it. */
    public static final List<Integer> MULTI_SCALE_WINDOWS = List.of(32, 64, 128, 256, 512, 1024, 2048);
    /** Mel bands of the multi-scale mel distance, one count per window length. */
    public static final List<Integer> MULTI_SCALE_BANDS = List.of(5, 10, 20, 40, 80, 160, 320);
    /** Floor on mel magnitudes before the log10 in the multi-scale mel distance (DAC's {@code clamp_eps}). */
    public static final double MULTI_SCALE_CLAMP = 1e-5;

    private AudioMetrics() {
    }

    /**
     * The result of an STFT distance: its two terms, each averaged over resolutions.
     *
     * @param spectralConvergence {@code ||  |S_ref| - |S_est|  ||_F / || |S_ref| ||_F}, 0 when equal
     * @param logMagnitude {@code mean | ln|S_ref| - ln|S_est| |} over frames and bins
     */
    public record StftDistance(double spectralConvergence, double logMagnitude) {

        /** @return the sum of the two terms, the usual training loss value */
        public double total() {
            return spectralConvergence + logMagnitude;
        }
    }

    /**
     * Scale-invariant signal-to-noise ratio in dB. Both signals are made zero-mean; the estimate is split into
     * its projection on the reference, {@code s_t = (<e, r> / <r, r>) r}, and the rest {@code e_n = est - s_t};
     * the result is {@code 10 log10(|s_t|^2 / |e_n|^2)}. Scaling the estimate by any nonzero factor does not
     * change it.
     *
     * @param reference the clean signal; must not be constant
     * @param estimate the estimate, same length
     * @return the SI-SNR in dB; {@code +Infinity} when the estimate is an exact nonzero multiple of the
     *         reference (after mean removal), {@code -Infinity} when it is constant or uncorrelated with the
     *         reference (nothing recovered)
     * @throws IllegalArgumentException if the lengths differ, the signals are empty, or the reference is
     *         constant (silent), for which SI-SNR is undefined
     */
    public static double siSnr(float[] reference, float[] estimate) {
        checkPair(reference, estimate);
        int n = reference.length;
        double meanR = 0;
        double meanE = 0;
        for (int i = 0; i < n; i++) {
            meanR += reference[i];
            meanE += estimate[i];
        }
        meanR /= n;
        meanE /= n;
        double rr = 0;
        double re = 0;
        for (int i = 0; i < n; i++) {
            double r = reference[i] - meanR;
            double e = estimate[i] - meanE;
            rr += r * r;
            re += r * e;
        }
        if (rr == 0) {
            throw new IllegalArgumentException("the reference is constant (silent); SI-SNR is undefined");
        }
        double alpha = re / rr;
        double target = 0;
        double noise = 0;
        for (int i = 0; i < n; i++) {
            double t = alpha * (reference[i] - meanR);
            double d = (estimate[i] - meanE) - t;
            target += t * t;
            noise += d * d;
        }
        if (target == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        return 10 * Math.log10(target / noise);
    }

    /**
     * Multi-resolution STFT distance over {@link #STFT_SIZES} (hop {@code nFft / 4}).
     *
     * @param reference the clean signal
     * @param estimate the estimate, same length
     * @return both terms, each the mean over the resolutions
     * @throws IllegalArgumentException if the lengths differ or the signals are empty
     */
    public static StftDistance multiResolutionStft(float[] reference, float[] estimate) {
        double sc = 0;
        double mag = 0;
        for (int nFft : STFT_SIZES) {
            StftDistance d = stftDistance(reference, estimate, nFft, nFft / 4);
            sc += d.spectralConvergence();
            mag += d.logMagnitude();
        }
        return new StftDistance(sc / STFT_SIZES.size(), mag / STFT_SIZES.size());
    }

    /**
     * Single-resolution STFT distance (one term of {@link #multiResolutionStft}). Magnitudes are
     * {@code sqrt(max(|X|^2, 1e-7))} of the {@link Stft} with a Hann window of length {@code nFft}.
     *
     * @param reference the clean signal
     * @param estimate the estimate, same length
     * @param nFft the FFT size, a power of two
     * @param hop the hop in samples
     * @return spectral convergence and log-magnitude L1
     * @throws IllegalArgumentException if the lengths differ, the signals are empty or a size is invalid
     */
    public static StftDistance stftDistance(float[] reference, float[] estimate, int nFft, int hop) {
        checkPair(reference, estimate);
        Stft stft = new Stft(nFft, hop);
        double[][] r = stft.magnitude(reference);
        double[][] e = stft.magnitude(estimate);
        double diff2 = 0;
        double ref2 = 0;
        double logL1 = 0;
        long count = 0;
        for (int f = 0; f < r.length; f++) {
            for (int k = 0; k < r[f].length; k++) {
                double a = floored(r[f][k]);
                double b = floored(e[f][k]);
                diff2 += (a - b) * (a - b);
                ref2 += a * a;
                logL1 += Math.abs(Math.log(a) - Math.log(b));
                count++;
            }
        }
        return new StftDistance(Math.sqrt(diff2 / ref2), logL1 / count);
    }

    private static double floored(double magnitude) {
        return Math.sqrt(Math.max(magnitude * magnitude, STFT_POWER_FLOOR));
    }

    /**
     * Mel-spectrogram distance: {@code mean |log10(M_ref + 1e-5) - log10(M_est + 1e-5)|} over frames and
     * bands, where {@code M} is the {@link MelFilterbank#slaney Slaney} mel filterbank ({@value #MEL_BANDS}
     * bands, 0 Hz to {@code sampleRate / 2}) applied to the STFT magnitude (FFT {@value #MEL_FFT}, hop
     * {@value #MEL_HOP}, Hann window).
     *
     * @param reference the clean signal
     * @param estimate the estimate, same length
     * @param sampleRate the sample rate of both, in Hz
     * @return the mean absolute log10-mel difference
     * @throws IllegalArgumentException if the lengths differ, the signals are empty or the rate is not positive
     */
    public static double melDistance(float[] reference, float[] estimate, int sampleRate) {
        checkPair(reference, estimate);
        return logMelL1(reference, estimate, sampleRate, MEL_FFT, MEL_HOP, MEL_BANDS, m -> Math.log10(m + MEL_LOG_OFFSET));
    }

    /** mean over frames and bands of |log(M_ref) − log(M_est)| for one STFT size, hop and Slaney filterbank. */
    private static double logMelL1(float[] reference, float[] estimate, int sampleRate, int nFft, int hop, int bands,
                                   java.util.function.DoubleUnaryOperator log) {
        MelFilterbank mel = MelFilterbank.slaney(sampleRate, nFft, bands);
        Stft stft = new Stft(nFft, hop);
        double[][] r = stft.magnitude(reference);
        double[][] e = stft.magnitude(estimate);
        double sum = 0;
        for (int f = 0; f < r.length; f++) {
            double[] mr = mel.apply(r[f]);
            double[] me = mel.apply(e[f]);
            for (int m = 0; m < mr.length; m++) sum += Math.abs(log.applyAsDouble(mr[m]) - log.applyAsDouble(me[m]));
        }
        return sum / ((double) r.length * mel.bands());
    }

    /**
     * Multi-scale mel distance, DAC's {@code MelSpectrogramLoss} with its training configuration
     * ({@code n_mels = [5, 10, 20, 40, 80, 160, 320]}, {@code window_lengths = [32, .., 2048]}, {@code pow = 1},
     * {@code clamp_eps = 1e-5}, {@code mag_weight = 0}, {@code log_weight = 1}, {@code mel_fmin = 0},
     * {@code mel_fmax = Nyquist}): for each scale s with window {@code w_s}, the magnitude {@link Stft} (Hann window
     * and FFT of {@code w_s}, hop {@code w_s / 4}, centered with reflection padding, as {@code torch.stft}) goes
     * through a {@link MelFilterbank#slaney Slaney} filterbank of {@code MULTI_SCALE_BANDS[s]} bands, and
     * <pre>
     *   D = sum_s mean_{frames, bands} | log10(max(M_ref, 1e-5)) - log10(max(M_est, 1e-5)) |.
     * </pre>
     * Unlike {@link #melDistance} (one scale, {@code log10(M + 1e-5)}, a mean) this is a sum over 7 scales, so its
     * values are several times larger. It is computed at the given rate (DAC's tables use 44.1 kHz).
     *
     * @param reference the clean signal
     * @param estimate the estimate, same length
     * @param sampleRate the sample rate of both, in Hz
     * @return the summed mean absolute log10-mel differences
     * @throws IllegalArgumentException if the lengths differ, the signals are empty or the rate is not positive
     */
    public static double multiScaleMelDistance(float[] reference, float[] estimate, int sampleRate) {
        checkPair(reference, estimate);
        double total = 0;
        for (int s = 0; s < MULTI_SCALE_WINDOWS.size(); s++) {
            int w = MULTI_SCALE_WINDOWS.get(s);
            total += logMelL1(reference, estimate, sampleRate, w, w / 4, MULTI_SCALE_BANDS.get(s), m -> Math.log10(Math.max(m, MULTI_SCALE_CLAMP)));
        }
        return total;
    }

    private static void checkPair(float[] reference, float[] estimate) {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(estimate, "estimate");
        if (reference.length != estimate.length) {
            throw new IllegalArgumentException("reference has " + reference.length + " samples but the estimate"
                    + " has " + estimate.length + "; trim both to the same length");
        }
        if (reference.length == 0) {
            throw new IllegalArgumentException("cannot compare empty signals");
        }
    }
}
