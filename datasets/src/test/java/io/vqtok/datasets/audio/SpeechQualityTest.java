package io.vqtok.datasets.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpeechQualityTest {

    @Test
    void aDelayedNoisyCopyScoresAsTheUndelayedOneAndReportsTheDelay() {
        int rate = 16000;
        double[] x = SpeechSignals.speechLike(rate, 2.0);
        float[] ref = SpeechSignals.f32(x);
        float[] noisy = SpeechSignals.f32(SpeechSignals.withNoise(x, 10, 21));
        int delay = 123;
        float[] late = new float[noisy.length + 300];
        System.arraycopy(noisy, 0, late, delay, noisy.length);
        SpeechQuality q = SpeechQuality.measure(ref, late, rate);
        assertThat(q.delaySamples()).isEqualTo(delay);
        assertThat(q.stoi()).isCloseTo(Stoi.stoi(ref, noisy, rate), within(1e-12));
        assertThat(q.estoi()).isCloseTo(Stoi.estoi(ref, noisy, rate), within(1e-12));
        assertThat(q.siSnrDb()).isCloseTo(AudioMetrics.siSnr(ref, noisy), within(1e-12));
        assertThat(q.melDistance()).isCloseTo(AudioMetrics.melDistance(ref, noisy, rate), within(1e-12));
        assertThat(q.multiScaleMelDistance()).isCloseTo(AudioMetrics.multiScaleMelDistance(ref, noisy, rate), within(1e-12));
        // unaligned, the same estimate would look far worse in the waveform measure (STOI's 25.6 ms frames barely
        // notice 7.7 ms)
        float[] cut = java.util.Arrays.copyOf(late, ref.length);
        assertThat(AudioMetrics.siSnr(ref, cut)).isLessThan(q.siSnrDb() - 10);
    }

    @Test
    void aClipTooShortForStoiGetsNaNThereAndTheOtherMeasures() {
        float[] x = SpeechSignals.f32(SpeechSignals.speechLike(16000, 0.3));
        SpeechQuality q = SpeechQuality.measure(x, x.clone(), 16000);
        assertThat(q.stoi()).isNaN();
        assertThat(q.estoi()).isNaN();
        assertThat(q.melDistance()).isZero();
        assertThat(q.delaySamples()).isZero();
    }

    @Test
    void meansAreTheAveragesAndTheLargestDelayIsByMagnitude() {
        SpeechQuality a = new SpeechQuality(4, 0.9, 0.7, 10, 0.5, 3, 1);
        SpeechQuality b = new SpeechQuality(-6, 0.7, 0.5, 20, 0.7, 5, 2);
        SpeechQuality tooShort = new SpeechQuality(-1, Double.NaN, Double.NaN, 12, 0.6, 4, 1.5);
        SpeechQuality.Mean m = SpeechQuality.Mean.of(List.of(a, b, tooShort));
        assertThat(m.files()).isEqualTo(3);
        assertThat(m.stoiFiles()).isEqualTo(2);
        assertThat(m.meanDelaySamples()).isEqualTo(-1);
        assertThat(m.maxAbsDelaySamples()).isEqualTo(6);
        assertThat(m.stoi()).isCloseTo(0.8, within(1e-15));
        assertThat(m.estoi()).isCloseTo(0.6, within(1e-15));
        assertThat(m.siSnrDb()).isCloseTo(14, within(1e-12));
        assertThat(m.multiScaleMelDistance()).isCloseTo(4, within(1e-12));
        assertThat(SpeechQuality.Mean.of(List.of(tooShort)).stoi()).isNaN();
        assertThatThrownBy(() -> SpeechQuality.Mean.of(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
