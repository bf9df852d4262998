package io.vqtok.autoencoders;

import io.vqtok.codebook.ClusteredCodebookConfig;
import io.vqtok.codebook.CodebookInit;
import io.vqtok.codebook.ReseedConfig;
import io.vqtok.quantizers.EmaQuantizerConfig;
import io.vqtok.quantizers.QuantizerConfig;
import io.vqtok.quantizers.ResidualQuantizerConfig;
import io.vqtok.quantizers.SinkhornConfig;
import io.vqtok.quantizers.VectorQuantizerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A run stopped at a checkpoint and resumed in a new trainer ends with the model of the uninterrupted run, to the bit. */
class ResumeTest {
    private static final ImageAutoencoderConfig SMALL = new ImageAutoencoderConfig(1, 16, 16, 8, 4, 1, 8);
    private static final int STEPS = 12;

    /** Quantizers with every kind of per-step randomness and out-of-graph state: reseeding, random CVQ anchors, dropout, warm duals. */
    static List<QuantizerConfig> quantizers() {
        return List.of(
                EmaQuantizerConfig.of(32, 8).withInit(CodebookInit.DATA).withReseed(new ReseedConfig(0.5, 0.9, 2)),
                VectorQuantizerConfig.of(32, 8).withClustering(ClusteredCodebookConfig.of(ClusteredCodebookConfig.Anchor.PROBRANDOM)),
                new ResidualQuantizerConfig(VectorQuantizerConfig.of(16, 8), 3).withDropout(ResidualQuantizerConfig.Dropout.SAMPLE, 0.5),
                new SinkhornConfig(32, 8, 0.25, CodebookInit.DATA, 10, 5, true, false));
    }

    private static TrainingBatches data() {
        return TrainingBatches.byStep("blobs", step -> ImageTokenizerTest.images(16, 500 + step));
    }

    private static TrainConfig config(int steps) {
        return new TrainConfig(steps, 16, 3e-3, 11, 4, 0, 2);
    }

    @Test
    void resumedRunEqualsUninterruptedRunBitForBit(@TempDir Path dir) throws IOException {
        for (QuantizerConfig q : quantizers()) {
            TokenizerConfig config = new TokenizerConfig(SMALL, q);
            TokenizerTrainer straight = new TokenizerTrainer(ImageTokenizer.create(config, 11), config(STEPS));
            straight.train(data(), r -> { });

            // the interrupted run: stopped after the checkpoint of step 8 (its trainer is discarded), then resumed
            Path ckpt = dir.resolve(q.describe().replaceAll("[^A-Za-z0-9]", "_") + ".ckpt");
            TokenizerTrainer first = new TokenizerTrainer(ImageTokenizer.create(config, 11), config(8));
            first.train(data(), r -> { }, ckpt);
            TokenizerTrainer resumed = TokenizerTrainer.resume(ckpt, config, config(STEPS), "blobs");
            assertThat(resumed.step()).isEqualTo(8);
            resumed.train(data(), r -> { }, ckpt);

            Map<String, INDArray> a = straight.tokenizer().state(), b = resumed.tokenizer().state();
            assertThat(b.keySet()).isEqualTo(a.keySet());
            for (String name : a.keySet())
                assertThat(b.get(name).data().asFloat()).as(q.describe() + " " + name).containsExactly(a.get(name).data().asFloat());
            INDArray x = ImageTokenizerTest.images(32, 9999);
            assertThat(((ImageTokenizer) resumed.tokenizer()).encode(x)).as(q.describe()).isEqualTo(((ImageTokenizer) straight.tokenizer()).encode(x));
            assertThat(resumed.tokenizer().provenance().steps()).isEqualTo(STEPS);
        }
    }

    @Test
    void resumedAudioRunWithSpectralLossAndReseedingEqualsTheUninterruptedRun(@TempDir Path dir) throws IOException {
        AudioAutoencoderConfig small = new AudioAutoencoderConfig(8000, 2048, 4, new int[]{4, 8}, 1, 8);
        TokenizerConfig config = new TokenizerConfig(small, new ResidualQuantizerConfig(EmaQuantizerConfig.of(16, 8)
                .withInit(CodebookInit.DATA).withReseed(new ReseedConfig(0.5, 0.9, 2)), 2));
        TrainConfig train = new TrainConfig(8, 4, 3e-3, 5, 3, 1.0, 2);
        TrainingBatches tones = TrainingBatches.byStep("tones", step -> AudioTokenizerTest.tones(4, 2048, 40 + step));
        TokenizerTrainer straight = new TokenizerTrainer(AudioTokenizer.create(config, 5), train);
        straight.train(tones, r -> { });
        Path ckpt = dir.resolve("a.ckpt");
        new TokenizerTrainer(AudioTokenizer.create(config, 5), new TrainConfig(5, 4, 3e-3, 5, 3, 1.0, 2)).train(tones, r -> { }, ckpt);
        TokenizerTrainer resumed = TokenizerTrainer.resume(ckpt, config, train, "tones");
        assertThat(resumed.step()).isEqualTo(5);   // the last step is always checkpointed
        resumed.train(tones, r -> { });
        Map<String, INDArray> a = straight.tokenizer().state(), b = resumed.tokenizer().state();
        for (String name : a.keySet())
            assertThat(b.get(name).data().asFloat()).as(name).containsExactly(a.get(name).data().asFloat());
    }

    @Test
    void checkpointsRotateAndKeepTheConfiguredNumber(@TempDir Path dir) throws IOException {
        TokenizerConfig config = new TokenizerConfig(SMALL, VectorQuantizerConfig.of(16, 8));
        Path ckpt = dir.resolve("m.vqt.ckpt");
        TokenizerTrainer t = new TokenizerTrainer(ImageTokenizer.create(config, 1), new TrainConfig(10, 16, 1e-3, 1, 3, 0, 3));
        t.train(data(), r -> { }, ckpt);
        // checkpoints at steps 3, 6, 9 and the last step 10: the latest, plus the two before it
        assertThat(ckpt).exists();
        assertThat(dir.resolve("m.vqt.ckpt.9")).exists();
        assertThat(dir.resolve("m.vqt.ckpt.6")).exists();
        assertThat(dir.resolve("m.vqt.ckpt.3")).doesNotExist();
        assertThat(Tokenizer.load(ckpt).provenance().steps()).isEqualTo(10);   // a checkpoint is also a loadable model
        assertThat(TokenizerTrainer.latestCheckpoint(ckpt)).contains(ckpt);
        Files.delete(ckpt);   // killed between moving the latest aside and writing the next one
        assertThat(TokenizerTrainer.latestCheckpoint(ckpt)).contains(dir.resolve("m.vqt.ckpt.9"));
        TokenizerTrainer.deleteCheckpoints(ckpt);
        assertThat(TokenizerTrainer.latestCheckpoint(ckpt)).isEmpty();
        assertThat(dir.resolve("m.vqt.ckpt.6")).doesNotExist();
    }

    @Test
    void resumingWithDifferentSettingsNamesEveryDifference(@TempDir Path dir) throws IOException {
        TokenizerConfig config = new TokenizerConfig(SMALL, VectorQuantizerConfig.of(16, 8));
        Path ckpt = dir.resolve("m.ckpt");
        new TokenizerTrainer(ImageTokenizer.create(config, 1), config(4)).train(data(), r -> { }, ckpt);
        TokenizerConfig other = new TokenizerConfig(SMALL, VectorQuantizerConfig.of(32, 8));
        assertThatThrownBy(() -> TokenizerTrainer.resume(ckpt, other, config(8), "blobs"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quantizer.codebookSize 16 (checkpoint) vs 32 (now)");
        assertThatThrownBy(() -> TokenizerTrainer.resume(ckpt, config, new TrainConfig(8, 16, 1e-3, 12, 4, 0, 2), "other data"))
                .hasMessageContaining("learning rate").hasMessageContaining("seed 11 (checkpoint) vs 12 (now)")
                .hasMessageContaining("data 'blobs' (checkpoint) vs 'other data' (now)");
        assertThatThrownBy(() -> TokenizerTrainer.resume(ckpt, config, config(3), "blobs")).hasMessageContaining("beyond the 3 steps");
        // a plain model file is not a checkpoint
        Path model = dir.resolve("m.vqt");
        Tokenizer.load(ckpt).save(model);
        assertThatThrownBy(() -> TokenizerTrainer.resume(model, config, config(8), "blobs"))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("not a checkpoint");
    }
}
