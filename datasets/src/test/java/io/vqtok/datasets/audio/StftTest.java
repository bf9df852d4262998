package io.vqtok.datasets.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class StftTest {

    @Test
    void periodicHannWindow() {
        double[] w = Stft.hann(8);
        assertThat(w[0]).isZero();
        assertThat(w[4]).isCloseTo(1, within(1e-15));
        assertThat(w[2]).isCloseTo(0.5, within(1e-15));
        assertThat(w[1]).isCloseTo(w[7], within(1e-15));
        double sum = 0;
        for (double v : w) {
            sum += v;
        }
        assertThat(sum).isCloseTo(4, within(1e-12));
    }

    @Test
    void sineOnABinCenterPeaksThereWithHannLeakageIntoItsTwoNeighboursOnly() {
        int nFft = 512;
        int rate = 16000;
        int k0 = 40;   // 1250 Hz
        double amplitude = 0.7;
        float[] x = AudioFixtures.sine(k0 * (double) rate / nFft, rate, 8000, amplitude, 0.4);
        Stft stft = new Stft(nFft, 128);
        double[][] s = stft.magnitude(x);
        assertThat(s).hasNumberOfRows(1 + 8000 / 128);
        for (int f = 4; f < s.length - 4; f++) {   // frames away from the reflected edges
            double[] row = s[f];
            assertThat(row).hasSize(257);
            int peak = 0;
            for (int k = 1; k < row.length; k++) {
                if (row[k] > row[peak]) {
                    peak = k;
                }
            }
            assertThat(peak).isEqualTo(k0);
            // a periodic Hann window has DFT N/2 at 0 and -N/4 at +-1: the sine's A/2 spread over 3 bins
            assertThat(row[k0]).isCloseTo(amplitude * nFft / 4, within(1e-3));
            assertThat(row[k0 - 1]).isCloseTo(amplitude * nFft / 8, within(1e-3));
            assertThat(row[k0 + 1]).isCloseTo(amplitude * nFft / 8, within(1e-3));
            for (int k = 0; k < row.length; k++) {
                if (Math.abs(k - k0) > 1) {
                    assertThat(row[k]).as("bin %d", k).isLessThan(1e-3);
                }
            }
        }
    }

    @Test
    void parsevalHoldsForEveryFrame() {
        int nFft = 256;
        int hop = 64;
        float[] x = AudioFixtures.noise(3000, 0.3, 11);
        double[][] s = new Stft(nFft, hop).magnitude(x);
        double[] w = Stft.hann(nFft);
        for (int f = 0; f < s.length; f++) {
            double time = 0;
            for (int i = 0; i < nFft; i++) {
                int j = Stft.reflect(f * hop - nFft / 2 + i, x.length);
                double v = w[i] * x[j];
                time += v * v;
            }
            double[] row = s[f];
            double freq = row[0] * row[0] + row[nFft / 2] * row[nFft / 2];
            for (int k = 1; k < nFft / 2; k++) {
                freq += 2 * row[k] * row[k];
            }
            assertThat(freq / nFft).as("frame %d", f).isCloseTo(time, within(1e-9 * (1 + time)));
        }
    }

    @Test
    void matchesADirectDftIncludingReflectPadding() {
        int nFft = 16;
        float[] x = AudioFixtures.noise(37, 1, 5);
        double[][] s = new Stft(nFft, 5).magnitude(x);
        double[] w = Stft.hann(nFft);
        assertThat(s).hasNumberOfRows(1 + 37 / 5);
        for (int f = 0; f < s.length; f++) {
            for (int k = 0; k <= nFft / 2; k++) {
                double re = 0;
                double im = 0;
                for (int i = 0; i < nFft; i++) {
                    int padded = f * 5 + i - nFft / 2;
                    int j = padded < 0 ? -padded : padded >= x.length ? 2 * (x.length - 1) - padded : padded;
                    double v = w[i] * x[j];
                    re += v * Math.cos(2 * Math.PI * i * k / nFft);
                    im -= v * Math.sin(2 * Math.PI * i * k / nFft);
                }
                assertThat(s[f][k]).isCloseTo(Math.hypot(re, im), within(1e-9));
            }
        }
    }

    @Test
    void reflectMirrorsWithoutRepeatingTheEdgeAndHandlesShortSignals() {
        assertThat(Stft.reflect(-1, 5)).isEqualTo(1);
        assertThat(Stft.reflect(-4, 5)).isEqualTo(4);
        assertThat(Stft.reflect(5, 5)).isEqualTo(3);
        assertThat(Stft.reflect(8, 5)).isEqualTo(0);
        assertThat(Stft.reflect(-6, 5)).isEqualTo(2);   // reflected twice
        assertThat(Stft.reflect(3, 2)).isEqualTo(1);
        assertThat(Stft.reflect(-7, 1)).isZero();
        assertThat(Stft.reflect(0, 0)).isEqualTo(-1);
        // signals shorter than the padding still work
        double[][] tiny = new Stft(64, 16).magnitude(new float[] {1f, -1f, 0.5f});
        assertThat(tiny).hasNumberOfRows(1);
        double[][] empty = new Stft(64, 16).magnitude(new float[0]);
        assertThat(empty).hasNumberOfRows(1);
        assertThat(empty[0]).containsOnly(0.0);
    }

    @Test
    void rejectsBadSizes() {
        assertThatThrownBy(() -> new Stft(1000, 250)).hasMessageContaining("power of two");
        assertThatThrownBy(() -> new Stft(1024, 0)).hasMessageContaining("hop");
    }
}
