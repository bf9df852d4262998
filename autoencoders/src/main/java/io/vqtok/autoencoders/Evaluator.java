package io.vqtok.autoencoders;

import io.vqtok.codebook.CodebookUsage;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Iterator;

/** Measures reconstruction error and codebook usage of a tokenizer over batches of images {@code [B, C, H, W]}. */
public final class Evaluator {
    private Evaluator() {
    }

    public static EvalResult evaluate(ImageTokenizer tokenizer, Iterator<INDArray> batches) {
        return evaluate(tokenizer, batches, tokenizer.quantizer().indexChannels());
    }

    /** As {@link #evaluate(ImageTokenizer, Iterator)}, decoding with the first {@code stages} residual stages. */
    public static EvalResult evaluate(ImageTokenizer tokenizer, Iterator<INDArray> batches, int stages) {
        CodebookUsage usage = new CodebookUsage(tokenizer.quantizer().codebookSize(), tokenizer.quantizer().indexChannels());
        double squaredError = 0;
        long pixels = 0, images = 0, nanos = 0;
        while (batches.hasNext()) {
            INDArray x = batches.next();
            long t0 = System.nanoTime();
            INDArray codes = tokenizer.encode(x);
            INDArray xhat = tokenizer.decode(codes, stages);
            nanos += System.nanoTime() - t0;
            usage.add(codes.reshape(-1, tokenizer.quantizer().indexChannels()));
            INDArray diff = xhat.sub(x);
            squaredError += diff.mul(diff).sumNumber().doubleValue();
            pixels += x.length();
            images += x.size(0);
        }
        if (images == 0) throw new IllegalArgumentException("no images to evaluate");
        double mse = squaredError / pixels;
        return new EvalResult(images, mse, 10 * Math.log10(1 / mse), usage.stats(), usage.meanUtilization(),
                usage.meanPerplexity(), usage.totalDeadCodes(), images / (nanos / 1e9));
    }
}
