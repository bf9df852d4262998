package io.vqtok.datasets.audio;

import static io.vqtok.datasets.audio.SpeechSignals.f32;
import static io.vqtok.datasets.audio.SpeechSignals.smoothed;
import static io.vqtok.datasets.audio.SpeechSignals.speechLike;
import static io.vqtok.datasets.audio.SpeechSignals.withNoise;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MultiScaleMelDistanceTest {

    @Test
    void identicalSignalsAreAtDistanceZero() {
        float[] x = f32(speechLike(16000, 1.0));
        assertThat(AudioMetrics.multiScaleMelDistance(x, x.clone(), 16000)).isZero();
    }

    @Test
    void anEightfoldGainCostsLog10Of8PerScaleWhenNoMelValueIsClamped() {
        // unit white noise keeps every mel value of every scale above the 1e-5 clamp (at sigma 0.1 one value of the
        // 32-sample scale, a single 500 Hz bin under a weight of 0.0019, falls below it), so each of the 7 scales
        // contributes |log10(8 M) - log10(M)| = log10 8 (a gain of 8 is exact in float)
        float[] x = AudioFixtures.noise(16000, 1.0, 5);
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = 8 * x[i];
        }
        assertThat(AudioMetrics.multiScaleMelDistance(x, y, 16000)).isCloseTo(7 * Math.log10(8), within(1e-9));
        // the 80-band distance adds 1e-5 instead of clamping, so it is just below log10 8 and no sum over scales
        assertThat(AudioMetrics.melDistance(x, y, 16000)).isLessThan(Math.log10(8)).isGreaterThan(Math.log10(8) - 0.01);
    }

    /** Values from torch.stft and librosa.filters.mel as DAC's MelSpectrogramLoss uses them (scripts/metrics-reference.py). */
    @Test
    void matchesTorchAndLibrosaOnDeterministicSignals() {
        double[] x = speechLike(16000, 3.0);
        assertThat(AudioMetrics.multiScaleMelDistance(f32(x), f32(withNoise(x, 0, 3)), 16000))
                .isCloseTo(13.0235181790, within(1e-6));
        assertThat(AudioMetrics.multiScaleMelDistance(f32(x), f32(withNoise(smoothed(x), 10, 5)), 16000))
                .isCloseTo(10.0829780932, within(1e-6));
    }

    @Test
    void unequalLengthsAreRejected() {
        assertThatThrownBy(() -> AudioMetrics.multiScaleMelDistance(new float[100], new float[99], 16000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("100").hasMessageContaining("99");
    }
}
