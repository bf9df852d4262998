package io.vqtok.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vqtok.autoencoders.ImageAutoencoderConfig;
import io.vqtok.autoencoders.ImageTokenizer;
import io.vqtok.autoencoders.TokenSequences;
import io.vqtok.autoencoders.TokenizerConfig;
import io.vqtok.autoencoders.TokenizerTrainer;
import io.vqtok.autoencoders.TrainConfig;
import io.vqtok.codebook.CodebookInit;
import io.vqtok.codebook.ReseedConfig;
import io.vqtok.datasets.Batcher;
import io.vqtok.datasets.FashionMnist;
import io.vqtok.datasets.ImageDataset;
import io.vqtok.datasets.ImageWriter;
import io.vqtok.datasets.Split;
import io.vqtok.quantizers.EmaQuantizerConfig;
import io.vqtok.quantizers.QuantizerConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A generative pipeline on vqtok's public API: a Fashion-MNIST tokenizer turns images into 7x7 code grids, a small
 * PixelCNN ({@link PixelCnnPrior}) learns their distribution in raster order, and codes sampled from it are decoded
 * back into images.
 *
 * <p>Steps: train (or load) the tokenizer with the CLI's default quantizer (EMA, K=512, D=64, data init, dead-code
 * reseeding); encode the train, validation and test splits to raster sequences {@code [N, 49]}; train the prior on the
 * train sequences, keeping the parameters of the evaluation with the lowest validation NLL; report test and validation
 * NLL in bits per token next to a unigram baseline (train code frequencies, add-one smoothing); sample 16 grids at
 * temperature 1 and write them, decoded, as a PNG grid. The last line of standard output is the summary as JSON.
 *
 * <p>Run: {@code scripts/generate-example.sh [--tokenizer tok.vqt] [--tokenizer-steps 600] [--prior-steps 3000]
 * [--out generated.png]}
 */
public final class GenerateFashionMnist {
    private GenerateFashionMnist() {
    }

    /** Command-line settings. */
    record Options(Path tokenizer, int tokenizerSteps, int priorSteps, int batch, int channels, int blocks,
                   double lr, int evalEvery, double maxPriorSeconds, Path out, long seed) {
        static Options parse(String[] args) {
            Path tokenizer = null, out = Path.of("generated.png");
            int tokenizerSteps = 600, priorSteps = 3000, batch = 64, channels = 64, blocks = 3, evalEvery = 250;
            double lr = 1e-3, maxSeconds = 300;
            long seed = 0;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (i + 1 >= args.length) throw new IllegalArgumentException("option " + a + " needs a value");
                String v = args[++i];
                switch (a) {
                    case "--tokenizer" -> tokenizer = Path.of(v);
                    case "--tokenizer-steps" -> tokenizerSteps = Integer.parseInt(v);
                    case "--prior-steps" -> priorSteps = Integer.parseInt(v);
                    case "--batch" -> batch = Integer.parseInt(v);
                    case "--channels" -> channels = Integer.parseInt(v);
                    case "--blocks" -> blocks = Integer.parseInt(v);
                    case "--lr" -> lr = Double.parseDouble(v);
                    case "--eval-every" -> evalEvery = Integer.parseInt(v);
                    case "--max-prior-seconds" -> maxSeconds = Double.parseDouble(v);
                    case "--out" -> out = Path.of(v);
                    case "--seed" -> seed = Long.parseLong(v);
                    default -> throw new IllegalArgumentException("unknown option " + a + "; expected --tokenizer, --tokenizer-steps, "
                            + "--prior-steps, --batch, --channels, --blocks, --lr, --eval-every, --max-prior-seconds, --out, --seed");
                }
            }
            return new Options(tokenizer, tokenizerSteps, priorSteps, batch, channels, blocks, lr, evalEvery, maxSeconds, out, seed);
        }
    }

    /** The CLI's default image quantizer ({@code vqtok train}): EMA, K=512, D=64, data init, reseeding below 0.03. */
    static QuantizerConfig defaultQuantizer() {
        return new EmaQuantizerConfig(512, 64, 0.25, 0.99, 1e-5, CodebookInit.DATA, 10, ReseedConfig.threshold(0.03));
    }

    static ImageTokenizer tokenizer(Options o, ImageDataset train, Map<String, Object> summary) throws Exception {
        if (o.tokenizer() != null && Files.exists(o.tokenizer())) {
            System.out.println("loading tokenizer " + o.tokenizer());
            summary.put("tokenizer", "loaded " + o.tokenizer());
            return ImageTokenizer.load(o.tokenizer());
        }
        ImageTokenizer tok = ImageTokenizer.create(new TokenizerConfig(ImageAutoencoderConfig.fashionMnist(64), defaultQuantizer()), o.seed());
        Batcher batches = new Batcher(train, 128, o.seed(), true, true);
        long t0 = System.nanoTime();
        new TokenizerTrainer(tok, new TrainConfig(o.tokenizerSteps(), 128, 2e-3, o.seed(), 0))
                .train(() -> TokenizeFashionMnist.toArray(batches.next()), train.description(), r -> {
                    if (r.step() % 100 == 0 || r.step() == o.tokenizerSteps())
                        System.out.printf("tokenizer step %d  loss %.4f  batch codebook use %.2f%n", r.step(), r.loss(), r.batchUsage());
                });
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("tokenizer: %d steps in %.1f s%n", o.tokenizerSteps(), seconds);
        summary.put("tokenizer", "trained " + tok.config().quantizer().describe() + ", " + o.tokenizerSteps() + " steps");
        summary.put("tokenizer_train_seconds", round(seconds));
        if (o.tokenizer() != null) tok.save(o.tokenizer());
        return tok;
    }

    /** Encodes a split and returns its raster sequences {@code [N][49]}. */
    static int[][] sequences(ImageTokenizer tok, ImageDataset data) {
        List<int[]> rows = new ArrayList<>();
        Batcher b = new Batcher(data, ImageTokenizer.INFERENCE_BATCH, 0, false, false);
        while (b.hasNext()) {
            INDArray codes = tok.encode(TokenizeFashionMnist.toArray(b.next()));      // int32 [n, 7, 7]
            for (int[] s : TokenSequences.raster(codes).toIntMatrix()) rows.add(s);
        }
        return rows.toArray(new int[0][]);
    }

    /** Mean NLL in bits per token of the codes in {@code eval} under add-one-smoothed code frequencies of {@code train}. */
    static double unigramBits(int[][] train, int[][] eval, int k) {
        long[] counts = new long[k];
        long total = 0;
        for (int[] s : train) for (int c : s) {
            counts[c]++;
            total++;
        }
        double sum = 0;
        long n = 0;
        for (int[] s : eval) for (int c : s) {
            sum -= Math.log((counts[c] + 1.0) / (total + k));
            n++;
        }
        return sum / n / Math.log(2);
    }

    static Map<String, Object> pair(double validation, double test) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("validation", round(validation));
        m.put("test", round(test));
        return m;
    }

    static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args);
        Map<String, Object> summary = new LinkedHashMap<>();
        long start = System.nanoTime();
        ImageDataset train = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TRAIN);
        ImageDataset validation = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.VALIDATION);
        ImageDataset test = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TEST);
        ImageTokenizer tok = tokenizer(o, train, summary);
        int k = tok.quantizer().codebookSize();
        long[] grid = tok.codeShape();
        if (grid.length != 2)
            throw new IllegalArgumentException("this example needs one code per grid cell; the tokenizer has " + grid[2] + " stages");
        int h = (int) grid[0], w = (int) grid[1];

        long t0 = System.nanoTime();
        int[][] trainSeq = sequences(tok, train), valSeq = sequences(tok, validation), testSeq = sequences(tok, test);
        double encodeSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("encoded %d + %d + %d images to %dx%d codes (K=%d) in %.1f s%n", trainSeq.length, valSeq.length,
                testSeq.length, h, w, k, encodeSeconds);

        PixelCnnPrior prior = new PixelCnnPrior(new PixelCnnPrior.Config(k, h, w, 64, o.channels(), o.blocks(), 5, o.lr(), o.seed()));
        SplittableRandom r = new SplittableRandom(o.seed() + 1);
        double bestVal = Double.POSITIVE_INFINITY;
        int bestStep = 0, steps = 0;
        Map<String, INDArray> best = prior.snapshot();
        List<Map<String, Object>> curve = new ArrayList<>();
        double trainSeconds = 0, evalSeconds = 0, running = Double.NaN;
        int[][] batch = new int[o.batch()][];
        while (steps < o.priorSteps() && trainSeconds < o.maxPriorSeconds()) {
            long s0 = System.nanoTime();
            for (int i = 0; i < batch.length; i++) batch[i] = trainSeq[r.nextInt(trainSeq.length)];
            double loss = prior.trainStep(batch);
            trainSeconds += (System.nanoTime() - s0) / 1e9;
            steps++;
            running = Double.isNaN(running) ? loss : 0.98 * running + 0.02 * loss;
            if (steps % o.evalEvery() == 0 || steps == o.priorSteps() || trainSeconds >= o.maxPriorSeconds()) {
                long e0 = System.nanoTime();
                double val = prior.nll(valSeq, 500) / Math.log(2);
                evalSeconds += (System.nanoTime() - e0) / 1e9;
                System.out.printf("prior step %d  train loss %.3f bits/token (running)  validation %.3f bits/token  %.1f s%n",
                        steps, running / Math.log(2), val, trainSeconds);
                Map<String, Object> point = new LinkedHashMap<>();
                point.put("step", steps);
                point.put("train_bits_running", round(running / Math.log(2)));
                point.put("validation_bits", round(val));
                curve.add(point);
                if (val < bestVal) {
                    bestVal = val;
                    bestStep = steps;
                    best = prior.snapshot();
                }
            }
        }
        prior.restore(best);
        System.out.printf("prior: %d steps of %d sequences in %.1f s (%.1f ms/step), validation evaluations %.1f s; keeping step %d%n",
                steps, o.batch(), trainSeconds, 1000 * trainSeconds / steps, evalSeconds, bestStep);

        double priorTest = prior.nll(testSeq, 500) / Math.log(2);
        double uniVal = unigramBits(trainSeq, valSeq, k), uniTest = unigramBits(trainSeq, testSeq, k);
        double uniform = Math.log(k) / Math.log(2);
        System.out.println();
        System.out.println("bits per token      validation   test");
        System.out.printf("uniform (log2 K)    %10.3f %7.3f%n", uniform, uniform);
        System.out.printf("unigram (add-one)   %10.3f %7.3f%n", uniVal, uniTest);
        System.out.printf("PixelCNN prior      %10.3f %7.3f%n", bestVal, priorTest);
        System.out.printf("(%.1f vs %.1f bits per image of 49 codes on test)%n%n", priorTest * h * w, uniTest * h * w);

        long g0 = System.nanoTime();
        int[][] samples = prior.sample(16, 1.0, o.seed() + 2);
        double sampleSeconds = (System.nanoTime() - g0) / 1e9;
        INDArray codes = TokenSequences.unraster(Nd4j.createFromArray(samples).castTo(DataType.INT32), h, w);
        INDArray images = tok.decode(codes);
        ImageWriter.writeGrid(o.out(), images.dup().reshape(images.length()).toFloatVector(), 16, 1, 28, 28, 8, 3);
        System.out.printf("sampled 16 code grids in %.2f s, decoded to %s%n", sampleSeconds, o.out());

        summary.put("codebook_size", k);
        summary.put("sequence_length", h * w);
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("embedding", 64);
        model.put("channels", o.channels());
        model.put("residual_blocks", o.blocks());
        model.put("first_kernel", 5);
        model.put("batch", o.batch());
        model.put("lr", o.lr());
        model.put("steps", steps);
        model.put("best_step", bestStep);
        summary.put("prior", model);
        summary.put("prior_train_seconds", round(trainSeconds));
        summary.put("prior_eval_seconds", round(evalSeconds));
        summary.put("encode_seconds", round(encodeSeconds));
        summary.put("sample_seconds", round(sampleSeconds));
        Map<String, Object> bits = new LinkedHashMap<>();
        bits.put("prior", pair(bestVal, priorTest));
        bits.put("unigram", pair(uniVal, uniTest));
        bits.put("uniform", round(uniform));
        summary.put("bits_per_token", bits);
        summary.put("validation_curve", curve);
        summary.put("samples_png", o.out().toString());
        summary.put("total_seconds", round((System.nanoTime() - start) / 1e9));
        System.out.println(new ObjectMapper().writeValueAsString(summary));
    }
}
