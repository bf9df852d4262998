package io.vqtok.datasets.audio;

import java.util.Objects;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * An estimate time-aligned to its reference by the integer delay that maximizes their cross-correlation
 * {@code c[k] = sum_n ref[n] est[n + k]} over {@code |k| <= maxLag} (computed with one FFT of size at least
 * {@code ref.length + est.length}, so there is no circular wrap-around). A codec's algorithmic delay would
 * otherwise count as distortion in every waveform and frame metric.
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
        return alignWithin(reference, estimate, (int) Math.round(DEFAULT_MAX_LAG_SECONDS * sampleRate));
    }

    /**
     * Aligns the estimate to the reference by the delay of {@link #delay(float[], float[], int)}.
     *
     * @param reference the reference signal, not empty
     * @param estimate the estimate, any length, not empty
     * @param maxLag the largest |delay| searched, in samples, at least 0
     * @return the alignment
     * @throws IllegalArgumentException if a signal is empty or maxLag is negative
     */
    public static Alignment alignWithin(float[] reference, float[] estimate, int maxLag) {
        int d = delay(reference, estimate, maxLag);
        float[] out = new float[reference.length];
        for (int i = 0; i < out.length; i++) {
            int j = i + d;
            out[i] = j >= 0 && j < estimate.length ? estimate[j] : 0f;
        }
        return new Alignment(d, reference, out);
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
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(estimate, "estimate");
        if (reference.length == 0 || estimate.length == 0) {
            throw new IllegalArgumentException("alignment: cannot align empty signals (reference "
                    + reference.length + ", estimate " + estimate.length + " samples)");
        }
        if (maxLag < 0) {
            throw new IllegalArgumentException("alignment: max lag must be at least 0, got " + maxLag);
        }
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
        // c[k] is b[k] for k >= 0 and b[n + k] for k < 0; lags beyond the signals' overlap are zero
        int hi = Math.min(maxLag, estimate.length - 1);
        int lo = -Math.min(maxLag, reference.length - 1);
        int best = 0;
        double bestC = b[0];
        for (int m = 1; m <= Math.max(hi, -lo); m++) {
            if (m <= hi && b[m] > bestC) {
                bestC = b[m];
                best = m;
            }
            if (-m >= lo && b[n - m] > bestC) {
                bestC = b[n - m];
                best = -m;
            }
        }
        return best;
    }
}
