package io.vqtok.datasets.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AlignmentTest {

    private static float[] shifted(float[] x, int delay, int length) {
        float[] y = new float[length];
        for (int i = 0; i < length; i++) {
            int j = i - delay;
            y[i] = j >= 0 && j < x.length ? x[j] : 0f;
        }
        return y;
    }

    @Test
    void aDelayedCopyGivesTheExactDelayAndTheOriginalBack() {
        float[] x = SpeechSignals.f32(SpeechSignals.speechLike(16000, 1.5));
        for (int delay : new int[] {0, 1, 37, 480, 1599}) {
            float[] y = shifted(x, delay, x.length + delay);
            Alignment a = Alignment.align(x, y, 16000);
            assertThat(a.delay()).as("delay %d", delay).isEqualTo(delay);
            assertThat(a.reference()).isSameAs(x);
            assertThat(a.estimate()).containsExactly(x);
        }
    }

    /** Noise carriers of independent seeds under one syllable envelope (4 Hz bursts): same envelope, unrelated phase. */
    private static float[] burstsOfNoise(int rate, double seconds, long seed) {
        double[] noise = SpeechSignals.lcgNoise((int) (rate * seconds), seed);
        float[] y = new float[noise.length];
        for (int i = 0; i < y.length; i++) {
            double t = i / (double) rate, syllable = Math.max(0, Math.sin(2 * Math.PI * 4 * t + 0.7 * Math.sin(2 * Math.PI * 1.3 * t)));
            y[i] = (float) (0.5 * syllable * syllable * noise[i]);
        }
        return y;
    }

    @Test
    void aDelayedEstimateWithTheEnvelopeButNotThePhaseOfTheReferenceIsAlignedWithinTheRefinementWindow() {
        int rate = 16000;
        float[] x = burstsOfNoise(rate, 2.0, 11);
        float[] carrier = burstsOfNoise(rate, 2.0, 12);   // what a vocoder gives back: the envelope, another waveform
        for (int delay : new int[] {0, 160, 555, -300}) {
            float[] y = shifted(carrier, delay, carrier.length + Math.max(0, delay));
            int d = Alignment.align(x, y, rate).delay();
            assertThat(Math.abs(d - delay)).as("delay %d found as %d", delay, d).isLessThanOrEqualTo(Alignment.REFINE_MS * rate / 1000);
        }
        // the waveform correlation alone has nothing to go on here
        int[] waveformOnly = new int[4];
        int far = 0, i = 0;
        for (int delay : new int[] {0, 160, 555, -300}) {
            waveformOnly[i] = Alignment.delay(x, shifted(carrier, delay, carrier.length + Math.max(0, delay)), rate / 10);
            if (Math.abs(waveformOnly[i++] - delay) > Alignment.REFINE_MS * rate / 1000) far++;
        }
        assertThat(far).as("waveform-only delays %s", java.util.Arrays.toString(waveformOnly)).isGreaterThanOrEqualTo(2);
    }

    @Test
    void anEstimateThatLeadsGivesANegativeDelayAndAShortEstimateIsZeroFilled() {
        float[] x = SpeechSignals.f32(SpeechSignals.speechLike(8000, 1.0));
        float[] lead = new float[x.length - 25];
        System.arraycopy(x, 25, lead, 0, lead.length);
        Alignment a = Alignment.align(x, lead, 8000);
        assertThat(a.delay()).isEqualTo(-25);
        assertThat(a.estimate()).hasSize(x.length);
        for (int i = 0; i < 25; i++) {
            assertThat(a.estimate()[i]).isZero();
        }
        for (int i = 25; i < x.length; i++) {
            assertThat(a.estimate()[i]).isEqualTo(x[i]);
        }
    }

    @Test
    void theDelayIsTheArgmaxOfTheDirectlyComputedCrossCorrelation() {
        float[] x = SpeechSignals.f32(SpeechSignals.withNoise(SpeechSignals.speechLike(8000, 0.5), 0, 3));
        float[] y = SpeechSignals.f32(SpeechSignals.withNoise(SpeechSignals.smoothed(SpeechSignals.speechLike(8000, 0.5)), -3, 4));
        int maxLag = 300;
        int best = 0;
        double bestC = Double.NEGATIVE_INFINITY;
        for (int k = -maxLag; k <= maxLag; k++) {
            double c = 0;
            for (int n = 0; n < x.length; n++) {
                if (n + k >= 0 && n + k < y.length) {
                    c += (double) x[n] * y[n + k];
                }
            }
            if (c > bestC) {
                bestC = c;
                best = k;
            }
        }
        assertThat(Alignment.delay(x, y, maxLag)).isEqualTo(best);
    }

    @Test
    void theSearchIsBoundedByMaxLag() {
        float[] x = SpeechSignals.f32(SpeechSignals.speechLike(8000, 1.0));
        float[] y = shifted(x, 900, x.length + 900);
        assertThat(Alignment.delay(x, y, 1000)).isEqualTo(900);
        assertThat(Math.abs(Alignment.delay(x, y, 100))).isLessThanOrEqualTo(100);
        assertThat(Alignment.delay(x, y, 0)).isZero();
    }

    @Test
    void badInputIsRejected() {
        assertThatThrownBy(() -> Alignment.delay(new float[0], new float[3], 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> Alignment.delay(new float[3], new float[3], -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max lag");
        assertThatThrownBy(() -> new Alignment(0, new float[3], new float[2]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("equal lengths");
    }
}
