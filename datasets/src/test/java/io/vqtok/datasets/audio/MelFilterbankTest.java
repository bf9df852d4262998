package io.vqtok.datasets.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vqtok.datasets.audio.MelFilterbank.Scale;
import org.junit.jupiter.api.Test;

class MelFilterbankTest {

    @Test
    void slaneyScaleIsLinearBelow1kHzAndLogarithmicAbove() {
        assertThat(Scale.SLANEY.toMel(0)).isZero();
        assertThat(Scale.SLANEY.toMel(200)).isCloseTo(3, within(1e-12));
        assertThat(Scale.SLANEY.toMel(1000)).isCloseTo(15, within(1e-12));
        assertThat(Scale.SLANEY.toMel(6400)).isCloseTo(15 + 27, within(1e-12));
        assertThat(Scale.HTK.toMel(700)).isCloseTo(2595 * Math.log10(2), within(1e-9));
        for (double hz : new double[] {0, 55, 440, 999.9, 1000, 1234.5, 8000, 22050}) {
            assertThat(Scale.SLANEY.toHz(Scale.SLANEY.toMel(hz))).isCloseTo(hz, within(1e-9));
            assertThat(Scale.HTK.toHz(Scale.HTK.toMel(hz))).isCloseTo(hz, within(1e-9));
        }
    }

    @Test
    void unnormalizedTrianglesPartitionUnityBetweenFirstAndLastCenter() {
        for (Scale scale : Scale.values()) {
            MelFilterbank fb = MelFilterbank.create(16000, 1024, 40, 0, 8000, scale, false);
            double binHz = 16000 / 1024.0;
            int checked = 0;
            double min = 0;
            double max = 0;
            for (int k = 0; k < fb.bins(); k++) {
                double f = k * binHz;
                double sum = 0;
                for (int m = 0; m < fb.bands(); m++) {
                    sum += fb.weight(m, k);
                    min = Math.min(min, fb.weight(m, k));
                    max = Math.max(max, fb.weight(m, k));
                }
                if (f >= fb.centerHz(0) && f <= fb.centerHz(fb.bands() - 1)) {
                    assertThat(sum).as("%s bin %d (%.1f Hz)", scale, k, f).isCloseTo(1, within(1e-12));
                    checked++;
                } else if (f > fb.centerHz(fb.bands() - 1)) {
                    assertThat(sum).isLessThan(1);
                }
            }
            assertThat(checked).isGreaterThan(400);
            assertThat(min).isZero();
            assertThat(max).isLessThanOrEqualTo(1).isGreaterThan(0.9);
        }
    }

    @Test
    void slaneyNormalizedRowsHaveUnitAreaAndPeakAtTheirCenter() {
        int rate = 16000;
        int nFft = 1024;
        MelFilterbank fb = MelFilterbank.slaney(rate, nFft, 80);
        MelFilterbank peak1 = MelFilterbank.create(rate, nFft, 80, 0, rate / 2.0, Scale.SLANEY, false);
        assertThat(fb.bands()).isEqualTo(80);
        assertThat(fb.bins()).isEqualTo(513);
        double binHz = (double) rate / nFft;
        for (int m = 0; m < fb.bands(); m++) {
            double sum = 0;
            int argmax = 0;
            for (int k = 0; k < fb.bins(); k++) {
                sum += fb.weight(m, k);
                if (fb.weight(m, k) > fb.weight(m, argmax)) {
                    argmax = k;
                }
            }
            assertThat(sum).as("band %d", m).isPositive();   // no empty filter
            double lo = m == 0 ? 0 : fb.centerHz(m - 1);
            double hi = m == fb.bands() - 1 ? rate / 2.0 : fb.centerHz(m + 1);
            // area over Hz (Riemann sum) is 1 once a triangle spans several bins
            if (hi - lo > 8 * binHz) {
                assertThat(sum * binHz).as("band %d", m).isCloseTo(1, within(0.02));
            }
            assertThat(Math.abs(argmax * binHz - fb.centerHz(m))).isLessThanOrEqualTo(0.6 * binHz);
            // normalized = peak-1 triangle times 2 / (width in Hz)
            for (int k = 0; k < fb.bins(); k += 7) {
                assertThat(fb.weight(m, k)).isCloseTo(peak1.weight(m, k) * 2 / (hi - lo), within(1e-12));
            }
        }
        // centers are increasing and spaced evenly in mel
        double step = Scale.SLANEY.toMel(fb.centerHz(1)) - Scale.SLANEY.toMel(fb.centerHz(0));
        assertThat(step).isCloseTo(Scale.SLANEY.toMel(8000) / 81, within(1e-9));
        for (int m = 1; m < 80; m++) {
            assertThat(Scale.SLANEY.toMel(fb.centerHz(m)) - Scale.SLANEY.toMel(fb.centerHz(m - 1)))
                    .isCloseTo(step, within(1e-9));
        }
    }

    @Test
    void applyIsTheMatrixProduct() {
        MelFilterbank fb = MelFilterbank.slaney(8000, 64, 5);
        double[] spectrum = new double[33];
        for (int k = 0; k < spectrum.length; k++) {
            spectrum[k] = 1 + k % 4;
        }
        double[] mel = fb.apply(spectrum);
        double[][] w = fb.weights();
        for (int m = 0; m < 5; m++) {
            double expected = 0;
            for (int k = 0; k < 33; k++) {
                expected += w[m][k] * spectrum[k];
            }
            assertThat(mel[m]).isCloseTo(expected, within(1e-12));
        }
        w[0][0] = 99;   // a copy
        assertThat(fb.weight(0, 0)).isNotEqualTo(99);
        assertThatThrownBy(() -> fb.apply(new double[32])).hasMessageContaining("expected 33");
    }

    @Test
    void rejectsBadParameters() {
        assertThatThrownBy(() -> MelFilterbank.create(16000, 1024, 80, 0, 9000, Scale.SLANEY, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fMax 9000");
        assertThatThrownBy(() -> MelFilterbank.slaney(16000, 1024, 0)).hasMessageContaining("band count");
        assertThatThrownBy(() -> MelFilterbank.slaney(0, 1024, 80)).hasMessageContaining("sample rate");
    }
}
