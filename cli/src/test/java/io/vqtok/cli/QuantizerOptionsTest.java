package io.vqtok.cli;

import io.vqtok.quantizers.EmaQuantizerConfig;
import io.vqtok.quantizers.FsqConfig;
import io.vqtok.quantizers.IbqConfig;
import io.vqtok.quantizers.ProjectedQuantizerConfig;
import io.vqtok.quantizers.QuantizerConfig;
import io.vqtok.quantizers.ResidualQuantizerConfig;
import io.vqtok.quantizers.SinkhornConfig;
import io.vqtok.quantizers.VectorQuantizerConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The quantizer flags of {@code vqtok train} and the configurations they build. */
class QuantizerOptionsTest {

    static QuantizerConfig parse(String... args) {
        QuantizerOptions o = new QuantizerOptions();
        new CommandLine(o).parseArgs(args);
        return o.toConfig();
    }

    @Test
    void everyQuantizerWithoutFlagsIsTheLibraryPreset() {
        // one source of defaults: the CLI starts from io.vqtok.quantizers.Presets
        for (String name : io.vqtok.quantizers.Presets.NAMES)
            assertThat(parse("--quantizer", name)).as(name).isEqualTo(io.vqtok.quantizers.Presets.of(name, 64));
        assertThat(parse("--quantizer", "ema", "--codebook-size", "8192")).isEqualTo(io.vqtok.quantizers.Presets.ema(8192, 64));
        // the speech codec's quantizer is what the README's audio command spells out
        assertThat(parse("--quantizer", "rvq", "--stages", "8", "--codebook-size", "1024", "--quantizer-dropout", "0.5", "--dropout-per-sample",
                "--dead-code-threshold", "0.3")).isEqualTo(io.vqtok.quantizers.Presets.speechResidual(64));
    }

    @Test
    void everyNameBuildsItsQuantizer() {
        for (String name : QuantizerOptions.NAMES) {
            QuantizerConfig c = parse("--quantizer", name);
            assertThat(c.dim()).as(name).isEqualTo(64);
            assertThat(c.create("q.", 0).codebookSize()).as(name).isGreaterThan(1);
        }
        assertThat(parse("--quantizer", "ibq")).isInstanceOf(IbqConfig.class);
    }

    @Test
    void ibqDefaultsToTheOfficialRecipeAndTakesItsEntropyFlags() {
        IbqConfig d = (IbqConfig) parse("--quantizer", "ibq");
        assertThat(d.logits()).isEqualTo(IbqConfig.Logits.DOT);
        assertThat(d.entropyWeight()).isEqualTo(0.05);
        assertThat(d.entropyInverseTemperature()).isEqualTo(100.0);
        IbqConfig c = (IbqConfig) parse("--quantizer", "ibq", "--entropy-weight", "0", "--ibq-logits", "distance", "--inverse-temperature", "10");
        assertThat(c.entropyWeight()).isZero();
        assertThat(c.logits()).isEqualTo(IbqConfig.Logits.DISTANCE);
        assertThat(c.entropyInverseTemperature()).isEqualTo(10.0);
    }

    @Test
    void newOptionsReachTheirConfigurations() {
        assertThat(((VectorQuantizerConfig) parse("--quantizer", "vq", "--cosine")).cosine()).isTrue();
        assertThat(((EmaQuantizerConfig) parse("--quantizer", "ema", "--cosine")).cosine()).isTrue();
        assertThat(((EmaQuantizerConfig) parse("--quantizer", "ema", "--anchor", "random")).clustering().enabled()).isTrue();
        assertThat(((EmaQuantizerConfig) parse("--quantizer", "ema")).clustering().enabled()).isFalse();
        assertThat(((EmaQuantizerConfig) parse("--quantizer", "ema", "--dead-code-threshold", "0.3", "--dead-code-grace", "10")).reseed().grace()).isEqualTo(10);
        assertThat(((EmaQuantizerConfig) ((ResidualQuantizerConfig) parse("--quantizer", "rvq", "--dead-code-grace", "10")).stage()).reseed().grace()).isEqualTo(10);
        assertThat(((EmaQuantizerConfig) parse("--quantizer", "ema")).reseed().grace()).isZero();
        assertThat(((VectorQuantizerConfig) parse("--quantizer", "cvq")).clustering().enabled()).isTrue();
        // random anchors are the default: closest anchors pile dead codes onto the same batch vectors at large K
        assertThat(((VectorQuantizerConfig) parse("--quantizer", "cvq")).clustering().anchor())
                .isEqualTo(io.vqtok.codebook.ClusteredCodebookConfig.Anchor.RANDOM);
        ResidualQuantizerConfig shared = (ResidualQuantizerConfig) parse("--quantizer", "rvq", "--shared-codebook");
        assertThat(shared.sharedCodebook()).isTrue();
        ProjectedQuantizerConfig rfsq = (ProjectedQuantizerConfig) parse("--quantizer", "rvq", "--stage-quantizer", "fsq", "--levels", "8,5,5,5",
                "--quantizer-dropout", "0.5");
        ResidualQuantizerConfig inner = (ResidualQuantizerConfig) rfsq.inner();
        assertThat(inner.scaleStages()).isTrue();
        assertThat(inner.dropoutRate()).isEqualTo(0.5);
        assertThat(((FsqConfig) inner.stage()).project()).isFalse();
        assertThat(((FsqConfig) parse("--quantizer", "fsq", "--codebook-size", "8192")).levels()).containsExactly(8, 8, 8, 4, 4);
    }

    @Test
    void optionsThatDoNotApplyAreRejectedBeforeTraining() {
        assertThatThrownBy(() -> parse("--quantizer", "fsq", "--cosine")).hasMessageContaining("--cosine applies to");
        assertThatThrownBy(() -> parse("--quantizer", "vq", "--anchor", "closest")).hasMessageContaining("--anchor applies to");
        assertThatThrownBy(() -> parse("--quantizer", "cvq", "--dead-code-grace", "5")).hasMessageContaining("--dead-code-grace applies to ema");
        assertThatThrownBy(() -> parse("--quantizer", "ema", "--dead-code-threshold", "0", "--dead-code-grace", "5")).hasMessageContaining("needs dead-code reseeding");
        assertThatThrownBy(() -> parse("--quantizer", "ema", "--dead-code-grace", "-1")).hasMessageContaining("grace");
        assertThatThrownBy(() -> parse("--quantizer", "cvq", "--anchor", "sideways")).hasMessageContaining("unknown --anchor");
        assertThatThrownBy(() -> parse("--quantizer", "rvq", "--stage-quantizer", "simvq", "--shared-codebook"))
                .hasMessageContaining("shared across residual stages");
        assertThatThrownBy(() -> parse("--quantizer", "rvq", "--stage-quantizer", "fsq", "--shared-codebook")).hasMessageContaining("no codebook");
        assertThatThrownBy(() -> parse("--quantizer", "simvq", "--estimator", "magic")).hasMessageContaining("unknown --estimator");
        assertThatThrownBy(() -> parse("--quantizer", "sinkhorn", "--sinkhorn-eps", "-1")).hasMessageContaining("epsilon");
        assertThatThrownBy(() -> parse("--quantizer", "ema", "--sinkhorn-code-map")).hasMessageContaining("--sinkhorn-* options apply to sinkhorn");
        assertThatThrownBy(() -> parse("--quantizer", "rvq", "--sinkhorn-eps", "10")).hasMessageContaining("not ema");
        // 0 is the automatic choice; the code map is on unless turned off
        SinkhornConfig auto = (SinkhornConfig) parse("--quantizer", "sinkhorn", "--sinkhorn-eps", "0");
        assertThat(auto.epsilon()).isZero();
        assertThat(auto.codeMap()).isTrue();
        assertThat(((SinkhornConfig) parse("--quantizer", "sinkhorn", "--no-sinkhorn-code-map")).codeMap()).isFalse();
        ResidualQuantizerConfig stages = (ResidualQuantizerConfig) parse("--quantizer", "rvq", "--stage-quantizer", "sinkhorn", "--sinkhorn-eps", "30");
        assertThat(((SinkhornConfig) stages.stage()).epsilon()).isEqualTo(30);
        assertThatThrownBy(() -> parse("--quantizer", "lfq", "--inverse-temperature", "-1")).hasMessageContaining("inverse temperature");
    }
}
