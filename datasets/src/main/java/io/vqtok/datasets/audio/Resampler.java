package io.vqtok.datasets.audio;

import java.util.Objects;

/**
 * Band-limited sample-rate conversion by windowed-sinc interpolation with a Kaiser window.
 *
 * <p>Output sample {@code m} is the input evaluated at time {@code t = m * inRate / outRate} (in input
 * samples): {@code y[m] = sum_k x[k] h(t - k)}, samples outside the input being zero. The kernel is a
 * low-pass sinc with cutoff {@code fc = rolloff * min(inRate, outRate) / 2} Hz, so downsampling removes what
 * the new rate cannot represent instead of aliasing it, and upsampling removes the spectral images:
 * <pre>
 *   h(u) = 2 fc' sinc(2 fc' u) * I0(beta sqrt(1 - (u / W)^2)) / I0(beta),   |u| &lt; W,
 * </pre>
 * with {@code fc' = fc / inRate} in cycles per input sample and half-width {@code W = zeroCrossings / (2 fc')}
 * input samples ({@code zeroCrossings} lobes of the sinc on each side). The filter is symmetric, so the output
 * is not delayed. Any pair of integer rates works (every rational ratio); the kernel is tabulated once per
 * distinct sub-sample phase ({@code outRate / gcd(inRate, outRate)} phases), or evaluated directly when that
 * table would exceed {@value #MAX_TABLE} entries.
 *
 * <p>With {@link Config#DEFAULT} (32 zero crossings, rolloff 0.92, beta 9) the stop-band attenuation is about
 * 90 dB and the transition band runs from about 0.84 to 1.0 times the lower Nyquist frequency; e.g. for
 * 22050 -> 16000 Hz tones below ~6.7 kHz pass unchanged and tones above ~8.0 kHz are removed. Instances are
 * immutable and thread-safe.
 */
public final class Resampler {

    /** Largest kernel table (phases x taps) that is precomputed. */
    static final int MAX_TABLE = 1 << 22;

    /**
     * Filter design parameters.
     *
     * @param zeroCrossings sinc lobes kept on each side of the center, at least 1; more gives a sharper
     *        transition at a proportional cost
     * @param rolloff cutoff as a fraction of the lower Nyquist frequency, in (0, 1]
     * @param beta the Kaiser window's shape parameter, at least 0; larger gives more stop-band attenuation
     *        (about {@code 8.7 + beta / 0.1102} dB) and a wider transition band
     */
    public record Config(int zeroCrossings, double rolloff, double beta) {

        /** Balanced quality: ~90 dB stop band, transition 0.84 .. 1.0 of the lower Nyquist frequency. */
        public static final Config DEFAULT = new Config(32, 0.92, 9.0);
        /** resampy's {@code kaiser_fast}: 16 zero crossings, rolloff 0.85, beta 8.555. */
        public static final Config FAST = new Config(16, 0.85, 8.555);
        /** resampy's {@code kaiser_best}: 64 zero crossings, rolloff 0.9475937, beta 14.769656. */
        public static final Config BEST = new Config(64, 0.9475937, 14.769656459379492);

        /**
         * Validates the parameters.
         *
         * @throws IllegalArgumentException if a parameter is out of range
         */
        public Config {
            if (zeroCrossings < 1) {
                throw new IllegalArgumentException("zeroCrossings must be at least 1, got " + zeroCrossings);
            }
            if (!(rolloff > 0 && rolloff <= 1)) {
                throw new IllegalArgumentException("rolloff must be in (0, 1], got " + rolloff);
            }
            if (!(beta >= 0) || Double.isInfinite(beta)) {
                throw new IllegalArgumentException("beta must be finite and at least 0, got " + beta);
            }
        }
    }

    private final int inRate;
    private final int outRate;
    private final Config config;
    /** Input steps per output sample, reduced: t(m) = m * q / p. */
    private final long p;
    private final long q;
    /** Cutoff in cycles per input sample. */
    private final double cutoff;
    /** Kernel half-width in input samples. */
    private final double halfWidth;
    /** Taps per output sample: input indices a - reach .. a + reach + 1 around t = a + r/p. */
    private final int reach;
    private final int taps;
    private final double i0Beta;
    /** {@code table[r * taps + j]} = h(r/p - (j - reach)), or null to evaluate the kernel directly. */
    private final float[] table;

    /**
     * Creates a resampler with {@link Config#DEFAULT}.
     *
     * @param inRate the input sample rate in Hz, positive
     * @param outRate the output sample rate in Hz, positive
     * @throws IllegalArgumentException if a rate is not positive
     */
    public Resampler(int inRate, int outRate) {
        this(inRate, outRate, Config.DEFAULT);
    }

    /**
     * Creates a resampler.
     *
     * @param inRate the input sample rate in Hz, positive
     * @param outRate the output sample rate in Hz, positive
     * @param config the filter design
     * @throws IllegalArgumentException if a rate is not positive
     */
    public Resampler(int inRate, int outRate, Config config) {
        this(inRate, outRate, config, true);
    }

    /** As the public constructor; {@code tabulate = false} forces direct kernel evaluation (for tests). */
    Resampler(int inRate, int outRate, Config config, boolean tabulate) {
        if (inRate <= 0 || outRate <= 0) {
            throw new IllegalArgumentException("sample rates must be positive, got " + inRate + " -> " + outRate);
        }
        this.inRate = inRate;
        this.outRate = outRate;
        this.config = Objects.requireNonNull(config, "config");
        long g = gcd(inRate, outRate);
        this.p = outRate / g;
        this.q = inRate / g;
        this.cutoff = config.rolloff() * 0.5 * Math.min(1.0, (double) outRate / inRate);
        this.halfWidth = config.zeroCrossings() / (2 * cutoff);
        this.reach = (int) Math.ceil(halfWidth);
        this.taps = 2 * reach + 2;
        this.i0Beta = besselI0(config.beta());
        if (tabulate && inRate != outRate && p * taps <= MAX_TABLE) {
            table = new float[(int) (p * taps)];
            for (int r = 0; r < p; r++) {
                double frac = (double) r / p;
                for (int j = 0; j < taps; j++) {
                    table[r * taps + j] = (float) kernel(frac - (j - reach));
                }
            }
        } else {
            table = null;
        }
    }

    /**
     * Resamples with {@link Config#DEFAULT}.
     *
     * @param x the input samples
     * @param inRate their sample rate in Hz
     * @param outRate the wanted sample rate in Hz
     * @return {@code outputLength(x.length)} samples at {@code outRate} (a copy of {@code x} if the rates are
     *         equal)
     */
    public static float[] resample(float[] x, int inRate, int outRate) {
        return new Resampler(inRate, outRate).apply(x);
    }

    /** @return the input sample rate in Hz */
    public int inRate() {
        return inRate;
    }

    /** @return the output sample rate in Hz */
    public int outRate() {
        return outRate;
    }

    /** @return the filter design */
    public Config config() {
        return config;
    }

    /** @return whether the kernel is tabulated per phase (else evaluated for every tap) */
    boolean tabulated() {
        return table != null;
    }

    /** @return the kernel's half-width in input samples, {@code zeroCrossings / (2 cutoff / inRate)} */
    double halfWidth() {
        return halfWidth;
    }

    /** @return the filter's cutoff frequency in Hz, {@code rolloff * min(inRate, outRate) / 2} */
    public double cutoffHz() {
        return cutoff * inRate;
    }

    /**
     * The number of output samples for an input of {@code n} samples: {@code round(n * outRate / inRate)}
     * (halves rounded up).
     *
     * @param n the input length, at least 0
     * @return the output length
     * @throws IllegalArgumentException if the output would not fit in one array
     */
    public int outputLength(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative length " + n);
        }
        long len = ((long) n * outRate * 2 + inRate) / (2L * inRate);
        if (len > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(n + " samples at " + inRate + " Hz give " + len + " at " + outRate
                    + " Hz, too many for one array");
        }
        return (int) len;
    }

    /**
     * Resamples a signal.
     *
     * @param x the input samples at {@link #inRate()}
     * @return {@code outputLength(x.length)} samples at {@link #outRate()}; a copy of {@code x} if the rates
     *         are equal
     */
    public float[] apply(float[] x) {
        Objects.requireNonNull(x, "x");
        if (inRate == outRate) {
            return x.clone();
        }
        int n = x.length;
        float[] y = new float[outputLength(n)];
        for (int m = 0; m < y.length; m++) {
            long num = m * q;
            long a = num / p;
            int r = (int) (num - a * p);
            long first = a - reach;
            int j0 = (int) Math.max(0, -first);
            int j1 = (int) Math.min(taps, n - first);
            double acc = 0;
            if (table != null) {
                int base = r * taps;
                int k = (int) (first + j0);
                for (int j = j0; j < j1; j++, k++) {
                    acc += x[k] * table[base + j];
                }
            } else {
                double frac = (double) r / p;
                int k = (int) (first + j0);
                for (int j = j0; j < j1; j++, k++) {
                    acc += x[k] * kernel(frac - (j - reach));
                }
            }
            y[m] = (float) acc;
        }
        return y;
    }

    /** The windowed-sinc kernel at offset {@code u} input samples. */
    double kernel(double u) {
        double a = Math.abs(u);
        if (a >= halfWidth) {
            return 0;
        }
        double s = 2 * cutoff * u;
        double sinc = s == 0 ? 1 : Math.sin(Math.PI * s) / (Math.PI * s);
        double w = a / halfWidth;
        double window = besselI0(config.beta() * Math.sqrt(1 - w * w)) / i0Beta;
        return 2 * cutoff * sinc * window;
    }

    /** The modified Bessel function of the first kind, order 0, by its power series. */
    static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        double half = x / 2;
        for (int k = 1; k < 500; k++) {
            term *= (half / k) * (half / k);
            sum += term;
            if (term < sum * 1e-17) {
                break;
            }
        }
        return sum;
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    @Override
    public String toString() {
        return "Resampler[" + inRate + " Hz -> " + outRate + " Hz, " + config + "]";
    }
}
