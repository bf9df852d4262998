package io.vqtok.datasets.audio;

import java.util.Locale;
import java.util.Objects;

/**
 * Triangular mel filters that map a linear-frequency magnitude spectrum ({@code nFft / 2 + 1} bins, bin
 * {@code k} at {@code k * sampleRate / nFft} Hz) to {@code bands} mel bands, built as
 * {@code librosa.filters.mel} builds them.
 *
 * <p>{@code bands + 2} edge frequencies are spaced evenly on the mel scale from {@code fMin} to {@code fMax};
 * band {@code m} is the triangle rising linearly (in Hz) from edge {@code m} to 1 at edge {@code m + 1} and
 * falling to 0 at edge {@code m + 2}. Adjacent triangles therefore sum to exactly 1 between the first and the
 * last center. With area normalization (Slaney's, librosa's {@code norm="slaney"}) band {@code m} is scaled
 * by {@code 2 / (edge[m+2] - edge[m])}, so each triangle has unit area over Hz and its weights sum to about
 * {@code nFft / sampleRate}.
 *
 * <p>Weights are stored as {@code [bands][bins]}; {@link #apply} computes {@code mel[m] = sum_k W[m][k] S[k]}.
 * Instances are immutable.
 */
public final class MelFilterbank {

    /** The mel scale: how Hz map to mels. */
    public enum Scale {
        /**
         * Slaney's Auditory Toolbox scale (librosa's default, {@code htk=False}): linear below 1 kHz,
         * {@code mel = 3 hz / 200}, logarithmic above, {@code mel = 15 + 27 ln(hz / 1000) / ln(6.4)}.
         */
        SLANEY,
        /** The HTK scale: {@code mel = 2595 log10(1 + hz / 700)}. */
        HTK;

        private static final double F_SP = 200.0 / 3;
        private static final double MIN_LOG_HZ = 1000;
        private static final double MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
        private static final double LOG_STEP = Math.log(6.4) / 27;

        /**
         * Converts a frequency to mels.
         *
         * @param hz the frequency in Hz, at least 0
         * @return the mel value
         */
        public double toMel(double hz) {
            if (this == HTK) {
                return 2595 * Math.log10(1 + hz / 700);
            }
            return hz < MIN_LOG_HZ ? hz / F_SP : MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOG_STEP;
        }

        /**
         * Converts mels to a frequency, the inverse of {@link #toMel}.
         *
         * @param mel the mel value
         * @return the frequency in Hz
         */
        public double toHz(double mel) {
            if (this == HTK) {
                return 700 * (Math.pow(10, mel / 2595) - 1);
            }
            return mel < MIN_LOG_MEL ? mel * F_SP : MIN_LOG_HZ * Math.exp(LOG_STEP * (mel - MIN_LOG_MEL));
        }
    }

    private final int sampleRate;
    private final int nFft;
    private final double fMin;
    private final double fMax;
    private final Scale scale;
    private final boolean areaNormalized;
    private final double[] edges;
    private final double[][] weights;
    /** Band {@code m} is nonzero only in bins {@code [first[m], end[m])}. */
    private final int[] first;
    private final int[] end;

    private MelFilterbank(int sampleRate, int nFft, int bands, double fMin, double fMax, Scale scale,
            boolean areaNormalized) {
        this.sampleRate = sampleRate;
        this.nFft = nFft;
        this.fMin = fMin;
        this.fMax = fMax;
        this.scale = scale;
        this.areaNormalized = areaNormalized;
        int bins = nFft / 2 + 1;
        double melMin = scale.toMel(fMin);
        double melMax = scale.toMel(fMax);
        edges = new double[bands + 2];
        for (int i = 0; i < edges.length; i++) {
            edges[i] = scale.toHz(melMin + (melMax - melMin) * i / (bands + 1));
        }
        weights = new double[bands][bins];
        for (int m = 0; m < bands; m++) {
            double lo = edges[m];
            double center = edges[m + 1];
            double hi = edges[m + 2];
            double norm = areaNormalized ? 2 / (hi - lo) : 1;
            for (int k = 0; k < bins; k++) {
                double f = (double) k * sampleRate / nFft;
                double rise = (f - lo) / (center - lo);
                double fall = (hi - f) / (hi - center);
                weights[m][k] = Math.max(0, Math.min(rise, fall)) * norm;
            }
        }
        first = new int[bands];
        end = new int[bands];
        for (int m = 0; m < bands; m++) {
            int a = 0;
            while (a < bins && weights[m][a] == 0) {
                a++;
            }
            int b = bins;
            while (b > a && weights[m][b - 1] == 0) {
                b--;
            }
            first[m] = a;
            end[m] = b;
        }
    }

    /**
     * Builds a filterbank.
     *
     * @param sampleRate the sample rate in Hz, positive
     * @param nFft the FFT size the spectra come from, at least 2
     * @param bands the number of mel bands, at least 1
     * @param fMin the lowest edge in Hz, at least 0
     * @param fMax the highest edge in Hz, above {@code fMin} and at most {@code sampleRate / 2}
     * @param scale the mel scale
     * @param areaNormalized scale each triangle to unit area (Slaney normalization) instead of unit peak
     * @return the filterbank
     * @throws IllegalArgumentException if a parameter is out of range
     */
    public static MelFilterbank create(int sampleRate, int nFft, int bands, double fMin, double fMax, Scale scale,
            boolean areaNormalized) {
        Objects.requireNonNull(scale, "scale");
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
        }
        if (nFft < 2) {
            throw new IllegalArgumentException("FFT size must be at least 2, got " + nFft);
        }
        if (bands < 1) {
            throw new IllegalArgumentException("mel band count must be at least 1, got " + bands);
        }
        if (!(fMin >= 0 && fMin < fMax && fMax <= sampleRate / 2.0)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "need 0 <= fMin < fMax <= sampleRate/2"
                    + " = %s Hz, got fMin %s, fMax %s", sampleRate / 2.0, fMin, fMax));
        }
        return new MelFilterbank(sampleRate, nFft, bands, fMin, fMax, scale, areaNormalized);
    }

    /**
     * Builds librosa's default filterbank: Slaney scale and normalization, 0 Hz to {@code sampleRate / 2}
     * (what HiFi-GAN, BigVGAN and most codec papers use for their mel losses).
     *
     * @param sampleRate the sample rate in Hz
     * @param nFft the FFT size
     * @param bands the number of mel bands
     * @return the filterbank
     */
    public static MelFilterbank slaney(int sampleRate, int nFft, int bands) {
        return create(sampleRate, nFft, bands, 0, sampleRate / 2.0, Scale.SLANEY, true);
    }

    /** @return the number of mel bands */
    public int bands() {
        return weights.length;
    }

    /** @return the number of linear-frequency bins expected, {@code nFft / 2 + 1} */
    public int bins() {
        return nFft / 2 + 1;
    }

    /** @return the sample rate in Hz */
    public int sampleRate() {
        return sampleRate;
    }

    /** @return the FFT size */
    public int nFft() {
        return nFft;
    }

    /** @return the lowest edge in Hz */
    public double fMin() {
        return fMin;
    }

    /** @return the highest edge in Hz */
    public double fMax() {
        return fMax;
    }

    /** @return the mel scale */
    public Scale scale() {
        return scale;
    }

    /** @return whether each triangle has unit area (Slaney normalization) rather than unit peak */
    public boolean areaNormalized() {
        return areaNormalized;
    }

    /**
     * Returns the center frequency of a band (the peak of its triangle).
     *
     * @param band the band, {@code 0 <= band < bands()}
     * @return the center in Hz
     */
    public double centerHz(int band) {
        return edges[band + 1];
    }

    /**
     * Returns one weight.
     *
     * @param band the mel band
     * @param bin the linear-frequency bin
     * @return {@code W[band][bin]}
     */
    public double weight(int band, int bin) {
        return weights[band][bin];
    }

    /** @return a copy of the weights, {@code [bands()][bins()]} */
    public double[][] weights() {
        double[][] copy = new double[weights.length][];
        for (int m = 0; m < weights.length; m++) {
            copy[m] = weights[m].clone();
        }
        return copy;
    }

    /**
     * Applies the filters to one spectrum.
     *
     * @param spectrum {@code bins()} magnitudes (or powers)
     * @return {@code bands()} values, {@code mel[m] = sum_k W[m][k] spectrum[k]}
     * @throws IllegalArgumentException if the spectrum has the wrong length
     */
    public double[] apply(double[] spectrum) {
        if (spectrum.length != bins()) {
            throw new IllegalArgumentException("spectrum has " + spectrum.length + " bins; expected " + bins()
                    + " (nFft " + nFft + ")");
        }
        double[] mel = new double[weights.length];
        for (int m = 0; m < weights.length; m++) {
            double[] w = weights[m];
            double acc = 0;
            for (int k = first[m]; k < end[m]; k++) {
                acc += w[k] * spectrum[k];
            }
            mel[m] = acc;
        }
        return mel;
    }
}
