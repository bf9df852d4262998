package io.vqtok.datasets.audio;

import java.util.Objects;
import org.jtransforms.fft.DoubleFFT_1D;

/**
 * Short-time Fourier transform magnitudes with a periodic Hann window, computed with JTransforms.
 *
 * <p>Conventions follow {@code torch.stft(center=True, pad_mode="reflect")} and librosa: the signal is padded
 * by {@code nFft / 2} samples on each side by reflection (without repeating the edge sample; repeatedly for
 * signals shorter than the padding), frame {@code f} covers padded samples {@code f*hop .. f*hop + nFft - 1}
 * (so it is centered on input sample {@code f*hop}), there are {@code 1 + n / hop} frames, and each frame is
 * multiplied by {@code w[i] = 0.5 - 0.5 cos(2 pi i / nFft)} before a real FFT. Bin {@code k} (0 .. nFft/2) is
 * frequency {@code k * sampleRate / nFft}; its value is the unnormalized DFT magnitude
 * {@code |sum_i w[i] x[i] e^(-2 pi j i k / nFft)|}, so a sine of amplitude A on a bin center gives about
 * {@code A * nFft / 4} at that bin.
 *
 * <p>Instances hold an FFT plan and are not thread-safe; use one per thread.
 */
public final class Stft {

    private final int nFft;
    private final int hop;
    private final double[] window;
    private final DoubleFFT_1D fft;
    private final double[] buffer;

    /**
     * Creates a transform.
     *
     * @param nFft the FFT and window size, a power of two, at least 2
     * @param hop samples between frame starts, at least 1
     * @throws IllegalArgumentException if a size is out of range
     */
    public Stft(int nFft, int hop) {
        if (nFft < 2 || Integer.bitCount(nFft) != 1) {
            throw new IllegalArgumentException("FFT size must be a power of two, at least 2, got " + nFft);
        }
        if (hop < 1) {
            throw new IllegalArgumentException("hop must be at least 1, got " + hop);
        }
        this.nFft = nFft;
        this.hop = hop;
        this.window = hann(nFft);
        this.fft = new DoubleFFT_1D(nFft);
        this.buffer = new double[nFft];
    }

    /**
     * The periodic Hann window {@code w[i] = 0.5 - 0.5 cos(2 pi i / n)}, i.e. the first n points of an
     * (n+1)-point symmetric window, as {@code torch.hann_window(n)} and {@code scipy.signal.get_window("hann", n)}.
     *
     * @param n the length, at least 1
     * @return the window
     */
    public static double[] hann(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("window length must be at least 1, got " + n);
        }
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / n);
        }
        return w;
    }

    /** @return the FFT size */
    public int nFft() {
        return nFft;
    }

    /** @return the hop size in samples */
    public int hop() {
        return hop;
    }

    /** @return the number of frequency bins, {@code nFft / 2 + 1} */
    public int bins() {
        return nFft / 2 + 1;
    }

    /**
     * The number of frames for a signal of {@code n} samples.
     *
     * @param n the signal length
     * @return {@code 1 + n / hop}
     */
    public int frames(int n) {
        return 1 + n / hop;
    }

    /**
     * Computes the magnitude spectrogram.
     *
     * @param x the signal (any length, even 0)
     * @return {@code [frames(x.length)][bins()]} magnitudes
     */
    public double[][] magnitude(float[] x) {
        Objects.requireNonNull(x, "x");
        int n = x.length;
        int pad = nFft / 2;
        int frames = frames(n);
        int bins = bins();
        double[][] out = new double[frames][bins];
        for (int f = 0; f < frames; f++) {
            int start = f * hop - pad;
            for (int i = 0; i < nFft; i++) {
                int j = reflect(start + i, n);
                buffer[i] = j < 0 ? 0 : x[j] * window[i];
            }
            fft.realForward(buffer);
            double[] row = out[f];
            // JTransforms' packed layout: a[0] = Re[0], a[1] = Re[n/2], a[2k] = Re[k], a[2k+1] = Im[k]
            row[0] = Math.abs(buffer[0]);
            row[bins - 1] = Math.abs(buffer[1]);
            for (int k = 1; k < bins - 1; k++) {
                double re = buffer[2 * k];
                double im = buffer[2 * k + 1];
                row[k] = Math.sqrt(re * re + im * im);
            }
        }
        return out;
    }

    /** Maps a padded index into [0, n) by reflection about the end samples; -1 for an empty signal. */
    static int reflect(int i, int n) {
        if (n == 0) {
            return -1;
        }
        if (n == 1) {
            return 0;
        }
        int period = 2 * (n - 1);
        int j = Math.floorMod(i, period);
        return j < n ? j : period - j;
    }
}
