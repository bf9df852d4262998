package io.vqtok.autoencoders;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TrainConfigTest {
    private static TrainConfig cosine(int steps, int warmup) {
        return new TrainConfig(steps, 8, 1e-3, 0, 0).withSchedule(warmup, TrainConfig.Schedule.COSINE);
    }

    @Test
    void warmUpRisesLinearlyAndTheCosineFallsToATenthAtTheLastStep() {
        TrainConfig c = cosine(1100, 100);
        assertThat(c.learningRateAt(1)).isCloseTo(1e-5, within(1e-12));
        assertThat(c.learningRateAt(50)).isCloseTo(5e-4, within(1e-12));
        assertThat(c.learningRateAt(100)).isCloseTo(1e-3, within(1e-12));
        // halfway through the decay: 0.1 + 0.9 · (1 + cos(π/2)) / 2 = 0.55 of the peak
        assertThat(c.learningRateAt(600)).isCloseTo(0.55e-3, within(1e-12));
        // a quarter: 0.1 + 0.9 · (1 + cos(π/4)) / 2
        assertThat(c.learningRateAt(350)).isCloseTo(1e-3 * (0.1 + 0.45 * (1 + Math.sqrt(0.5))), within(1e-12));
        assertThat(c.learningRateAt(1100)).isCloseTo(1e-4, within(1e-12));
        for (long s = 101; s < 1100; s++) assertThat(c.learningRateAt(s + 1)).isLessThan(c.learningRateAt(s));
        TrainConfig constant = new TrainConfig(1100, 8, 1e-3, 0, 0).withSchedule(10, TrainConfig.Schedule.CONSTANT);
        assertThat(constant.learningRateAt(5)).isCloseTo(5e-4, within(1e-12));
        assertThat(constant.learningRateAt(11)).isEqualTo(1e-3);
        assertThat(constant.learningRateAt(1100)).isEqualTo(1e-3);
        assertThat(new TrainConfig(10, 8, 2e-3, 0, 0).learningRateAt(1)).isEqualTo(2e-3);
    }

    @Test
    void checkpointsWrittenBeforeTheNewFieldsReadAsConstantRateWithoutMelOrL1Terms() throws Exception {
        String old = "{\"steps\":100,\"batchSize\":16,\"learningRate\":0.001,\"seed\":0,\"checkpointEvery\":50,\"spectralLoss\":0.3,\"keepCheckpoints\":2}";
        TrainConfig c = ModelFile.JSON.readValue(old, TrainConfig.class);
        assertThat(c).isEqualTo(new TrainConfig(100, 16, 0.001, 0, 50, 0.3, 2));
        assertThat(c.schedule()).isEqualTo(TrainConfig.Schedule.CONSTANT);
        assertThat(ModelFile.JSON.readValue(ModelFile.JSON.writeValueAsString(cosine(100, 10).withAudioLosses(0, 1, 1)), TrainConfig.class))
                .isEqualTo(cosine(100, 10).withAudioLosses(0, 1, 1));
    }

    @Test
    void aResumeNamesEveryChangedLossOrScheduleAndACosineRunMayNotChangeItsLength() {
        TrainConfig saved = cosine(1000, 100).withAudioLosses(0, 1, 1);
        assertThat(saved.resumeDifferences(saved)).isEmpty();
        assertThat(cosine(1000, 100).withAudioLosses(0, 2, 0).resumeDifferences(saved))
                .anySatisfy(d -> assertThat(d).startsWith("mel loss weight 1.0"))
                .anySatisfy(d -> assertThat(d).startsWith("waveform L1 weight 1.0"));
        assertThat(cosine(1000, 50).withAudioLosses(0, 1, 1).resumeDifferences(saved)).singleElement().asString().startsWith("warm-up steps 100");
        assertThat(cosine(2000, 100).withAudioLosses(0, 1, 1).resumeDifferences(saved)).singleElement().asString().contains("cosine schedule");
        assertThat(saved.withSiSnrLoss(0.5).resumeDifferences(saved)).singleElement().asString().startsWith("SI-SNR loss weight 0.0 (checkpoint) vs 0.5");
        assertThat(saved.withSiSnrLoss(0.5).withRun(1000, 16, 1e-3, 0, 2).siSnrLoss()).isEqualTo(0.5);
        assertThat(saved.withSiSnrLoss(0.5).withAudioLosses(0, 2, 0).siSnrLoss()).isEqualTo(0.5);
        TrainConfig constant = new TrainConfig(1000, 8, 1e-3, 0, 0).withSchedule(100, TrainConfig.Schedule.CONSTANT);
        assertThat(new TrainConfig(2000, 8, 1e-3, 0, 0).withSchedule(100, TrainConfig.Schedule.CONSTANT).resumeDifferences(constant)).isEmpty();
    }

    @Test
    void aLateSiSnrTermIsOffUpToItsStartThenRampsToItsWeight() {
        TrainConfig whole = new TrainConfig(3000, 8, 1e-3, 0, 0).withSiSnrLoss(0.3);
        assertThat(whole.siSnrWeightAt(1)).isEqualTo(0.3);
        assertThat(whole.siSnrWeightAt(3000)).isEqualTo(0.3);
        TrainConfig late = whole.withSiSnrLoss(0.3, 1000);
        int ramp = TrainConfig.SI_SNR_RAMP_STEPS;
        assertThat(late.siSnrWeightAt(1)).isZero();
        assertThat(late.siSnrWeightAt(1000)).isZero();
        assertThat(late.siSnrWeightAt(1001)).isCloseTo(0.3 / ramp, within(1e-12));
        assertThat(late.siSnrWeightAt(1000 + ramp / 2)).isCloseTo(0.15, within(1e-12));
        assertThat(late.siSnrWeightAt(1000 + ramp)).isEqualTo(0.3);
        assertThat(late.siSnrWeightAt(2999)).isEqualTo(0.3);
        assertThat(late.withRun(3000, 16, 1e-3, 0, 2).siSnrStart()).isEqualTo(1000);
        assertThat(late.withSiSnrLoss(0.1).siSnrStart()).isEqualTo(1000);
        assertThat(late.resumeDifferences(whole)).singleElement().asString().isEqualTo("SI-SNR start step 0 (checkpoint) vs 1000 (now)");
        assertThatThrownBy(() -> whole.withSiSnrLoss(0.3, -1)).hasMessageContaining("SI-SNR start step must be >= 0, got -1");
        assertThatThrownBy(() -> whole.withSiSnrLoss(0, 500)).hasMessageContaining("needs an SI-SNR loss weight > 0");
    }

    @Test
    void invalidWeightsAndWarmUpsAreRefusedWithTheirNames() {
        TrainConfig c = new TrainConfig(100, 8, 1e-3, 0, 0);
        assertThatThrownBy(() -> c.withAudioLosses(0, -1, 0)).hasMessageContaining("mel loss weight");
        assertThatThrownBy(() -> c.withAudioLosses(0, 0, Double.NaN)).hasMessageContaining("waveform L1 loss weight");
        assertThatThrownBy(() -> c.withSiSnrLoss(-0.1)).hasMessageContaining("SI-SNR loss weight must be finite and >= 0, got -0.1");
        assertThatThrownBy(() -> c.withSchedule(101, TrainConfig.Schedule.COSINE)).hasMessageContaining("warm-up steps must be in [0, steps = 100]");
        assertThatThrownBy(() -> c.withSchedule(-1, TrainConfig.Schedule.COSINE)).hasMessageContaining("warm-up");
    }
}
