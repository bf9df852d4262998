package io.vqtok.cli;

import io.vqtok.autoencoders.TrainConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How {@code vqtok train}'s loss flags change the speech preset's train config. */
class TrainFlagsTest {

    static TrainConfig speech(String... args) {
        TrainCommand c = new TrainCommand();
        new CommandLine(c).parseArgs(args);
        return c.trainConfig(TrainConfig.speechCodec(0));
    }

    @Test
    void theSpeechPresetKeepsItsSiSnrTermUnlessAFlagChangesIt() {
        assertThat(speech()).isEqualTo(TrainConfig.speechCodec(0));
        assertThat(speech().siSnrLoss()).isEqualTo(TrainConfig.SPEECH_SI_SNR_LOSS).isEqualTo(0.1);
        assertThat(speech("--si-snr-loss", "0").siSnrLoss()).isZero();
        assertThat(speech("--si-snr-loss", "0.3").siSnrLoss()).isEqualTo(0.3);
        // a start alone switches the preset's own weight on late
        TrainConfig late = speech("--si-snr-start", "1000");
        assertThat(late.siSnrLoss()).isEqualTo(TrainConfig.SPEECH_SI_SNR_LOSS);
        assertThat(late.siSnrStart()).isEqualTo(1000);
        assertThat(late.siSnrWeightAt(1000)).isZero();
        assertThatThrownBy(() -> speech("--si-snr-loss", "0", "--si-snr-start", "1000"))
                .hasMessageContaining("--si-snr-start 1000 needs a non-zero --si-snr-loss");
    }
}
