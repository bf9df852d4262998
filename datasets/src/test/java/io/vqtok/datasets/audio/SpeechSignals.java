package io.vqtok.datasets.audio;

/**
 * Deterministic speech-like test signals, built by the same formulas as {@code scripts/metrics-reference.py}
 * (in double, rounded to float), so that values from independent implementations apply to them.
 */
final class SpeechSignals {

    private SpeechSignals() {
    }

    /** Approximately Gaussian noise: (sum of 12 uniforms) - 6, uniforms from a 64-bit LCG (MMIX constants). */
    static double[] lcgNoise(int n, long seed) {
        long state = seed;
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < 12; j++) {
                state = state * 6364136223846793005L + 1442695040888963407L;
                s += (state >>> 11) / (double) (1L << 53);
            }
            out[i] = s - 6;
        }
        return out;
    }

    /** Voiced syllables: 30 harmonics of a gliding f0 shaped by three formants, 4 syllables/s, every third silent. */
    static double[] speechLike(int rate, double seconds) {
        int n = (int) Math.round(rate * seconds);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            double t = (double) i / rate;
            double k = Math.floor(t * 4);
            double p = t * 4 - k;
            boolean on = ((long) k) % 3 != 2;
            double env = on ? Math.pow(Math.sin(Math.PI * p), 2) : 0;
            double phase = 2 * Math.PI * (120 * t - 30 / (2 * Math.PI * 0.7) * Math.cos(2 * Math.PI * 0.7 * t));
            double f0 = 120 + 30 * Math.sin(2 * Math.PI * 0.7 * t);
            double f1 = 500 + 200 * Math.sin(2 * Math.PI * 1.1 * t);
            double f2 = 1500 + 400 * Math.sin(2 * Math.PI * 0.9 * t);
            double v = 0;
            for (int h = 1; h <= 30; h++) {
                double f = h * f0;
                double a = Math.exp(-sq((f - f1) / 150)) + 0.7 * Math.exp(-sq((f - f2) / 200))
                        + 0.4 * Math.exp(-sq((f - 2500) / 300)) + 0.05 / h;
                v += a * Math.sin(h * phase);
            }
            x[i] = 0.1 * env * v;
        }
        return x;
    }

    private static double sq(double v) {
        return v * v;
    }

    static double energy(double[] x) {
        double mean = 0;
        for (double v : x) {
            mean += v;
        }
        mean /= x.length;
        double e = 0;
        for (double v : x) {
            e += (v - mean) * (v - mean);
        }
        return e;
    }

    /** x plus LCG noise scaled so that energy(x) / energy(noise) is {@code snrDb} (zero-mean energies). */
    static double[] withNoise(double[] x, double snrDb, long seed) {
        double[] noise = lcgNoise(x.length, seed);
        double scale = Math.sqrt(energy(x) / energy(noise) / Math.pow(10, snrDb / 10));
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = x[i] + scale * noise[i];
        }
        return y;
    }

    /** The 3-tap filter [0.25, 0.5, 0.25], zero outside the signal. */
    static double[] smoothed(double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = 0.5 * x[i] + (i > 0 ? 0.25 * x[i - 1] : 0) + (i + 1 < x.length ? 0.25 * x[i + 1] : 0);
        }
        return y;
    }

    static float[] f32(double[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) x[i];
        }
        return out;
    }
}
