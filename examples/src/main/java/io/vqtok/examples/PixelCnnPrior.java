package io.vqtok.examples;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.config.ExecutionResult;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A small PixelCNN over grids of codes in SameDiff: an autoregressive prior {@code p(c_0) p(c_1 | c_0) ...} over the
 * raster order of an {@code h x w} code grid.
 *
 * <p>Architecture: a code embedding {@code [K, E]} (looked up as {@code oneHot(codes) x embedding}, since SameDiff's
 * gather has a wrong gradient for repeated indices on this ND4J version), a masked {@code firstKernel x firstKernel}
 * convolution of {@link CausalMask.Type#A type A}, {@code residualBlocks} residual blocks
 * {@code h + conv1x1(relu(maskedB3x3(relu(h))))}, and {@code relu -> conv1x1 -> relu -> conv1x1} to {@code K} logits
 * per position. The loss is the softmax cross-entropy of each position's code, averaged over positions and sequences
 * (nats per token). The logits at raster position {@code p} depend on the codes at positions {@code < p} only
 * ({@link CausalMask}).
 */
public final class PixelCnnPrior {

    /**
     * @param codebookSize   K, the number of distinct codes
     * @param height         grid rows
     * @param width          grid columns
     * @param embeddingDim   E, the code embedding size
     * @param channels       hidden channels of the convolutions
     * @param residualBlocks masked 3x3 residual blocks after the first layer
     * @param firstKernel    odd size of the first (type A) masked kernel
     * @param learningRate   Adam's learning rate
     * @param seed           seed of the parameter initialisation
     */
    public record Config(int codebookSize, int height, int width, int embeddingDim, int channels, int residualBlocks,
                         int firstKernel, double learningRate, long seed) {
        public Config {
            if (codebookSize < 2) throw new IllegalArgumentException("codebook size must be >= 2, got " + codebookSize);
            if (height < 1 || width < 1) throw new IllegalArgumentException("grid must be at least 1x1, got " + height + "x" + width);
            if (embeddingDim < 1 || channels < 1) throw new IllegalArgumentException("embedding and channels must be >= 1");
            if (residualBlocks < 0) throw new IllegalArgumentException("residual blocks must be >= 0, got " + residualBlocks);
            if (firstKernel < 1 || firstKernel % 2 == 0) throw new IllegalArgumentException("first kernel must be odd, got " + firstKernel);
            if (!(learningRate > 0)) throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
        }

        /** Sequence length, {@code height * width}. */
        public int length() {
            return height * width;
        }
    }

    private final Config config;
    private final SameDiff sd;
    private final SameDiff gradFn;
    private final Map<String, INDArray> params = new LinkedHashMap<>();
    private final Map<String, String> gradientNames = new LinkedHashMap<>();
    private final Map<String, GradientUpdater> updaters = new HashMap<>();
    private final List<String> fetch = new ArrayList<>();
    private int iteration;

    /** Builds the graph with freshly initialised parameters (PyTorch's default uniform bounds). */
    public PixelCnnPrior(Config config) {
        this.config = config;
        int k = config.codebookSize(), e = config.embeddingDim(), c = config.channels(), h = config.height(), w = config.width();
        SplittableRandom r = new SplittableRandom(config.seed());
        sd = SameDiff.create();
        SDVariable codes = sd.placeHolder("codes", DataType.INT32, -1, config.length());
        SDVariable oneHot = sd.oneHot("onehot", codes.reshape(-1), k, -1, 1.0, 0.0, DataType.FLOAT);     // [B*L, K]
        SDVariable emb = sd.var("embedding", normal(r, 1.0, k, e));
        SDVariable x = oneHot.mmul(emb).reshape(-1, h, w, e).permute(0, 3, 1, 2);                       // [B, E, h, w]

        SDVariable hidden = masked(x, "first", config.firstKernel(), e, c, CausalMask.Type.A, r);
        for (int i = 0; i < config.residualBlocks(); i++) {
            SDVariable t = masked(sd.nn().relu(hidden, 0), "block" + i + ".masked", 3, c, c, CausalMask.Type.B, r);
            t = conv(sd.nn().relu(t, 0), "block" + i + ".out", 1, c, c, null, r);
            hidden = hidden.add(t);
        }
        SDVariable head = conv(sd.nn().relu(hidden, 0), "head.hidden", 1, c, c, null, r);
        SDVariable logits = conv(sd.nn().relu(head, 0), "head.logits", 1, c, k, null, r);               // [B, K, h, w]
        logits = sd.identity("logits", logits.permute(0, 2, 3, 1).reshape(-1, k));                     // [B*L, K]
        // log-softmax by hand: sd.nn().logSoftmax(x, dim) cannot be cloned into the gradient function on this ND4J version
        SDVariable shifted = logits.sub(logits.max(true, 1));
        SDVariable logp = shifted.sub(sd.math().log(sd.math().exp(shifted).sum(true, 1)));
        SDVariable nll = logp.mul(oneHot).sum(1).neg();                                                  // [B*L]
        sd.identity("nll", nll);
        sd.identity("loss", nll.mean());
        sd.setLossVariables("loss");

        quietly(sd::createGradFunction);
        gradFn = sd.getFunction("grad");
        fetch.add("loss");
        Adam adam = new Adam(config.learningRate());
        for (Map.Entry<String, INDArray> p : params.entrySet()) {
            String g = sd.getVariable(p.getKey()).getGradient().name();
            gradientNames.put(p.getKey(), g);
            fetch.add(g);
            INDArray state = Nd4j.zeros(DataType.FLOAT, 1, adam.stateSize(p.getValue().length()));
            updaters.put(p.getKey(), adam.instantiate(state, true));
        }
    }

    private INDArray normal(SplittableRandom r, double std, long... shape) {
        long n = 1;
        for (long s : shape) n *= s;
        float[] d = new float[(int) n];
        for (int i = 0; i < d.length; i++) {
            // Box-Muller
            double u = 1 - r.nextDouble(), v = r.nextDouble();
            d[i] = (float) (std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
        }
        INDArray a = Nd4j.create(d, shape, DataType.FLOAT);
        return a;
    }

    private INDArray uniform(SplittableRandom r, double bound, long... shape) {
        long n = 1;
        for (long s : shape) n *= s;
        float[] d = new float[(int) n];
        for (int i = 0; i < d.length; i++) d[i] = (float) ((2 * r.nextDouble() - 1) * bound);
        return Nd4j.create(d, shape, DataType.FLOAT);
    }

    private SDVariable param(String name, INDArray value) {
        params.put(name, value);
        return sd.var(name, value);
    }

    /** A conv2d, "same" padding, stride 1; the weight is multiplied by {@code mask} when one is given. */
    private SDVariable conv(SDVariable in, String name, int size, int inC, int outC, INDArray mask, SplittableRandom r) {
        double bound = 1.0 / Math.sqrt((double) inC * size * size);
        SDVariable weight = param(name + ".w", uniform(r, bound, size, size, inC, outC));
        SDVariable bias = param(name + ".b", uniform(r, bound, outC));
        if (mask != null) weight = weight.mul(sd.constant(name + ".mask", mask));
        Conv2DConfig cc = Conv2DConfig.builder().kH(size).kW(size).sH(1).sW(1).pH(size / 2).pW(size / 2).dH(1).dW(1)
                .dataFormat("NCHW").build();
        return sd.cnn().conv2d(in, weight, bias, cc);
    }

    private SDVariable masked(SDVariable in, String name, int size, int inC, int outC, CausalMask.Type type, SplittableRandom r) {
        return conv(in, name, size, inC, outC, CausalMask.weights(size, inC, outC, type), r);
    }

    /** SameDiff prints a line per differentiated op to standard output; keep stdout clean for JSON readers. */
    private static void quietly(Runnable action) {
        PrintStream stdout = System.out;
        synchronized (System.class) {
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            try {
                action.run();
            } finally {
                System.setOut(stdout);
            }
        }
    }

    /** The configuration the model was built with. */
    public Config config() {
        return config;
    }

    /** The live parameter arrays by name (training updates them in place). */
    public Map<String, INDArray> parameters() {
        return Collections.unmodifiableMap(params);
    }

    /** Copies of the parameters, for {@link #restore}. */
    public Map<String, INDArray> snapshot() {
        Map<String, INDArray> m = new LinkedHashMap<>();
        params.forEach((k, v) -> m.put(k, v.dup()));
        return m;
    }

    /** Writes a {@link #snapshot} back into the live parameters. */
    public void restore(Map<String, INDArray> snapshot) {
        params.forEach((k, v) -> v.assign(snapshot.get(k)));
    }

    private INDArray codes(int[][] sequences) {
        for (int[] s : sequences) {
            if (s.length != config.length())
                throw new IllegalArgumentException("sequences must have " + config.length() + " tokens, got " + s.length);
            for (int t : s)
                if (t < 0 || t >= config.codebookSize())
                    throw new IllegalArgumentException("code " + t + " outside [0, " + config.codebookSize() + ")");
        }
        return Nd4j.createFromArray(sequences).castTo(DataType.INT32);
    }

    /**
     * One Adam step on a batch of sequences.
     *
     * @param batch {@code [B][h*w]} codes
     * @return the batch's loss before the step, nats per token
     */
    public double trainStep(int[][] batch) {
        gradFn.setEnableCache(true);
        ExecutionResult r = gradFn.output(Map.of("codes", codes(batch)), Collections.emptyMap(), null, fetch.toArray(new String[0]));
        Map<String, INDArray> out = new HashMap<>();
        if (r.hasValues()) r.getValueOutputs().forEach((k, v) -> out.put(k, v.getTensorValue()));
        else out.putAll(ExecutionResult.unpack(r.getOutputs()));
        double loss = out.get("loss").getDouble(0);
        if (!Double.isFinite(loss)) throw new IllegalStateException("prior loss is not finite at step " + (iteration + 1) + ": " + loss);
        for (Map.Entry<String, INDArray> p : params.entrySet()) {
            INDArray g = out.get(gradientNames.get(p.getKey()));
            updaters.get(p.getKey()).applyUpdater(g, iteration, 0);
            p.getValue().subi(g);
        }
        iteration++;
        return loss;
    }

    /**
     * The logits of every position.
     *
     * @param sequences {@code [N][h*w]} codes
     * @return float {@code [N * h*w, K]}: row {@code n * h*w + p} is position {@code p} of sequence {@code n}
     */
    public INDArray logits(int[][] sequences) {
        return sd.output(Map.of("codes", codes(sequences)), "logits").get("logits");
    }

    /**
     * Mean negative log-likelihood per token, in nats.
     *
     * @param sequences {@code [N][h*w]} codes
     * @param batch     sequences per forward pass
     */
    public double nll(int[][] sequences, int batch) {
        double sum = 0;
        for (int from = 0; from < sequences.length; from += batch) {
            int[][] b = java.util.Arrays.copyOfRange(sequences, from, Math.min(sequences.length, from + batch));
            sum += sd.output(Map.of("codes", codes(b)), "nll").get("nll").sumNumber().doubleValue();
        }
        return sum / ((double) sequences.length * config.length());
    }

    /**
     * Draws sequences position by position from the model.
     *
     * @param count       how many sequences
     * @param temperature softmax temperature, > 0 (1 samples the model itself)
     * @param seed        seed of the draws
     * @return {@code [count][h*w]} codes
     */
    public int[][] sample(int count, double temperature, long seed) {
        if (!(temperature > 0)) throw new IllegalArgumentException("temperature must be > 0, got " + temperature);
        SplittableRandom r = new SplittableRandom(seed);
        int len = config.length(), k = config.codebookSize();
        int[][] s = new int[count][len];
        for (int p = 0; p < len; p++) {
            INDArray logits = logits(s);
            for (int n = 0; n < count; n++) {
                float[] row = logits.getRow((long) n * len + p).toFloatVector();
                double max = Double.NEGATIVE_INFINITY;
                for (float v : row) max = Math.max(max, v / temperature);
                double[] w = new double[k];
                double total = 0;
                for (int i = 0; i < k; i++) total += (w[i] = Math.exp(row[i] / temperature - max));
                double u = r.nextDouble() * total;
                int pick = k - 1;
                for (int i = 0; i < k; i++) {
                    u -= w[i];
                    if (u < 0) {
                        pick = i;
                        break;
                    }
                }
                s[n][p] = pick;
            }
        }
        return s;
    }
}
