package io.vqtok.autoencoders;

import io.vqtok.codebook.CodebookInit;
import io.vqtok.quantizers.EmaQuantizerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The library's training run: its files, its resume policy, and the stats it reports. */
class TrainingRunTest {
    private static final ImageAutoencoderConfig SMALL = new ImageAutoencoderConfig(1, 16, 16, 8, 4, 1, 8);
    private static final TokenizerConfig CONFIG = new TokenizerConfig(SMALL, EmaQuantizerConfig.of(32, 8).withInit(CodebookInit.DATA));

    private static TrainingBatches data() {
        return TrainingBatches.byStep("blobs", step -> ImageTokenizerTest.images(16, 700 + step));
    }

    private static TrainConfig config(int steps) {
        return new TrainConfig(steps, 16, 3e-3, 5, 3, 0, 2);
    }

    @Test
    void aRunWritesTheModelItsLogAndCheckpointsAndAKilledRunResumesToTheSameModel(@TempDir Path dir) throws IOException {
        Path straightModel = dir.resolve("straight.vqt");
        TokenizerTrainer t = TrainingRun.trainer(straightModel, false, CONFIG, config(7), "blobs", () -> ImageTokenizer.create(CONFIG, 5), n -> { });
        List<Long> heard = new ArrayList<>();
        TrainingRun.Result straight = TrainingRun.train(t, data(), straightModel, 1, r -> heard.add(r.step()));
        assertThat(heard).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(straight.model()).isRegularFile();
        assertThat(Files.readAllLines(straight.log())).hasSize(7);
        assertThat(TrainingRun.checkpointOf(straightModel)).isRegularFile();
        assertThat(straight.stats().startStep()).isZero();
        assertThat(straight.stats().unitsPerSecond()).isPositive();
        // the run freed its training state: the trainer refuses to go on, the tokenizer encodes and decodes as the saved model
        assertThatThrownBy(() -> t.step(ImageTokenizerTest.images(16, 1))).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        INDArray probe = ImageTokenizerTest.images(8, 99);
        ImageTokenizer trained = (ImageTokenizer) straight.tokenizer(), saved = (ImageTokenizer) Tokenizer.load(straightModel);
        assertThat(trained.encode(probe).data().asInt()).containsExactly(saved.encode(probe).data().asInt());
        assertThat(trained.decode(trained.encode(probe)).data().asFloat()).containsExactly(saved.decode(saved.encode(probe)).data().asFloat());

        // an earlier run's checkpoint: a fresh start is refused, --resume continues it
        Path model = dir.resolve("m.vqt");
        TrainingRun.train(TrainingRun.trainer(model, false, CONFIG, config(4), "blobs", () -> ImageTokenizer.create(CONFIG, 5), n -> { }),
                data(), model, 1, r -> { });
        assertThatThrownBy(() -> TrainingRun.trainer(model, false, CONFIG, config(7), "blobs", () -> ImageTokenizer.create(CONFIG, 5), n -> { }))
                .hasMessageContaining("a checkpoint of an earlier run exists").hasMessageContaining("--resume");
        List<String> notes = new ArrayList<>();
        TokenizerTrainer resumed = TrainingRun.trainer(model, true, CONFIG, config(7), "blobs", () -> ImageTokenizer.create(CONFIG, 5), notes::add);
        assertThat(resumed.step()).isEqualTo(4);
        assertThat(notes).singleElement().asString().startsWith("resuming from").endsWith("at step 4");
        TrainingRun.Result r = TrainingRun.train(resumed, data(), model, 1, x -> { });
        assertThat(r.stats().startStep()).isEqualTo(4);
        assertThat(Files.readAllLines(r.log())).hasSize(7);
        Map<String, INDArray> a = straight.tokenizer().state(), b = Tokenizer.load(model).state();
        for (String name : a.keySet()) assertThat(b.get(name).data().asFloat()).as(name).containsExactly(a.get(name).data().asFloat());
    }

    private static StepReport step(long step, double seconds, int images, long rss, int reseeded) {
        return new StepReport(step, 1.0 / step, 0, Map.of(), 0, 0, 1e-3, reseeded, seconds, images, rss);
    }

    @Test
    void statsLeaveTheWarmUpStepsOutOfTheThroughputAndTakeMemoryAtTheReferenceStep() {
        TrainingStats s = new TrainingStats(0, 60, 0.5);
        for (int i = 1; i <= 60; i++) s.onStep(step(i, i <= TrainingStats.WARMUP_STEPS ? 100 : 0.25, 4, 1000L + i, i % 2));
        // 55 timed steps of 4 items × 0.5 units in 0.25 s each: 8 units per second
        assertThat(s.unitsPerSecond()).isCloseTo(8, within(1e-9));
        assertThat(s.reseeded()).isEqualTo(30);
        assertThat(s.lastLoss()).isCloseTo(1 / 60.0, within(1e-12));
        assertThat(s.memory().referenceStep()).isEqualTo(10);   // a sixth of 60 steps
        assertThat(s.memory().atReferenceBytes()).isEqualTo(1010);
        assertThat(s.memory().endBytes()).isEqualTo(1060);
        assertThat(s.memory().growth()).isCloseTo(50 / 1010.0, within(1e-12));
        TrainingStats resumed = new TrainingStats(57, 60, 1);
        for (int i = 58; i <= 60; i++) resumed.onStep(step(i, 0.5, 2, 1, 0));   // a run this short times every step
        assertThat(resumed.unitsPerSecond()).isCloseTo(4, within(1e-9));
    }
}
