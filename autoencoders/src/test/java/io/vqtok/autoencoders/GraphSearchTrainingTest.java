package io.vqtok.autoencoders;

import io.vqtok.codebook.CodebookInit;
import io.vqtok.codebook.ReseedConfig;
import io.vqtok.quantizers.EmaQuantizerConfig;
import io.vqtok.quantizers.GraphOps;
import io.vqtok.quantizers.QuantizerConfig;
import io.vqtok.quantizers.ResidualQuantizerConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Training with the codes searched inside the graph (small batches × codebooks) equals training with them searched
 * outside it and fed: the same losses, codes and EMA statistics step after step, with one encoder pass instead of two.
 */
class GraphSearchTrainingTest {
    private static final AudioAutoencoderConfig AUDIO = new AudioAutoencoderConfig(8000, 2048, 4, new int[]{4, 8}, 1, 8);
    private static final ImageAutoencoderConfig IMAGE = new ImageAutoencoderConfig(1, 16, 16, 8, 4, 1, 8);

    /** A run's step reports and the quantizer's buffers after it, trained with graph search on or off. */
    private record Run(List<StepReport> reports, Map<String, INDArray> buffers, boolean searchedInGraph) {
    }

    private static Run train(boolean graphSearch, Supplier<Tokenizer> tokenizer, TrainConfig config, Function<Long, INDArray> batch) {
        String before = System.getProperty(TokenizerTrainer.GRAPH_SEARCH_PROPERTY);
        System.setProperty(TokenizerTrainer.GRAPH_SEARCH_PROPERTY, Boolean.toString(graphSearch));
        try {
            Tokenizer t = tokenizer.get();
            TokenizerTrainer trainer = new TokenizerTrainer(t, config);
            boolean searched = !GraphOps.graphSearches(trainer.graph()).isEmpty();
            List<StepReport> reports = new ArrayList<>();
            trainer.train(TrainingBatches.byStep("test", batch::apply), reports::add);
            return new Run(reports, t.quantizer().buffers(), searched);
        } finally {
            if (before == null) System.clearProperty(TokenizerTrainer.GRAPH_SEARCH_PROPERTY);
            else System.setProperty(TokenizerTrainer.GRAPH_SEARCH_PROPERTY, before);
        }
    }

    private static void assertSameTraining(Run fed, Run searched) {
        assertThat(fed.searchedInGraph()).isFalse();
        assertThat(searched.searchedInGraph()).isTrue();
        assertThat(searched.reports()).hasSameSizeAs(fed.reports());
        int reseeded = 0;
        for (int i = 0; i < fed.reports().size(); i++) {
            StepReport a = fed.reports().get(i), b = searched.reports().get(i);
            assertThat(b.loss()).as("loss of step %d", i + 1).isCloseTo(a.loss(), within(1e-5 * Math.abs(a.loss()) + 1e-7));
            assertThat(b.batchUsage()).as("codes used in step %d", i + 1).isEqualTo(a.batchUsage());
            assertThat(b.batchPerplexity()).as("perplexity of step %d", i + 1).isCloseTo(a.batchPerplexity(), within(1e-9));
            assertThat(b.reseeded()).as("codes reseeded in step %d", i + 1).isEqualTo(a.reseeded());
            reseeded += a.reseeded();
        }
        assertThat(reseeded).as("the runs exercise reseeding from the observed rows").isPositive();
        assertThat(searched.buffers().keySet()).isEqualTo(fed.buffers().keySet());
        for (String name : fed.buffers().keySet())
            assertThat(searched.buffers().get(name).equalsWithEps(fed.buffers().get(name), 1e-4)).as(name).isTrue();
    }

    @Test
    void residualEmaSpeechLikeTrainingIsTheSameWithCodesSearchedInTheGraph() {
        // 4 waveforms × 64 frames = 256 rows × 32 codes a stage: within the bound, so the graph searches
        QuantizerConfig q = new ResidualQuantizerConfig(EmaQuantizerConfig.of(32, 8).withInit(CodebookInit.DATA)
                .withReseed(ReseedConfig.threshold(0.3)), 3);
        Supplier<Tokenizer> t = () -> AudioTokenizer.create(new TokenizerConfig(AUDIO, q), 3);
        TrainConfig config = new TrainConfig(12, 4, 3e-3, 3, 0);
        Function<Long, INDArray> batch = step -> AudioTokenizerTest.tones(4, 2048, 100 + step);
        assertSameTraining(train(false, t, config, batch), train(true, t, config, batch));
    }

    @Test
    void emaImageTrainingIsTheSameWithCodesSearchedInTheGraph() {
        QuantizerConfig q = EmaQuantizerConfig.of(64, 8).withInit(CodebookInit.DATA).withReseed(ReseedConfig.threshold(0.5));
        Supplier<Tokenizer> t = () -> ImageTokenizer.create(new TokenizerConfig(IMAGE, q), 5);
        TrainConfig config = new TrainConfig(12, 16, 3e-3, 5, 0);
        Function<Long, INDArray> batch = step -> ImageTokenizerTest.images(16, 200 + step);
        assertSameTraining(train(false, t, config, batch), train(true, t, config, batch));
    }

    @Test
    void largeBatchesTimesCodesStayOutsideTheGraph() {
        // 16 images × 16 latent rows × 32768 codes = 8.4M scores > 2^22: fed from outside, as at real image sizes
        QuantizerConfig q = EmaQuantizerConfig.of(32768, 8);
        TokenizerTrainer trainer = new TokenizerTrainer(ImageTokenizer.create(new TokenizerConfig(IMAGE, q), 5), new TrainConfig(1, 16, 3e-3, 5, 0));
        assertThat(GraphOps.graphSearches(trainer.graph())).isEmpty();
        assertThat(GraphOps.fedAssignments(trainer.graph())).isEqualTo(1);
    }
}
