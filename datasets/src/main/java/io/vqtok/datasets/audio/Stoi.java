package io.vqtok.datasets.audio;

import java.util.Objects;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Short-time objective intelligibility: STOI (Taal, Hendriks, Heusdens &amp; Jensen, "An Algorithm for
 * Intelligibility Prediction of Time-Frequency Weighted Noisy Speech", IEEE TASLP 2011) and extended STOI, ESTOI
 * (Jensen &amp; Taal, "An Algorithm for Predicting the Intelligibility of Speech Masked by Modulated Noise
 * Maskers", IEEE TASLP 2016), computed as the authors' MATLAB code and its port pystoi 0.4.1 compute them.
 *
 * <p>Both signals are resampled to {@value #RATE} Hz. Frames of the clean reference ({@value #FRAME} samples,
 * hop {@value #HOP}, MATLAB's symmetric Hann window {@code hanning(256)}, starts {@code 0, 128, ..} below
 * {@code n - 256}) more than {@value #DYNAMIC_RANGE_DB} dB below the loudest one are dropped from both signals,
 * which are rebuilt by overlap-add of the kept windowed frames. A second pass of the same framing feeds a
 * {@value #NFFT}-point FFT; the power of bins is summed into {@value #BANDS} one-third-octave bands with
 * centers {@code 150 * 2^(k/3)} Hz (edges rounded to the nearest bin, upper edge exclusive) and square-rooted,
 * giving envelopes {@code [bands][frames]}. Each run of {@value #SEGMENT} consecutive frames (384 ms) is a
 * segment:
 * <ul>
 *   <li>STOI: per band, the estimate's envelope is scaled to the reference's energy, clipped to at most
 *       {@code (1 + 10^(-beta/20))} times the reference with beta = {@value #BETA_DB} dB, and correlated with the
 *       reference (mean removed, unit norm); the result is the mean correlation over segments and bands.</li>
 *   <li>ESTOI: each segment matrix is normalized to zero mean and unit norm along time for every band (rows),
 *       then along the bands for every frame (columns), without clipping; the result is the mean over segments
 *       of {@code sum(X .* Y) / 30}.</li>
 * </ul>
 * Both are at most 1 (identical signals), higher is better. Differences from pystoi: the resampler (this
 * class uses {@link Resampler} with {@link #RESAMPLER} instead of Octave's polyphase {@code resample}; on the test
 * signals the two agree to 1e-10 at 10 kHz input, within 1.2e-3 at 16 kHz and 3e-3 at 8 kHz, less than pystoi
 * itself moves between scipy's resampling windows), and ESTOI's normalization divides by
 * the norm directly instead of adding {@code 2.2e-16} Gaussian noise first (only an all-zero row or column
 * differs: it stays zero). The methods are thread-safe.
 */
public final class Stoi {

    /** The internal sample rate in Hz. */
    public static final int RATE = 10000;
    /** Frame (window) length in samples at {@link #RATE}. */
    public static final int FRAME = 256;
    /** Hop between frames in samples. */
    public static final int HOP = FRAME / 2;
    /** FFT size (frames are zero-padded to it). */
    public static final int NFFT = 512;
    /** Number of one-third-octave bands. */
    public static final int BANDS = 15;
    /** Center frequency of the lowest band in Hz. */
    public static final double MIN_FREQ = 150;
    /** Frames per segment (384 ms at 10 kHz). */
    public static final int SEGMENT = 30;
    /** Lower signal-to-distortion bound of the clipping, in dB. */
    public static final double BETA_DB = -15;
    /** Frames this far below the loudest reference frame are silent, in dB. */
    public static final double DYNAMIC_RANGE_DB = 40;
    /**
     * The resampler to {@link #RATE}: cutoff at 5 kHz (rolloff 1), 32 zero crossings, Kaiser beta 5.65 (60 dB
     * stop band), which approximates the filter of Octave's {@code resample} that pystoi uses (cutoff at the lower
     * Nyquist frequency, 60 dB rejection, transition band a tenth of the cutoff).
     */
    public static final Resampler.Config RESAMPLER = new Resampler.Config(32, 1.0, 5.65);

    /** {@code np.finfo(float).eps}, the guard pystoi adds to norms. */
    static final double EPS = Math.ulp(1.0);

    private static final double[] WINDOW = matlabHanning(FRAME);
    private static final int[][] BAND_BINS = thirdOctaveBands();

    private Stoi() {
    }

    /**
     * Both scores of one pair.
     *
     * @param stoi STOI, at most 1
     * @param estoi ESTOI, at most 1
     */
    public record Scores(double stoi, double estoi) {
    }

    /**
     * STOI of an estimate against the clean reference.
     *
     * @param reference the clean speech
     * @param estimate the processed speech, same length and rate, time-aligned (see {@link Alignment})
     * @param sampleRate the rate of both in Hz
     * @return STOI
     * @throws IllegalArgumentException as {@link #scores}
     */
    public static double stoi(float[] reference, float[] estimate, int sampleRate) {
        return scores(reference, estimate, sampleRate).stoi();
    }

    /**
     * ESTOI of an estimate against the clean reference.
     *
     * @param reference the clean speech
     * @param estimate the processed speech, same length and rate, time-aligned
     * @param sampleRate the rate of both in Hz
     * @return ESTOI
     * @throws IllegalArgumentException as {@link #scores}
     */
    public static double estoi(float[] reference, float[] estimate, int sampleRate) {
        return scores(reference, estimate, sampleRate).estoi();
    }

    /**
     * STOI and ESTOI, sharing the resampling, silent-frame removal and band envelopes.
     *
     * @param reference the clean speech
     * @param estimate the processed speech, same length and rate, time-aligned
     * @param sampleRate the rate of both in Hz
     * @return both scores
     * @throws IllegalArgumentException if the lengths differ, the rate is not positive, or fewer than
     *         {@value #SEGMENT} frames (about 0.4 s) of non-silent reference speech remain
     */
    public static Scores scores(float[] reference, float[] estimate, int sampleRate) {
        return scoresIfLongEnough(reference, estimate, sampleRate).orElseThrow(() -> new IllegalArgumentException(
                "STOI needs at least " + SEGMENT + " frames (about 0.4 s) of non-silent reference speech at " + RATE
                        + " Hz; this reference of " + reference.length + " samples at " + sampleRate + " Hz has fewer"));
    }

    /**
     * As {@link #scores}, but empty instead of an exception when fewer than {@value #SEGMENT} frames of
     * non-silent reference speech remain (STOI is undefined there; pystoi returns 1e-5 with a warning).
     *
     * @param reference the clean speech
     * @param estimate the processed speech, same length and rate, time-aligned
     * @param sampleRate the rate of both in Hz
     * @return both scores, or empty for a clip too short
     * @throws IllegalArgumentException if the lengths differ or the rate is not positive
     */
    public static java.util.Optional<Scores> scoresIfLongEnough(float[] reference, float[] estimate, int sampleRate) {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(estimate, "estimate");
        if (reference.length != estimate.length) {
            throw new IllegalArgumentException("STOI: reference has " + reference.length + " samples but the estimate"
                    + " has " + estimate.length + "; align and trim them first (Alignment)");
        }
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("STOI: sample rate must be positive, got " + sampleRate);
        }
        double[] x = toRate(reference, sampleRate);
        double[] y = toRate(estimate, sampleRate);
        if (frameCount(x.length) == 0) {
            return java.util.Optional.empty();
        }
        double[][] xy = removeSilentFrames(x, y);
        double[][] xEnv = bandEnvelopes(xy[0]);
        double[][] yEnv = bandEnvelopes(xy[1]);
        if (xEnv[0].length < SEGMENT) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Scores(stoiOf(xEnv, yEnv), estoiOf(xEnv, yEnv)));
    }

    private static double[] toRate(float[] x, int rate) {
        float[] r = rate == RATE ? x : new Resampler(rate, RATE, RESAMPLER).apply(x);
        double[] d = new double[r.length];
        for (int i = 0; i < r.length; i++) {
            d[i] = r[i];
        }
        return d;
    }

    /** MATLAB's {@code hanning(n)}: the symmetric Hann window without its zero end points. */
    static double[] matlabHanning(int n) {
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * (i + 1) / (n + 1));
        }
        return w;
    }

    /** The number of frames pystoi takes from {@code n} samples: starts {@code 0, HOP, ..} below {@code n - FRAME}. */
    static int frameCount(int n) {
        return n <= FRAME ? 0 : (n - FRAME - 1) / HOP + 1;
    }

    /**
     * Drops the frames of both signals where the reference's windowed frame energy is more than
     * {@value #DYNAMIC_RANGE_DB} dB below its maximum, and overlap-adds the kept windowed frames.
     */
    static double[][] removeSilentFrames(double[] x, double[] y) {
        int count = frameCount(x.length);
        if (count == 0) {
            throw new IllegalArgumentException("STOI needs more than " + FRAME + " samples at " + RATE + " Hz, got "
                    + x.length);
        }
        double[] energy = new double[count];
        double max = Double.NEGATIVE_INFINITY;
        for (int f = 0; f < count; f++) {
            double e = 0;
            for (int i = 0; i < FRAME; i++) {
                double v = WINDOW[i] * x[f * HOP + i];
                e += v * v;
            }
            energy[f] = 20 * Math.log10(Math.sqrt(e) + EPS);
            max = Math.max(max, energy[f]);
        }
        int kept = 0;
        for (int f = 0; f < count; f++) {
            if (max - DYNAMIC_RANGE_DB - energy[f] < 0) {
                kept++;
            }
        }
        int length = (kept - 1) * HOP + FRAME;
        double[] xs = new double[length];
        double[] ys = new double[length];
        int k = 0;
        for (int f = 0; f < count; f++) {
            if (max - DYNAMIC_RANGE_DB - energy[f] < 0) {
                for (int i = 0; i < FRAME; i++) {
                    xs[k * HOP + i] += WINDOW[i] * x[f * HOP + i];
                    ys[k * HOP + i] += WINDOW[i] * y[f * HOP + i];
                }
                k++;
            }
        }
        return new double[][] {xs, ys};
    }

    /** {@code [bands][frames]} one-third-octave band magnitudes {@code sqrt(sum over the band's bins of |X|^2)}. */
    static double[][] bandEnvelopes(double[] x) {
        int frames = frameCount(x.length);
        double[][] env = new double[BANDS][frames];
        DoubleFFT_1D fft = new DoubleFFT_1D(NFFT);
        double[] buf = new double[NFFT];
        double[] power = new double[NFFT / 2 + 1];
        for (int f = 0; f < frames; f++) {
            java.util.Arrays.fill(buf, 0);
            for (int i = 0; i < FRAME; i++) {
                buf[i] = WINDOW[i] * x[f * HOP + i];
            }
            fft.realForward(buf);
            // JTransforms' packed layout: a[0] = Re[0], a[1] = Re[n/2], a[2k] = Re[k], a[2k+1] = Im[k]
            power[0] = buf[0] * buf[0];
            power[NFFT / 2] = buf[1] * buf[1];
            for (int b = 1; b < NFFT / 2; b++) {
                power[b] = buf[2 * b] * buf[2 * b] + buf[2 * b + 1] * buf[2 * b + 1];
            }
            for (int band = 0; band < BANDS; band++) {
                double s = 0;
                for (int b = BAND_BINS[band][0]; b < BAND_BINS[band][1]; b++) {
                    s += power[b];
                }
                env[band][f] = Math.sqrt(s);
            }
        }
        return env;
    }

    /**
     * The bins {@code [low, high)} of each one-third-octave band: edges {@code 150 * 2^((2k -/+ 1) / 6)} Hz,
     * each moved to the nearest FFT bin (the lower one on a tie), as pystoi's and MATLAB's {@code thirdoct}.
     */
    static int[][] thirdOctaveBands() {
        int bins = NFFT / 2 + 1;
        int[][] out = new int[BANDS][2];
        for (int k = 0; k < BANDS; k++) {
            double low = MIN_FREQ * Math.pow(2, (2.0 * k - 1) / 6);
            double high = MIN_FREQ * Math.pow(2, (2.0 * k + 1) / 6);
            out[k][0] = nearestBin(low, bins);
            out[k][1] = nearestBin(high, bins);
        }
        return out;
    }

    private static int nearestBin(double freq, int bins) {
        int best = 0;
        double bestD = Double.POSITIVE_INFINITY;
        for (int b = 0; b < bins; b++) {
            double f = (double) b * RATE / NFFT;
            double d = (f - freq) * (f - freq);
            if (d < bestD) {
                bestD = d;
                best = b;
            }
        }
        return best;
    }

    private static double stoiOf(double[][] x, double[][] y) {
        int segments = x[0].length - SEGMENT + 1;
        double clip = 1 + Math.pow(10, -BETA_DB / 20);
        double[] xs = new double[SEGMENT];
        double[] ys = new double[SEGMENT];
        double sum = 0;
        for (int m = 0; m < segments; m++) {
            for (int band = 0; band < BANDS; band++) {
                double xn = 0;
                double yn = 0;
                for (int i = 0; i < SEGMENT; i++) {
                    xs[i] = x[band][m + i];
                    ys[i] = y[band][m + i];
                    xn += xs[i] * xs[i];
                    yn += ys[i] * ys[i];
                }
                double alpha = Math.sqrt(xn) / (Math.sqrt(yn) + EPS);
                for (int i = 0; i < SEGMENT; i++) {
                    ys[i] = Math.min(alpha * ys[i], xs[i] * clip);
                }
                sum += correlation(xs, ys);
            }
        }
        return sum / ((double) segments * BANDS);
    }

    /** {@code <x - mean x, y - mean y> / ((|x - mean x| + eps) (|y - mean y| + eps))}; overwrites both. */
    private static double correlation(double[] x, double[] y) {
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double xx = 0;
        double yy = 0;
        double xy = 0;
        for (int i = 0; i < n; i++) {
            double a = x[i] - mx;
            double b = y[i] - my;
            xx += a * a;
            yy += b * b;
            xy += a * b;
        }
        return xy / ((Math.sqrt(xx) + EPS) * (Math.sqrt(yy) + EPS));
    }

    private static double estoiOf(double[][] x, double[][] y) {
        int segments = x[0].length - SEGMENT + 1;
        double[][] xs = new double[BANDS][SEGMENT];
        double[][] ys = new double[BANDS][SEGMENT];
        double sum = 0;
        for (int m = 0; m < segments; m++) {
            for (int band = 0; band < BANDS; band++) {
                System.arraycopy(x[band], m, xs[band], 0, SEGMENT);
                System.arraycopy(y[band], m, ys[band], 0, SEGMENT);
            }
            rowColumnNormalize(xs);
            rowColumnNormalize(ys);
            double s = 0;
            for (int band = 0; band < BANDS; band++) {
                for (int i = 0; i < SEGMENT; i++) {
                    s += xs[band][i] * ys[band][i];
                }
            }
            sum += s / SEGMENT;
        }
        return sum / segments;
    }

    /** Zero mean and unit norm along each row (time), then along each column (bands), in place. */
    static void rowColumnNormalize(double[][] a) {
        int rows = a.length;
        int cols = a[0].length;
        for (double[] row : a) {
            double mean = 0;
            for (double v : row) {
                mean += v;
            }
            mean /= cols;
            double norm = 0;
            for (int i = 0; i < cols; i++) {
                row[i] -= mean;
                norm += row[i] * row[i];
            }
            scale(row, norm);
        }
        double[] col = new double[rows];
        for (int j = 0; j < cols; j++) {
            double mean = 0;
            for (double[] row : a) {
                mean += row[j];
            }
            mean /= rows;
            double norm = 0;
            for (int i = 0; i < rows; i++) {
                col[i] = a[i][j] - mean;
                norm += col[i] * col[i];
            }
            scale(col, norm);
            for (int i = 0; i < rows; i++) {
                a[i][j] = col[i];
            }
        }
    }

    private static void scale(double[] v, double squaredNorm) {
        double inv = squaredNorm > 0 ? 1 / Math.sqrt(squaredNorm) : 0;
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
    }
}
