package io.vqtok.datasets.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ResamplerTest {

    /**
     * Largest deviation of {@code y} from {@code A sin(2 pi f m / outRate + phase)} over the output samples
     * whose kernel lies fully inside the input (edge effects of the zero padding excluded).
     */
    private static double maxErrorAgainstSine(float[] y, Resampler r, double freq, double amplitude,
            double phase, int inLength) {
        double ratio = (double) r.outRate() / r.inRate();
        int margin = (int) Math.ceil((r.halfWidth() + 2) * ratio);
        int last = (int) Math.floor((inLength - 1 - r.halfWidth() - 2) * ratio);
        double max = 0;
        for (int m = margin; m <= last; m++) {
            double expected = amplitude * Math.sin(2 * Math.PI * freq * m / r.outRate() + phase);
            max = Math.max(max, Math.abs(y[m] - expected));
        }
        assertThat(last - margin).as("samples compared").isGreaterThan(1000);
        return max;
    }

    private static double rmsOfMiddle(float[] y, double fraction) {
        int from = (int) (y.length * (1 - fraction) / 2);
        int to = y.length - from;
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += (double) y[i] * y[i];
        }
        return Math.sqrt(sum / (to - from));
    }

    @ParameterizedTest
    @CsvSource({
        "22050, 16000, 1000", "22050, 16000, 3000", "22050, 16000, 6000",
        "44100, 16000, 440", "44100, 16000, 5000",
        "8000, 16000, 1000", "8000, 16000, 3000",
        "16000, 22050, 2500", "48000, 16000, 6000", "16000, 8000, 3000", "11025, 16000, 1000"})
    void sineBelowBothNyquistsKeepsAmplitudeFrequencyAndPhase(int in, int out, double freq) {
        int n = in / 2;   // half a second
        double amplitude = 0.6;
        double phase = 0.3;
        Resampler r = new Resampler(in, out);
        float[] y = r.apply(AudioFixtures.sine(freq, in, n, amplitude, phase));
        assertThat(y).hasSize(r.outputLength(n));
        // matching the analytic sine sample by sample checks amplitude, frequency and zero delay at once
        assertThat(maxErrorAgainstSine(y, r, freq, amplitude, phase, n)).isLessThan(0.01 * amplitude);
        assertThat(rmsOfMiddle(y, 0.8)).isCloseTo(amplitude / Math.sqrt(2), within(0.01 * amplitude));
    }

    @ParameterizedTest
    @CsvSource({"44100, 16000, 9000", "22050, 16000, 8500", "48000, 16000, 12000", "44100, 8000, 5000",
        "22050, 16000, 10500"})
    void toneAboveNewNyquistIsRemovedWhenDownsampling(int in, int out, double freq) {
        int n = in;   // one second
        float[] x = AudioFixtures.sine(freq, in, n, 1.0, 0);
        float[] y = Resampler.resample(x, in, out);
        double attenuationDb = 20 * Math.log10(rmsOfMiddle(x, 0.9) / rmsOfMiddle(y, 0.9));
        assertThat(attenuationDb).isGreaterThan(60);    // the design gives about 90 dB; 40 dB is the requirement
    }

    @Test
    void upsamplingCreatesNoImages() {
        // 8 kHz -> 16 kHz: a 3 kHz tone must not leave an image at 8 - 3 = 5 kHz
        float[] y = Resampler.resample(AudioFixtures.sine(3000, 8000, 8000, 0.5, 0), 8000, 16000);
        float[] image = AudioFixtures.sine(5000, 16000, y.length, 1, 0);
        float[] imageQ = AudioFixtures.sine(5000, 16000, y.length, 1, Math.PI / 2);
        double c = 0;
        double s = 0;
        for (int i = 2000; i < y.length - 2000; i++) {
            c += y[i] * image[i];
            s += y[i] * imageQ[i];
        }
        double imageAmplitude = 2 * Math.hypot(c, s) / (y.length - 4000);
        assertThat(imageAmplitude).isLessThan(0.5 * 1e-3);
    }

    @Test
    void constantSignalKeepsItsLevel() {
        float[] x = new float[4000];
        java.util.Arrays.fill(x, 0.25f);
        float[] y = Resampler.resample(x, 22050, 16000);
        for (int i = 200; i < y.length - 200; i++) {
            assertThat((double) y[i]).isCloseTo(0.25, within(1e-4));
        }
    }

    @Test
    void equalRatesGiveACopy() {
        float[] x = AudioFixtures.noise(1234, 0.3, 1);
        float[] y = Resampler.resample(x, 16000, 16000);
        assertThat(y).containsExactly(x).isNotSameAs(x);
    }

    @ParameterizedTest
    @CsvSource({"22050, 16000", "44100, 16000", "8000, 16000", "16000, 44100", "48000, 16000", "16000, 16001"})
    void outputLengthIsRoundedScaledLength(int in, int out) {
        Resampler r = new Resampler(in, out);
        for (int n : new int[] {0, 1, 2, 3, 7, 100, 1001, 22050, 44101, 123457}) {
            long expected = Math.round((double) n * out / in);
            assertThat(r.outputLength(n)).as("n=%d", n).isEqualTo(expected);
            if (n <= 1001) {
                assertThat(r.apply(new float[n])).hasSize((int) expected);
            }
        }
    }

    @Test
    void directKernelEvaluationMatchesTheTablesAndHandlesCoprimeRates() {
        float[] x = AudioFixtures.harmonics(22050, 3000, 4);
        float[] tabulated = new Resampler(22050, 16000).apply(x);
        Resampler direct = new Resampler(22050, 16000, Resampler.Config.DEFAULT, false);
        assertThat(direct.tabulated()).isFalse();
        float[] y = direct.apply(x);
        for (int i = 0; i < y.length; i++) {
            assertThat(y[i]).isCloseTo(tabulated[i], within(1e-5f));
        }
        // 96001 -> 44100 has 44100 phases of 154 taps: too many to tabulate, so the kernel is evaluated directly
        Resampler coprime = new Resampler(96001, 44100);
        assertThat(coprime.tabulated()).isFalse();
        int n = 8000;
        float[] out = coprime.apply(AudioFixtures.sine(1000, 96001, n, 0.5, 0));
        assertThat(out).hasSize(3675);
        assertThat(maxErrorAgainstSine(out, coprime, 1000, 0.5, 0, n)).isLessThan(0.005);
    }

    @Test
    void kernelIsASymmetricLowPassWithUnitDcGain() {
        Resampler r = new Resampler(44100, 16000);
        double fc = 0.92 * 0.5 * 16000 / 44100;
        assertThat(r.cutoffHz()).isCloseTo(0.92 * 8000, within(1e-9));
        assertThat(r.kernel(0)).isCloseTo(2 * fc, within(1e-12));
        assertThat(r.halfWidth()).isCloseTo(32 / (2 * fc), within(1e-9));
        for (double u = 0.1; u < r.halfWidth(); u += 0.7) {
            assertThat(r.kernel(u)).isEqualTo(r.kernel(-u));
        }
        assertThat(r.kernel(r.halfWidth())).isZero();
        assertThat(r.kernel(-r.halfWidth() - 1)).isZero();
        // zeros of the sinc at multiples of 1 / (2 fc)
        assertThat(r.kernel(3 / (2 * fc))).isCloseTo(0, within(1e-12));
        // DC gain: the taps at any phase sum to ~1
        for (double frac : new double[] {0, 0.25, 0.5, 0.9}) {
            double sum = 0;
            for (int k = -200; k <= 200; k++) {
                sum += r.kernel(frac - k);
            }
            assertThat(sum).isCloseTo(1, within(1e-4));
        }
    }

    @Test
    void besselI0MatchesKnownValues() {
        assertThat(Resampler.besselI0(0)).isEqualTo(1);
        assertThat(Resampler.besselI0(1)).isCloseTo(1.2660658777520082, within(1e-14));
        assertThat(Resampler.besselI0(5)).isCloseTo(27.239871823604442, within(1e-11));
        assertThat(Resampler.besselI0(14.769656459379492) / 269_000).isBetween(1.0, 1.1);
    }

    @Test
    void rejectsBadParameters() {
        assertThatThrownBy(() -> new Resampler(0, 16000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0 -> 16000");
        assertThatThrownBy(() -> new Resampler.Config(0, 0.9, 8)).hasMessageContaining("zeroCrossings");
        assertThatThrownBy(() -> new Resampler.Config(16, 1.2, 8)).hasMessageContaining("rolloff");
        assertThatThrownBy(() -> new Resampler.Config(16, 0.9, Double.NaN)).hasMessageContaining("beta");
        assertThatThrownBy(() -> new Resampler(8000, 16000).outputLength(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
