package io.vqtok.examples;

import io.vqtok.autoencoders.EvalResult;
import io.vqtok.autoencoders.Evaluator;
import io.vqtok.autoencoders.ImageAutoencoderConfig;
import io.vqtok.autoencoders.ImageTokenizer;
import io.vqtok.autoencoders.TokenizerConfig;
import io.vqtok.autoencoders.TokenizerTrainer;
import io.vqtok.autoencoders.TrainConfig;
import io.vqtok.datasets.Batch;
import io.vqtok.datasets.Batcher;
import io.vqtok.datasets.FashionMnist;
import io.vqtok.datasets.ImageDataset;
import io.vqtok.datasets.Split;
import io.vqtok.quantizers.QuantizerConfig;
import io.vqtok.quantizers.VectorQuantizerConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;

/**
 * Uses vqtok as a library: trains a rotation-trick tokenizer on Fashion-MNIST, saves it, loads it back,
 * and turns images into codes and codes into images.
 *
 * <p>Run: {@code mvn -q -pl examples -am package -DskipTests && java -cp "examples/target/classes:cli/target/lib/*" io.vqtok.examples.TokenizeFashionMnist [steps]}
 */
public final class TokenizeFashionMnist {
    private TokenizeFashionMnist() {
    }

    static INDArray toArray(Batch b) {
        return ImageTokenizer.images(b);
    }

    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        ImageDataset train = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TRAIN);
        ImageDataset test = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TEST);

        QuantizerConfig q = VectorQuantizerConfig.of(512, 64).withEstimator(VectorQuantizerConfig.Estimator.ROTATION);
        ImageTokenizer tokenizer = ImageTokenizer.create(new TokenizerConfig(ImageAutoencoderConfig.fashionMnist(64), q), 0);

        Batcher batches = new Batcher(train, 128, 0, true, true);
        new TokenizerTrainer(tokenizer, new TrainConfig(steps, 128, 2e-3, 0, 0))
                .train(() -> toArray(batches.next()), train.description(), r -> {
                    if (r.step() % 50 == 0) System.out.printf("step %d  loss %.4f  batch codebook use %.2f%n", r.step(), r.loss(), r.batchUsage());
                });

        Path file = Path.of("example.vqt");
        tokenizer.save(file);
        ImageTokenizer loaded = ImageTokenizer.load(file);

        INDArray images = toArray(new Batcher(test, 8, 0, false, false).next());
        INDArray codes = loaded.encode(images);                 // int32 [8, 7, 7]
        INDArray decoded = loaded.decode(codes);                // [8, 1, 28, 28]
        System.out.println("codes " + Arrays.toString(codes.shape()) + ", first row of image 0: "
                + Arrays.toString(codes.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0), org.nd4j.linalg.indexing.NDArrayIndex.point(0)).toIntVector()));
        System.out.println("decoded " + Arrays.toString(decoded.shape()) + ", identical codes after reload: "
                + codes.equals(tokenizer.encode(images)));

        Batcher all = new Batcher(test, 1000, 0, false, false);
        Iterator<INDArray> it = new Iterator<>() {
            public boolean hasNext() {
                return all.hasNext();
            }

            public INDArray next() {
                return toArray(all.next());
            }
        };
        EvalResult r = Evaluator.evaluate(loaded, it);
        System.out.printf("test MSE %.5f  PSNR %.2f dB  utilization %.3f  perplexity %.1f%n", r.mse(), r.psnr(), r.utilization(), r.perplexity());
    }
}
