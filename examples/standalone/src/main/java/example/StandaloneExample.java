package example;

import io.vqtok.autoencoders.ImageAutoencoderConfig;
import io.vqtok.autoencoders.ImageTokenizer;
import io.vqtok.autoencoders.TokenSequences;
import io.vqtok.autoencoders.TokenizerConfig;
import io.vqtok.autoencoders.TokenizerTrainer;
import io.vqtok.autoencoders.TrainConfig;
import io.vqtok.autoencoders.TrainingBatches;
import io.vqtok.quantizers.EagerQuantizer;
import io.vqtok.quantizers.EmaQuantizerConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Uses vqtok through its public API only: trains a tiny tokenizer on noise, saves, loads, encodes, makes token sequences. */
public final class StandaloneExample {
    public static void main(String[] args) throws Exception {
        TokenizerConfig config = new TokenizerConfig(new ImageAutoencoderConfig(1, 16, 16, 8, 4, 0, 8), EmaQuantizerConfig.of(32, 8));
        ImageTokenizer tokenizer = ImageTokenizer.create(config, 1);
        Nd4j.getRandom().setSeed(1);
        new TokenizerTrainer(tokenizer, new TrainConfig(20, 16, 3e-3, 1, 0))
                .train(TrainingBatches.byStep("noise", step -> Nd4j.rand(DataType.FLOAT, 16, 1, 16, 16)), r -> { });
        Path file = Files.createTempFile("standalone", ".vqt");
        tokenizer.save(file);
        ImageTokenizer loaded = ImageTokenizer.load(file);
        INDArray images = Nd4j.rand(DataType.FLOAT, 2, 1, 16, 16);
        INDArray codes = loaded.encode(images);                              // int32 [2, 4, 4]
        INDArray tokens = TokenSequences.raster(codes);                      // int32 [2, 16]
        EagerQuantizer.Output o = new EagerQuantizer(loaded.quantizer()).apply(Nd4j.randn(DataType.FLOAT, 5, 8));
        System.out.println("codes " + Arrays.toString(codes.shape()) + " equal after load: " + codes.equals(tokenizer.encode(images))
                + "; tokens " + Arrays.toString(tokens.shape()) + "; eager losses " + o.losses().keySet());
        Files.delete(file);
    }
}
