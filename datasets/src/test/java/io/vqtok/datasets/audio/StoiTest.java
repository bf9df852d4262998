package io.vqtok.datasets.audio;

import static io.vqtok.datasets.audio.SpeechSignals.f32;
import static io.vqtok.datasets.audio.SpeechSignals.smoothed;
import static io.vqtok.datasets.audio.SpeechSignals.speechLike;
import static io.vqtok.datasets.audio.SpeechSignals.withNoise;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.vqtok.datasets.audio.Stoi.Scores;
import org.junit.jupiter.api.Test;

class StoiTest {

    @Test
    void identicalSignalsScoreOne() {
        for (int rate : new int[] {10000, 16000, 8000}) {
            float[] x = f32(speechLike(rate, 2.0));
            Scores s = Stoi.scores(x, x.clone(), rate);
            assertThat(s.stoi()).as("STOI at %d Hz", rate).isCloseTo(1, within(1e-6));
            assertThat(s.estoi()).as("ESTOI at %d Hz", rate).isCloseTo(1, within(1e-6));
        }
    }

    @Test
    void bothFallMonotonicallyAsTheSnrOfAddedWhiteNoiseFalls() {
        double[] x = speechLike(16000, 3.0);
        float[] ref = f32(x);
        double prevStoi = 1;
        double prevEstoi = 1;
        for (double snr : new double[] {20, 10, 5, 0, -5}) {
            Scores s = Stoi.scores(ref, f32(withNoise(x, snr, 40 + (long) snr)), 16000);
            assertThat(s.stoi()).as("STOI at %s dB", snr).isLessThan(prevStoi).isGreaterThan(0);
            assertThat(s.estoi()).as("ESTOI at %s dB", snr).isLessThan(prevEstoi).isGreaterThan(0);
            prevStoi = s.stoi();
            prevEstoi = s.estoi();
        }
        // at -5 dB white noise the published curves put STOI well below its clean value but far above chance
        assertThat(prevStoi).isBetween(0.5, 0.85);
    }

    /**
     * Values from pystoi 0.4.1 ({@code scripts/metrics-reference.py}) on the same deterministic signals. At 10 kHz
     * nothing is resampled and the two implementations agree to 1e-10; at 16 and 8 kHz the resamplers differ
     * (Octave's polyphase filter vs {@link Stoi#RESAMPLER}): measured differences up to 1.1e-3 at 16 kHz and
     * 3.0e-3 at 8 kHz.
     */
    @Test
    void matchesPystoiOnDeterministicSignals() {
        assertPystoi(10000, 5, 1, false, 0.8741286432, 0.6305511767, 1e-6);
        assertPystoi(10000, -5, 2, false, 0.7162515094, 0.3459555152, 1e-6);
        assertPystoi(16000, 0, 3, false, 0.8424714617, 0.5748468696, 2e-3);
        assertPystoi(16000, 10, 5, true, 0.9293329396, 0.7525292291, 2e-3);
        // from 8 kHz the top band (3394 .. 4276 Hz) holds only the resampler's transition band: pystoi itself moves
        // by 7e-3 when scipy's resample_poly with a Kaiser(5) or Kaiser(9) window replaces its Octave filter
        assertPystoi(8000, 10, 4, false, 0.9137054294, 0.7131951557, 5e-3);
    }

    private static void assertPystoi(int rate, double snr, long seed, boolean smooth, double stoi, double estoi,
            double tolerance) {
        double[] x = speechLike(rate, 3.0);
        float[] y = f32(withNoise(smooth ? smoothed(x) : x, snr, seed));
        Scores s = Stoi.scores(f32(x), y, rate);
        System.out.printf("pystoi %d Hz %s dB: STOI %.10f (diff %.2e), ESTOI %.10f (diff %.2e)%n", rate, snr, s.stoi(),
                s.stoi() - stoi, s.estoi(), s.estoi() - estoi);
        assertThat(s.stoi()).as("STOI %d Hz %s dB", rate, snr).isCloseTo(stoi, within(tolerance));
        assertThat(s.estoi()).as("ESTOI %d Hz %s dB", rate, snr).isCloseTo(estoi, within(tolerance));
    }

    @Test
    void noiseOnlyInTheReferencesSilentFramesIsIgnored() {
        // 1 s speech, 1 s exact zeros, 1 s speech at 10 kHz: frames starting at 10112 .. 19712 (79 .. 154 hops)
        // lie wholly in the zeros and are dropped; samples 10400 .. 19799 are covered by those frames only.
        double[] a = speechLike(10000, 1.0);
        double[] x = new double[30000];
        System.arraycopy(a, 0, x, 0, 10000);
        System.arraycopy(a, 0, x, 20000, 10000);
        double[] noise = SpeechSignals.lcgNoise(30000, 9);
        double[] y = x.clone();
        for (int i = 10400; i < 19800; i++) {
            y[i] = 0.5 * noise[i];
        }
        Scores s = Stoi.scores(f32(x), f32(y), 10000);
        assertThat(s.stoi()).isCloseTo(1, within(1e-6));
        assertThat(s.estoi()).isCloseTo(1, within(1e-6));
        // the same noise reaching back into loud speech (from 0.9 s) hits kept frames and costs intelligibility
        for (int i = 9000; i < 10400; i++) {
            y[i] = 0.5 * noise[i];
        }
        assertThat(Stoi.stoi(f32(x), f32(y), 10000)).isLessThan(0.999);
    }

    @Test
    void scoresDoNotDependOnTheEstimatesGain() {
        double[] x = speechLike(10000, 3.0);
        double[] y = withNoise(x, 3, 11);
        double[] loud = y.clone();
        for (int i = 0; i < loud.length; i++) {
            loud[i] *= 4;
        }
        Scores a = Stoi.scores(f32(x), f32(y), 10000);
        Scores b = Stoi.scores(f32(x), f32(loud), 10000);
        assertThat(b.stoi()).isCloseTo(a.stoi(), within(1e-9));
        assertThat(b.estoi()).isCloseTo(a.estoi(), within(1e-9));
    }

    @Test
    void thirdOctaveBandsAndFramingFollowTheAlgorithm() {
        int[][] bands = Stoi.thirdOctaveBands();
        assertThat(bands).hasNumberOfRows(15);
        // band 0: 150 * 2^(-1/6) = 133.6 Hz -> bin 6.84 -> 7; 150 * 2^(1/6) = 168.4 Hz -> bin 8.62 -> 9
        assertThat(bands[0]).containsExactly(7, 9);
        // band 14: 150 * 2^(27/6) = 3394 Hz -> bin 173.8 -> 174; 150 * 2^(29/6) = 4276 Hz -> bin 218.95 -> 219
        assertThat(bands[14]).containsExactly(174, 219);
        for (int k = 1; k < 15; k++) {
            assertThat(bands[k][0]).as("band %d starts where band %d ends", k, k - 1).isEqualTo(bands[k - 1][1]);
        }
        assertThat(Stoi.frameCount(256)).isZero();
        assertThat(Stoi.frameCount(257)).isEqualTo(1);
        assertThat(Stoi.frameCount(384)).isEqualTo(1);
        assertThat(Stoi.frameCount(385)).isEqualTo(2);
        double[] w = Stoi.matlabHanning(256);
        assertThat(w[0]).isCloseTo(0.5 - 0.5 * Math.cos(2 * Math.PI / 257), within(1e-15));
        assertThat(w[0]).isCloseTo(w[255], within(1e-15));
    }

    @Test
    void rowColumnNormalizationGivesUnitColumnsOfZeroMean() {
        double[][] a = {{1, 2, 4}, {3, 1, 0}, {2, 2, 5}};
        Stoi.rowColumnNormalize(a);
        for (int j = 0; j < 3; j++) {
            double mean = (a[0][j] + a[1][j] + a[2][j]) / 3;
            double norm = a[0][j] * a[0][j] + a[1][j] * a[1][j] + a[2][j] * a[2][j];
            assertThat(mean).isCloseTo(0, within(1e-12));
            assertThat(norm).isCloseTo(1, within(1e-12));
        }
        // column 0 by hand: rows centered and scaled are (-1, 0, 1)/sqrt2 * ..; row 1 = (3,1,0) -> mean 4/3,
        // centered (5/3, -1/3, -4/3), norm sqrt(42)/3 -> 5/sqrt42 first; row 0 -> -1/sqrt(14/3)... checked
        double r0 = (1 - 7.0 / 3) / Math.sqrt(sq(1 - 7.0 / 3) + sq(2 - 7.0 / 3) + sq(4 - 7.0 / 3));
        double r1 = (3 - 4.0 / 3) / Math.sqrt(sq(3 - 4.0 / 3) + sq(1 - 4.0 / 3) + sq(-4.0 / 3));
        double r2 = (2 - 3.0) / Math.sqrt(1 + 1 + 4);
        double m = (r0 + r1 + r2) / 3;
        double n = Math.sqrt(sq(r0 - m) + sq(r1 - m) + sq(r2 - m));
        assertThat(a[0][0]).isCloseTo((r0 - m) / n, within(1e-12));
        assertThat(a[1][0]).isCloseTo((r1 - m) / n, within(1e-12));
    }

    private static double sq(double v) {
        return v * v;
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        float[] x = f32(speechLike(16000, 1.0));
        assertThatThrownBy(() -> Stoi.stoi(x, new float[10], 16000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("16000 samples").hasMessageContaining("10");
        assertThatThrownBy(() -> Stoi.stoi(x, x, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sample rate");
        float[] shortClip = f32(speechLike(16000, 0.2));
        assertThatThrownBy(() -> Stoi.estoi(shortClip, shortClip, 16000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 30 frames");
    }
}
