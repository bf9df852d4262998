package io.vqtok.datasets.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vqtok.datasets.audio.AudioMetrics.StftDistance;
import org.junit.jupiter.api.Test;

class AudioMetricsTest {

    private static final int RATE = 16000;

    private static float[] add(float[] a, float[] b, double scaleA, double scaleB) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) (scaleA * a[i] + scaleB * b[i]);
        }
        return out;
    }

    private static float[] scaled(float[] a, double s) {
        return add(a, a, s, 0);
    }

    /** Energy of the zero-mean signal. */
    private static double energy(float[] x) {
        double mean = 0;
        for (float v : x) {
            mean += v;
        }
        mean /= x.length;
        double e = 0;
        for (float v : x) {
            e += (v - mean) * (v - mean);
        }
        return e;
    }

    /** White noise scaled so that 10 log10(energy(x) / energy(noise)) is exactly {@code snrDb}. */
    private static float[] noiseAtSnr(float[] x, double snrDb, long seed) {
        float[] n = AudioFixtures.noise(x.length, 1, seed);
        double scale = Math.sqrt(energy(x) / energy(n) / Math.pow(10, snrDb / 10));
        return scaled(n, scale);
    }

    @Test
    void siSnrOfASignalWithItselfOrAScaledCopyIsUnbounded() {
        float[] x = AudioFixtures.harmonics(RATE, 16000, 1);
        assertThat(AudioMetrics.siSnr(x, x)).isEqualTo(Double.POSITIVE_INFINITY);
        double half = AudioMetrics.siSnr(x, scaled(x, 0.5));
        assertThat(half).satisfiesAnyOf(v -> assertThat(v).isInfinite(), v -> assertThat(v).isGreaterThan(100));
    }

    @Test
    void siSnrIsInvariantToScaleAndOffsetOfTheEstimate() {
        float[] x = AudioFixtures.harmonics(RATE, 16000, 2);
        float[] y = add(x, noiseAtSnr(x, 12, 3), 1, 1);
        double base = AudioMetrics.siSnr(x, y);
        assertThat(AudioMetrics.siSnr(x, scaled(y, 0.5))).isCloseTo(base, within(1e-4));
        assertThat(AudioMetrics.siSnr(x, scaled(y, 7))).isCloseTo(base, within(1e-4));
        float[] shifted = scaled(y, -3);
        for (int i = 0; i < shifted.length; i++) {
            shifted[i] += 0.2f;
        }
        assertThat(AudioMetrics.siSnr(x, shifted)).isCloseTo(base, within(1e-4));
    }

    @Test
    void siSnrOfSignalPlusWhiteNoiseIsTheSnr() {
        float[] x = AudioFixtures.harmonics(RATE, 48000, 4);
        for (double snr : new double[] {-5, 0, 10, 20, 30}) {
            float[] y = add(x, noiseAtSnr(x, snr, 10 + (long) snr), 1, 1);
            assertThat(AudioMetrics.siSnr(x, y)).as("SNR %s dB", snr).isCloseTo(snr, within(0.2));
        }
        // a gain error does not count: 0.5 x + noise at 10 dB relative to 0.5 x
        float[] halfX = scaled(x, 0.5);
        float[] y = add(halfX, noiseAtSnr(halfX, 10, 77), 1, 1);
        assertThat(AudioMetrics.siSnr(x, y)).isCloseTo(10, within(0.2));
    }

    @Test
    void siSnrEdgeCases() {
        float[] x = AudioFixtures.harmonics(RATE, 1000, 5);
        assertThat(AudioMetrics.siSnr(x, new float[1000])).isEqualTo(Double.NEGATIVE_INFINITY);
        float[] constant = new float[1000];
        java.util.Arrays.fill(constant, 0.3f);
        assertThatThrownBy(() -> AudioMetrics.siSnr(constant, x))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("constant");
        assertThatThrownBy(() -> AudioMetrics.siSnr(x, new float[999]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1000 samples").hasMessageContaining("999");
        assertThatThrownBy(() -> AudioMetrics.siSnr(new float[0], new float[0]))
                .hasMessageContaining("empty");
    }

    @Test
    void stftAndMelDistancesAreZeroForIdenticalSignals() {
        float[] x = AudioFixtures.harmonics(RATE, 20000, 6);
        StftDistance d = AudioMetrics.multiResolutionStft(x, x.clone());
        assertThat(d.spectralConvergence()).isZero();
        assertThat(d.logMagnitude()).isZero();
        assertThat(d.total()).isZero();
        assertThat(AudioMetrics.melDistance(x, x.clone(), RATE)).isZero();
        float[] silence = new float[5000];
        assertThat(AudioMetrics.multiResolutionStft(silence, silence).total()).isZero();
        assertThat(AudioMetrics.melDistance(silence, silence, RATE)).isZero();
    }

    @Test
    void stftAndMelDistancesGrowWithTheNoiseLevel() {
        float[] x = AudioFixtures.harmonics(RATE, 24000, 7);
        double lastSc = 0;
        double lastMag = 0;
        double lastMel = 0;
        for (double snr : new double[] {40, 30, 20, 10, 0}) {
            float[] y = add(x, noiseAtSnr(x, snr, 20), 1, 1);
            StftDistance d = AudioMetrics.multiResolutionStft(x, y);
            double mel = AudioMetrics.melDistance(x, y, RATE);
            assertThat(d.spectralConvergence()).as("SC at %s dB", snr).isGreaterThan(lastSc);
            assertThat(d.logMagnitude()).as("log-mag at %s dB", snr).isGreaterThan(lastMag);
            assertThat(mel).as("mel at %s dB", snr).isGreaterThan(lastMel);
            lastSc = d.spectralConvergence();
            lastMag = d.logMagnitude();
            lastMel = mel;
        }
        // at 0 dB SNR with white noise the spectral error is of the order of the signal itself
        assertThat(lastSc).isBetween(0.3, 2.0);
    }

    @Test
    void doublingTheSignalGivesUnitSpectralConvergenceAndLogTwoDistances() {
        float[] x = AudioFixtures.noise(16000, 0.3, 8);
        float[] twice = scaled(x, 2);
        StftDistance single = AudioMetrics.stftDistance(x, twice, 512, 128);
        assertThat(single.spectralConvergence()).isCloseTo(1, within(1e-6));
        assertThat(single.logMagnitude()).isCloseTo(Math.log(2), within(1e-6));
        StftDistance multi = AudioMetrics.multiResolutionStft(x, twice);
        assertThat(multi.spectralConvergence()).isCloseTo(1, within(1e-6));
        assertThat(multi.logMagnitude()).isCloseTo(Math.log(2), within(1e-6));
        assertThat(multi.total()).isCloseTo(1 + Math.log(2), within(2e-6));
        assertThat(AudioMetrics.melDistance(x, twice, RATE)).isCloseTo(Math.log10(2), within(1e-4));
    }

    @Test
    void spectralConvergenceIsNormalizedByTheReference() {
        float[] x = AudioFixtures.harmonics(RATE, 8000, 9);
        float[] silence = new float[8000];
        // estimating nothing: |S_ref - floor| / |S_ref| is just under 1
        assertThat(AudioMetrics.stftDistance(x, silence, 1024, 256).spectralConvergence())
                .isCloseTo(1, within(1e-3));
    }

    @Test
    void rejectsMismatchedInputs() {
        assertThatThrownBy(() -> AudioMetrics.multiResolutionStft(new float[10], new float[11]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trim");
        assertThatThrownBy(() -> AudioMetrics.melDistance(new float[10], new float[10], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sample rate");
    }
}
