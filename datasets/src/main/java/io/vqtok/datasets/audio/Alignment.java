package io.vqtok.datasets.audio;

import java.util.Objects;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * An estimate time-aligned to its reference by an integer delay, so that a codec's algorithmic delay does not count
 * as distortion in every waveform and frame metric. {@link #align} finds the delay in two steps: the lag maximizing
 * the cross-correlation of the two signals' energy envelopes (1 ms frames, smoothed over 5 ms, mean removed), which
 * does not depend on the waveform's phase, then the lag within ±{@value #REFINE_MS} ms of it maximizing the waveform
 * cross-correlation {@code c[k] = sum_n ref[n] est[n + k]}. Parametric and neural codecs do not reproduce the phase
 * (Codec2 is a vocoder; a tokenizer trained on mel losses neither), and for them the waveform correlation alone peaks
 * at a lag of noise; a waveform-matching codec still gets its exact delay from the refinement. Correlations are
 * computed with one FFT of size at least {@code ref.length + est.length}, so there is no circular wrap-around.
 *
 * @param delay samples by which the estimate lags the reference ({@code est[n] ~ ref[n - delay]}); negative if
 *        it leads
 * @param reference the reference, unchanged
 * @param estimate the estimate shifted by {@code delay} and cut or zero-filled to the reference's length:
 *        {@code estimate[i] = est[i + delay]}, 0 where that index is outside the original estimate
 */
public record Alignment(int delay, float[] reference, float[] estimate) {

    /** The default bound on the delay searched, in seconds. */
    public static final double DEFAULT_MAX_LAG_SECONDS = 0.1;
    /** The window around the envelope's lag in which the waveform correlation refines it, in milliseconds. */
    public static final int REFINE_MS = 2;

    /**
     * Validates the pair.
     *
     * @throws IllegalArgumentException if the arrays have different lengths
     */
    public Alignment {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(estimate, "estimate");
        if (reference.length != estimate.length) {
            throw new IllegalArgumentException("aligned pair must have equal lengths, got " + reference.length
                    + " and " + estimate.length);
        }
    }

    /**
     * Aligns within {@link #DEFAULT_MAX_LAG_SECONDS}.
     *
     * @param reference the reference signal, not empty
     * @param estimate the estimate, any length
     * @param sampleRate the rate of both in Hz
     * @return the alignment
     * @throws IllegalArgumentException if a signal is empty or the rate is not positive
     */
    public static Alignment align(float[] reference, float[] estimate, int sampleRate) {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("alignment: sample rate must be positive, got " + sampleRate);
        }
        return shifted(reference, estimate, envelopeDelay(reference, estimate, sampleRate,
                (int) Math.round(DEFAULT_MAX_LAG_SECONDS * sampleRate)));
    }

    /**
     * The delay of {@link #align}: the envelope cross-correlation's lag within ±{@code maxLag}, refined by the waveform
     * cross-correlation within ±{@value #REFINE_MS} ms of it (and within ±{@code maxLag}).
     *
     * @throws IllegalArgumentException if a signal is empty, the rate is not positive or maxLag is negative
     */
    public static int envelopeDelay(float[] reference, float[] estimate, int sampleRate, int maxLag) {
        if (sampleRate <= 0) throw new IllegalArgumentException("alignment: sample rate must be positive, got " + sampleRate);
        check(reference, estimate, maxLag);
        int frame = Math.max(1, sampleRate / 1000);
        float[] er = envelope(reference, frame), ee = envelope(estimate, frame);
        int coarse = lagIn(correlation(er, ee), er.length, ee.length, -(maxLag / frame), maxLag / frame) * frame;
        int r = REFINE_MS * frame;
        return lagIn(correlation(reference, estimate), reference.length, estimate.length,
                Math.max(-maxLag, coarse - r), Math.min(maxLag, coarse + r));
    }

    /** Root mean square per frame of {@code frame} samples, smoothed over 5 frames, mean removed. */
    static float[] envelope(float[] x, int frame) {
        int n = (x.length + frame - 1) / frame;
        double[] rms = new double[n];
        for (int f = 0; f < n; f++) {
            double e = 0;
            int end = Math.min(x.length, (f + 1) * frame);
            for (int i = f * frame; i < end; i++) e += (double) x[i] * x[i];
            rms[f] = Math.sqrt(e / frame);
        }
        double[] smooth = new double[n];
        double mean = 0;
        for (int f = 0; f < n; f++) {
            double s = 0;
            for (int k = Math.max(0, f - 2); k <= Math.min(n - 1, f + 2); k++) s += rms[k];
            smooth[f] = s / 5;
            mean += smooth[f];
        }
        mean /= n;
        float[] out = new float[n];
        for (int f = 0; f < n; f++) out[f] = (float) (smooth[f] - mean);
        return out;
    }

    /**
     * Aligns the estimate to the reference by the delay of {@link #delay(float[], float[], int)}, the waveform
     * correlation alone (for signals known to keep their phase).
     *
     * @param reference the reference signal, not empty
     * @param estimate the estimate, any length, not empty
     * @param maxLag the largest |delay| searched, in samples, at least 0
     * @return the alignment
     * @throws IllegalArgumentException if a signal is empty or maxLag is negative
     */
    public static Alignment alignWithin(float[] reference, float[] estimate, int maxLag) {
        return shifted(reference, estimate, delay(reference, estimate, maxLag));
    }

    /**
     * The lag {@code k} in {@code [-maxLag, maxLag]} maximizing {@code sum_n ref[n] est[n + k]}; of equal maxima
     * the one with the smallest |k| (the positive one on a tie). Polarity is kept: an inverted copy does not
     * match.
     *
     * @param reference the reference signal, not empty
     * @param estimate the estimate, not empty
     * @param maxLag the largest |k| searched, at least 0
     * @return the delay in samples
     * @throws IllegalArgumentException if a signal is empty or maxLag is negative
     */
    public static int delay(float[] reference, float[] estimate, int maxLag) {
        check(reference, estimate, maxLag);
        return lagIn(correlation(reference, estimate), reference.length, estimate.length, -maxLag, maxLag);
    }

    /** An aligned pair for a known delay. */
    static Alignment shifted(float[] reference, float[] estimate, int d) {
        float[] out = new float[reference.length];
        for (int i = 0; i < out.length; i++) {
            int j = i + d;
            out[i] = j >= 0 && j < estimate.length ? estimate[j] : 0f;
        }
        return new Alignment(d, reference, out);
    }

    private static void check(float[] reference, float[] estimate, int maxLag) {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(estimate, "estimate");
        if (reference.length == 0 || estimate.length == 0) {
            throw new IllegalArgumentException("alignment: cannot align empty signals (reference "
                    + reference.length + ", estimate " + estimate.length + " samples)");
        }
        if (maxLag < 0) {
            throw new IllegalArgumentException("alignment: max lag must be at least 0, got " + maxLag);
        }
    }

    /** The cross-correlation {@code c[k]} at index k (k >= 0) and n + k (k < 0) of an array of size n (a power of two). */
    private static double[] correlation(float[] reference, float[] estimate) {
        int n = Integer.highestOneBit(reference.length + estimate.length - 1) << 1;
        double[] a = new double[n];
        double[] b = new double[n];
        for (int i = 0; i < reference.length; i++) {
            a[i] = reference[i];
        }
        for (int i = 0; i < estimate.length; i++) {
            b[i] = estimate[i];
        }
        DoubleFFT_1D fft = new DoubleFFT_1D(n);
        fft.realForward(a);
        fft.realForward(b);
        // conj(A) * B in JTransforms' packed layout: a[0] = Re[0], a[1] = Re[n/2], a[2k], a[2k+1] = Re, Im of bin k
        b[0] = a[0] * b[0];
        b[1] = a[1] * b[1];
        for (int k = 1; k < n / 2; k++) {
            double ar = a[2 * k];
            double ai = a[2 * k + 1];
            double br = b[2 * k];
            double bi = b[2 * k + 1];
            b[2 * k] = ar * br + ai * bi;
            b[2 * k + 1] = ar * bi - ai * br;
        }
        fft.realInverse(b, true);
        return b;
    }

    /**
     * The lag in {@code [lo, hi]} (clipped to the signals' overlap) with the largest correlation; of equal maxima the one
     * nearest 0 (the larger one on a tie).
     */
    private static int lagIn(double[] c, int refLength, int estLength, int lo, int hi) {
        int n = c.length;
        hi = Math.min(hi, estLength - 1);
        lo = Math.max(lo, -(refLength - 1));
        if (lo > hi) return Math.max(lo, Math.min(0, hi));
        // visit lags by increasing distance from the lag nearest 0, so ties go to the smallest |k|
        int start = Math.max(lo, Math.min(0, hi));
        int best = start;
        double bestC = c[start >= 0 ? start : n + start];
        for (int m = 1; m <= hi - lo; m++) {
            int up = start + m, down = start - m;
            if (up <= hi && c[up >= 0 ? up : n + up] > bestC) {
                bestC = c[up >= 0 ? up : n + up];
                best = up;
            }
            if (down >= lo && c[down >= 0 ? down : n + down] > bestC) {
                bestC = c[down >= 0 ? down : n + down];
                best = down;
            }
        }
        return best;
    }
}
