package io.vqtok.autoencoders;

import io.vqtok.codebook.CodebookInit;
import io.vqtok.codebook.ReseedConfig;
import io.vqtok.quantizers.EmaQuantizerConfig;
import io.vqtok.quantizers.ResidualQuantizerConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model saved by vqtok 0.1.0 (model format 1) is kept as a fixture: later versions must still load it
 * and give the same codes. Regenerate only when the format version changes, with
 * {@code mvn test -pl autoencoders -am -Dtest=SavedModelFixtureTest -Dvqtok.writeFixtures=true}.
 */
class SavedModelFixtureTest {
    static final Path DIR = Path.of("src/test/resources/fixtures");
    static final Path MODEL = DIR.resolve("format1-rvq-ema.vqt");
    static final Path CODES = DIR.resolve("format1-rvq-ema-codes.npy");

    @Test
    void modelSavedByVersion010LoadsAndGivesItsCodes() throws IOException {
        INDArray images = ImageTokenizerTest.images(8, 42);
        if (Boolean.getBoolean("vqtok.writeFixtures")) writeFixture(images);
        ImageTokenizer t = ImageTokenizer.load(MODEL);
        assertThat(t.provenance().vqtokVersion()).isEqualTo("0.1.0");
        assertThat(t.provenance().steps()).isEqualTo(6);
        assertThat(t.config().quantizer()).isInstanceOf(ResidualQuantizerConfig.class);
        INDArray expected = Nd4j.createFromNpyFile(CODES.toFile());
        assertThat(t.encode(images).castTo(expected.dataType())).isEqualTo(expected);
    }

    private static void writeFixture(INDArray images) throws IOException {
        ImageAutoencoderConfig small = new ImageAutoencoderConfig(1, 16, 16, 8, 4, 0, 8);
        ImageTokenizer t = ImageTokenizer.create(new TokenizerConfig(small, new ResidualQuantizerConfig(
                EmaQuantizerConfig.of(16, 8).withInit(CodebookInit.DATA).withReseed(ReseedConfig.threshold(0.05)), 2)), 5);
        TokenizerTrainer trainer = new TokenizerTrainer(t, new TrainConfig(6, 16, 3e-3, 5, 0));
        int[] i = {0};
        trainer.train(() -> ImageTokenizerTest.images(16, 300 + i[0]++), "blobs", r -> { });
        Files.createDirectories(DIR);
        t.save(MODEL);
        Files.write(CODES, Nd4j.toNpyByteArray(t.encode(images)));
    }
}
