package io.vqtok.autoencoders;

import io.vqtok.datasets.audio.MelFilterbank;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The audio model's graph pieces against independent computations: dilated convs, Snake, DAC's mel loss. */
class AudioGraphOpsTest {

    /** Values and gradients of loss = Σ c·y² for y = conv(x), with fixed weights c so every output matters differently. */
    private static Map<String, INDArray> valueAndGradients(SameDiff sd, SDVariable y, long n) {
        SDVariable c = sd.constant(Nd4j.linspace(1, n, n, DataType.FLOAT).reshape(y.eval().shape()));
        SDVariable loss = y.mul(y).mul(c).sum("loss");
        sd.setLossVariables(loss);
        Map<String, INDArray> out = new HashMap<>(sd.calculateGradients(null, "x", "k.w", "k.b"));
        out.put("y", y.eval());
        return out;
    }

    @Test
    void dilatedConvGivesTheValuesAndGradientsOfNd4jsOwnDilatedConvForEveryLengthAndDilation() {
        int in = 3, out = 5, k = 7;
        for (int d : new int[]{2, 3, 9})
            for (int t : new int[]{1, 37, 200, 801}) {
                SplittableRandom r = new SplittableRandom(d * 1000L + t);
                Map<String, INDArray> params = new LinkedHashMap<>();
                Convs.init(params, r, "k", 1, k, in, out, false);
                INDArray x = Nd4j.rand(DataType.FLOAT, 2, in, 1, t).subi(0.5);
                long n = 2L * out * t;

                Map<String, INDArray> reference;
                // ND4J's generic kernels compute dilated convs; its oneDNN kernels (the default here) reject them
                boolean helpers = Nd4j.getEnvironment().helpersAllowed();
                Nd4j.getEnvironment().allowHelpers(false);
                try {
                    SameDiff sd = SameDiff.create();
                    SDVariable xv = sd.var("x", x.dup());
                    Conv2DConfig c = Conv2DConfig.builder().kH(1).kW(k).sH(1).sW(1).pH(0).pW((k - 1) / 2 * d).dH(1).dW(d)
                            .dataFormat("NCHW").build();
                    SDVariable y = sd.cnn().conv2d(xv, sd.var("k.w", params.get("k.w").dup()), sd.var("k.b", params.get("k.b").dup()), c);
                    reference = valueAndGradients(sd, y, n);
                } finally {
                    Nd4j.getEnvironment().allowHelpers(helpers);
                }
                // the same data laid out as [N, 1, T, C]
                SameDiff sd = SameDiff.create();
                SDVariable xv = sd.var("x", x.permute(0, 2, 3, 1).dup());
                Map<String, INDArray> copy = new LinkedHashMap<>();
                params.forEach((name, v) -> copy.put(name, v.dup()));
                SDVariable y = Convs.dilatedConv(sd, copy, "k", xv, k, d);
                Map<String, INDArray> got = valueAndGradients(sd, sd.permute(y, 0, 3, 1, 2), n);
                got.put("x", got.get("x").permute(0, 3, 1, 2));
                for (String name : List.of("y", "x", "k.w", "k.b")) {
                    INDArray a = reference.get(name), b = got.get(name);
                    assertThat(b.shape()).as("d=%d T=%d %s", d, t, name).containsExactly(a.shape());
                    double err = a.sub(b).norm2Number().doubleValue() / Math.max(1e-12, a.norm2Number().doubleValue());
                    assertThat(err).as("d=%d T=%d %s relative error", d, t, name).isLessThan(1e-5);
                }
            }
    }

    @Test
    void snakeIsXPlusSinSquaredOverAlphaWithTheGradientOfThatFormula() {
        // a one-stride model whose first activation is Snake: check σ(x) = x + sin²(αx)/α and dσ/dx, dσ/dα by hand
        AudioAutoencoderConfig c = new AudioAutoencoderConfig(8000, 32, 2, new int[]{4}, 0, 2, AudioAutoencoderConfig.Activation.SNAKE);
        AudioAutoencoder ae = c.create(1);
        assertThat(ae.parameters()).containsKeys("enc.s0.down.snake", "enc.out.snake", "dec.s0.up.snake", "dec.out.snake");
        assertThat(ae.parameters().get("enc.s0.down.snake").shape()).containsExactly(1, 2, 1, 1);
        INDArray alpha = Nd4j.createFromArray(0.5f, 2f).reshape(1, 2, 1, 1);
        INDArray x = Nd4j.createFromArray(new float[]{-1.5f, -0.2f, 0.3f, 2.0f, 0.7f, -0.9f, 1.1f, 0.05f}).reshape(1, 2, 1, 4);
        SameDiff sd = SameDiff.create();
        SDVariable xv = sd.var("x", x.dup());
        SDVariable a = sd.var("a", alpha.dup());
        SDVariable y = AudioAutoencoder.snake(sd, xv, a);
        sd.setLossVariables(y.sum("loss"));
        Map<String, INDArray> g = sd.calculateGradients(null, "x", "a");
        INDArray yv = y.eval();
        double[] dAlpha = new double[2];
        for (int ch = 0; ch < 2; ch++)
            for (int t = 0; t < 4; t++) {
                double al = alpha.getDouble(0, ch, 0, 0), xi = x.getDouble(0, ch, 0, t), s = Math.sin(al * xi), co = Math.cos(al * xi);
                assertThat(yv.getDouble(0, ch, 0, t)).isCloseTo(xi + s * s / (al + 1e-9), within(1e-5));
                assertThat(g.get("x").getDouble(0, ch, 0, t)).isCloseTo(1 + 2 * s * co, within(1e-5));   // d/dx: 1 + sin(2αx)
                dAlpha[ch] += 2 * s * co * xi / al - s * s / (al * al);
            }
        for (int ch = 0; ch < 2; ch++) assertThat(g.get("a").getDouble(0, ch, 0, 0)).isCloseTo(dAlpha[ch], within(1e-4));
    }

    /** The loss for one pair of signals by plain loops in doubles: direct DFT, mel weights, log10 floor, L1, summed over scales. */
    private static double melLossByLoops(float[] x, float[] y, int sampleRate) {
        double total = 0;
        for (int s = 0; s < MultiScaleMelLoss.WINDOWS.length; s++) {
            int w = MultiScaleMelLoss.WINDOWS[s], hop = w / 4, bins = w / 2 + 1, bands = MultiScaleMelLoss.BANDS[s];
            double[][] mel = MelFilterbank.slaney(sampleRate, w, bands).weights();
            int frames = (x.length - w) / hop + 1;
            double sum = 0;
            for (int f = 0; f < frames; f++) {
                double[] mx = new double[bands], my = new double[bands];
                for (int k = 0; k < bins; k++) {
                    double ar = 0, ai = 0, br = 0, bi = 0;
                    for (int n = 0; n < w; n++) {
                        double win = 0.5 - 0.5 * Math.cos(2 * Math.PI * n / w), ph = 2 * Math.PI * k * n / w;
                        ar += win * x[f * hop + n] * Math.cos(ph);
                        ai -= win * x[f * hop + n] * Math.sin(ph);
                        br += win * y[f * hop + n] * Math.cos(ph);
                        bi -= win * y[f * hop + n] * Math.sin(ph);
                    }
                    double magX = Math.hypot(ar, ai), magY = Math.hypot(br, bi);
                    for (int m = 0; m < bands; m++) {
                        mx[m] += mel[m][k] * magX;
                        my[m] += mel[m][k] * magY;
                    }
                }
                for (int m = 0; m < bands; m++)
                    sum += Math.abs(Math.log10(Math.max(mx[m], 1e-5)) - Math.log10(Math.max(my[m], 1e-5)));
            }
            total += sum / ((double) frames * bands);
        }
        return total;
    }

    @Test
    void multiScaleMelLossEqualsDacsDefinitionComputedByPlainLoops() {
        int sr = 16000, n = 2560;
        Random r = new Random(7);
        float[] x = new float[n], y = new float[n];
        for (int i = 0; i < n; i++) {
            double env = 0.5 + 0.5 * Math.sin(2 * Math.PI * i / 800.0);
            x[i] = (float) (env * (0.6 * Math.sin(2 * Math.PI * 220 * i / sr) + 0.3 * Math.sin(2 * Math.PI * 1870 * i / sr)));
            y[i] = (float) (0.8 * x[i] + 0.05 * r.nextGaussian());
        }
        SameDiff sd = SameDiff.create();
        SDVariable xv = sd.constant(Nd4j.create(x, new long[]{1, 1, 1, n}, 'c'));
        SDVariable yv = sd.constant(Nd4j.create(y, new long[]{1, 1, 1, n}, 'c'));
        double graph = MultiScaleMelLoss.create(sd, "mel", xv, yv, sr).eval().getDouble(0);
        double loops = melLossByLoops(x, y, sr);
        assertThat(loops).isGreaterThan(0.1);
        assertThat(graph).isCloseTo(loops, within(2e-3 * loops));
        SameDiff same = SameDiff.create();
        SDVariable xs = same.constant(Nd4j.create(x, new long[]{1, 1, 1, n}, 'c'));
        assertThat(MultiScaleMelLoss.create(same, "mel", xs, same.constant(Nd4j.create(x, new long[]{1, 1, 1, n}, 'c')), sr).eval().getDouble(0))
                .isZero();
    }

    /** The graph's SI-SNR loss of crops {@code [N, 1, 1, T]} and its gradient with respect to the estimate. */
    private static INDArray[] siSnrLossAndGradient(float[][] x, float[][] y) {
        int n = x.length, t = x[0].length;
        SameDiff sd = SameDiff.create();
        SDVariable xv = sd.constant(Nd4j.create(x).reshape(n, 1, 1, t));
        SDVariable yv = sd.var("y", Nd4j.create(y).reshape(n, 1, 1, t));
        SDVariable loss = SiSnrLoss.create(sd, "loss", xv, yv, t);
        sd.setLossVariables(loss);
        INDArray g = sd.calculateGradients(null, "y").get("y").reshape(n, t);
        return new INDArray[]{loss.eval(), g};
    }

    /** −mean SI-SNR over crops by the metric's plain loops, in double precision. */
    private static double negativeSiSnrByLoops(float[][] x, double[][] y) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            float[] yi = new float[y[i].length];
            for (int j = 0; j < yi.length; j++) yi[j] = (float) y[i][j];
            sum -= io.vqtok.datasets.audio.AudioMetrics.siSnr(x[i], yi);
        }
        return sum / x.length;
    }

    @Test
    void siSnrLossIsMinusTheMeanSiSnrOfTheMetricWithItsGradientAndScaleInvariance() {
        int n = 3, t = 300;
        Random r = new Random(11);
        float[][] x = new float[n][t], y = new float[n][t];
        double[] noise = {0.05, 0.5, 2.0};                                // about +26, +6 and −6 dB
        for (int i = 0; i < n; i++)
            for (int j = 0; j < t; j++) {
                x[i][j] = (float) (Math.sin(2 * Math.PI * (i + 1) * j / 50.0) + 0.3 * r.nextGaussian() + 0.2);
                y[i][j] = (float) (0.7 * x[i][j] + noise[i] * r.nextGaussian() - 0.1);
            }
        double[][] yd = new double[n][];
        for (int i = 0; i < n; i++) yd[i] = new double[t];
        for (int i = 0; i < n; i++) for (int j = 0; j < t; j++) yd[i][j] = y[i][j];
        double loops = negativeSiSnrByLoops(x, yd);
        INDArray[] graph = siSnrLossAndGradient(x, y);
        assertThat(graph[0].getDouble(0)).isCloseTo(loops, within(1e-3));

        // the gradient against central differences of the plain-loop value, at a few samples of every crop
        INDArray g = graph[1];
        double h = 1e-3;
        for (int i = 0; i < n; i++)
            for (int j : new int[]{0, 17, 150, 299}) {
                double keep = yd[i][j];
                yd[i][j] = keep + h;
                double up = negativeSiSnrByLoops(x, yd);
                yd[i][j] = keep - h;
                double down = negativeSiSnrByLoops(x, yd);
                yd[i][j] = keep;
                assertThat(g.getDouble(i, j)).as("d loss / d y[%d][%d]", i, j).isCloseTo((up - down) / (2 * h), within(2e-3));
            }
        // scale invariance: the gradient has no component along the (mean-removed) estimate, and 3·y scores the same
        for (int i = 0; i < n; i++) {
            double mean = 0, dot = 0, gg = 0, yy = 0;
            for (int j = 0; j < t; j++) mean += y[i][j] / (double) t;
            for (int j = 0; j < t; j++) {
                dot += g.getDouble(i, j) * (y[i][j] - mean);
                gg += g.getDouble(i, j) * g.getDouble(i, j);
                yy += (y[i][j] - mean) * (y[i][j] - mean);
            }
            assertThat(Math.sqrt(gg)).isGreaterThan(1e-3);
            assertThat(dot / Math.sqrt(gg * yy)).as("cosine of the gradient and the estimate, crop %d", i).isCloseTo(0, within(1e-3));
        }
        float[][] y3 = new float[n][t];
        for (int i = 0; i < n; i++) for (int j = 0; j < t; j++) y3[i][j] = 3 * y[i][j];
        assertThat(siSnrLossAndGradient(x, y3)[0].getDouble(0)).isCloseTo(graph[0].getDouble(0), within(1e-3));
    }

    @Test
    void siSnrLossOfASilentCropIsFiniteAndAsksForSilence() {
        // reference silent: s = 0, e = y − mean(y); loss = −10 log10(ε / (‖e‖² + ε)) with ε = 1e-6 · T
        int t = 100;
        float[][] x = new float[1][t], y = new float[1][t];
        double energy = 0;
        for (int j = 0; j < t; j++) {
            y[0][j] = (j % 2 == 0 ? 0.01f : -0.01f);
            energy += 1e-4;
        }
        double eps = SiSnrLoss.POWER_FLOOR * t;
        INDArray[] graph = siSnrLossAndGradient(x, y);
        assertThat(graph[0].getDouble(0)).isCloseTo(-10 * Math.log10(eps / (energy + eps)), within(1e-3));
        // the gradient points away from silence: a step against it lowers |y|
        assertThat(graph[1].getDouble(0, 0)).isPositive();
        assertThat(graph[1].getDouble(0, 1)).isNegative();
    }

    // ---- the whole encoder/decoder against plain loops in doubles ----

    /** x [C][T], weights {@code [1, k, in, out]}: y[o][t] = b[o] + Σ_j Σ_c x[c][t·s + j·d − p] · w[0][j][c][o]. */
    private static double[][] convLoop(double[][] x, INDArray w, INDArray b, int s, int p, int d) {
        int k = (int) w.size(1), in = (int) w.size(2), out = (int) w.size(3), t = x[0].length;
        int len = (t + 2 * p - d * (k - 1) - 1) / s + 1;
        double[][] y = new double[out][len];
        for (int o = 0; o < out; o++)
            for (int u = 0; u < len; u++) {
                double acc = b.getDouble(o);
                for (int j = 0; j < k; j++) {
                    int src = u * s + j * d - p;
                    if (src < 0 || src >= t) continue;
                    for (int c = 0; c < in; c++) acc += x[c][src] * w.getDouble(0, j, c, o);
                }
                y[o][u] = acc;
            }
        return y;
    }

    /** Transposed conv, weights {@code [1, k, out, in]}: y[o][i·s + j − p] += x[c][i] · w[0][j][o][c], length (T − 1)·s + k − 2p. */
    private static double[][] deconvLoop(double[][] x, INDArray w, INDArray b, int s, int p) {
        int k = (int) w.size(1), out = (int) w.size(2), in = (int) w.size(3), t = x[0].length;
        int len = (t - 1) * s + k - 2 * p;
        double[][] y = new double[out][len];
        for (int o = 0; o < out; o++) java.util.Arrays.fill(y[o], b.getDouble(o));
        for (int c = 0; c < in; c++)
            for (int i = 0; i < t; i++)
                for (int j = 0; j < k; j++) {
                    int dst = i * s + j - p;
                    if (dst < 0 || dst >= len) continue;
                    for (int o = 0; o < out; o++) y[o][dst] += x[c][i] * w.getDouble(0, j, o, c);
                }
        return y;
    }

    private static double[][] actLoop(double[][] x, Map<String, INDArray> p, String conv, AudioAutoencoderConfig.Activation a) {
        double[][] y = new double[x.length][x[0].length];
        for (int c = 0; c < x.length; c++)
            for (int t = 0; t < x[0].length; t++) {
                double v = x[c][t];
                if (a == AudioAutoencoderConfig.Activation.ELU) y[c][t] = v > 0 ? v : Math.expm1(v);
                else {
                    double al = p.get(conv + ".snake").getDouble(0, c, 0, 0), sn = Math.sin(al * v);
                    y[c][t] = v + sn * sn / (al + 1e-9);
                }
            }
        return y;
    }

    private static double[][] residualLoop(double[][] x, Map<String, INDArray> p, String name, int d, AudioAutoencoderConfig.Activation a) {
        double[][] h = convLoop(actLoop(x, p, name + ".conv7", a), p.get(name + ".conv7.w"), p.get(name + ".conv7.b"), 1, 3 * d, d);
        h = convLoop(actLoop(h, p, name + ".conv1", a), p.get(name + ".conv1.w"), p.get(name + ".conv1.b"), 1, 0, 1);
        for (int c = 0; c < h.length; c++) for (int t = 0; t < h[0].length; t++) h[c][t] += x[c][t];
        return h;
    }

    /** The encoder of {@link AudioAutoencoderConfig}'s javadoc, one waveform, by loops. */
    private static double[][] encodeLoop(AudioAutoencoderConfig c, Map<String, INDArray> p, double[] wave) {
        double[][] h = convLoop(new double[][]{wave}, p.get("enc.in.w"), p.get("enc.in.b"), 1, 3, 1);
        int[] strides = c.strides();
        for (int i = 0; i < strides.length; i++) {
            for (int j = 0; j < c.encoderResidualUnits(); j++) h = residualLoop(h, p, "enc.s" + i + ".res" + j, AudioAutoencoderConfig.dilation(j), c.activation());
            int k = AudioAutoencoderConfig.kernel(strides[i]);
            String down = "enc.s" + i + ".down";
            h = convLoop(actLoop(h, p, down, c.activation()), p.get(down + ".w"), p.get(down + ".b"), strides[i], (k - strides[i]) / 2, 1);
        }
        return convLoop(actLoop(h, p, "enc.out", c.activation()), p.get("enc.out.w"), p.get("enc.out.b"), 1, 1, 1);
    }

    /** The decoder, one latent sequence [D][F], by loops. */
    private static double[] decodeLoop(AudioAutoencoderConfig c, Map<String, INDArray> p, double[][] z) {
        double[][] h = convLoop(z, p.get("dec.in.w"), p.get("dec.in.b"), 1, 3, 1);
        int[] strides = c.strides();
        for (int i = strides.length - 1; i >= 0; i--) {
            int k = AudioAutoencoderConfig.kernel(strides[i]);
            String up = "dec.s" + i + ".up";
            h = deconvLoop(actLoop(h, p, up, c.activation()), p.get(up + ".w"), p.get(up + ".b"), strides[i], (k - strides[i]) / 2);
            for (int j = 0; j < c.residualUnits(); j++) h = residualLoop(h, p, "dec.s" + i + ".res" + j, AudioAutoencoderConfig.dilation(j), c.activation());
        }
        return convLoop(actLoop(h, p, "dec.out", c.activation()), p.get("dec.out.w"), p.get("dec.out.b"), 1, 3, 1)[0];
    }

    @Test
    void encoderAndDecoderGraphsEqualTheArchitectureComputedByPlainLoopsWithTheirGradients() {
        for (AudioAutoencoderConfig.Activation act : AudioAutoencoderConfig.Activation.values()) {
            // strides 2 and 3 (even and odd kernels), three decoder units (dilations 1, 3, 9), two encoder units
            AudioAutoencoderConfig c = new AudioAutoencoderConfig(8000, 60, 2, new int[]{2, 3}, 3, 3, act, 2);
            AudioAutoencoder ae = c.create(11);
            Map<String, INDArray> p = ae.parameters();
            if (act == AudioAutoencoderConfig.Activation.SNAKE)   // α away from its initial 1, different per channel
                p.forEach((name, v) -> { if (name.endsWith(".snake")) v.assign(Nd4j.linspace(0.6, 1.7, v.length(), DataType.FLOAT).reshape(v.shape())); });
            int n = 2, t = 66;   // 11 frames of hop 6
            SplittableRandom r = new SplittableRandom(5);
            float[] wave = new float[n * t];
            for (int i = 0; i < wave.length; i++) wave[i] = (float) (1.6 * (r.nextDouble() - 0.5));
            INDArray x = Nd4j.createFromArray(wave).reshape(n, 1, 1, t);
            SameDiff sd = SameDiff.create();
            SDVariable xv = sd.var("x", x.dup());
            SDVariable z = ae.encode(sd, xv);
            SDVariable y = ae.decode(sd, z);
            INDArray zg = z.eval(), yg = y.eval();
            assertThat(zg.shape()).containsExactly(n, 3, 1, t / 6);
            assertThat(yg.shape()).containsExactly(n, 1, 1, t);
            double[][] waves = new double[n][t];
            for (int i = 0; i < n; i++) for (int u = 0; u < t; u++) waves[i][u] = x.getDouble(i, 0, 0, u);
            for (int i = 0; i < n; i++) {
                double[][] zl = encodeLoop(c, p, waves[i]);
                for (int d = 0; d < 3; d++)
                    for (int f = 0; f < t / 6; f++)
                        assertThat(zg.getDouble(i, d, 0, f)).as("%s z[%d, %d, %d]", act, i, d, f).isCloseTo(zl[d][f], within(1e-5 + 1e-4 * Math.abs(zl[d][f])));
                double[] yl = decodeLoop(c, p, zl);
                for (int u = 0; u < t; u++)
                    assertThat(yg.getDouble(i, 0, 0, u)).as("%s y[%d, %d]", act, i, u).isCloseTo(yl[u], within(1e-5 + 1e-4 * Math.abs(yl[u])));
            }
            // gradients of Σ (y − 0.1)² for entries of weights on every kind of layer, against central differences of the loops
            sd.setLossVariables(y.sub(0.1).mul(y.sub(0.1)).sum("loss"));
            List<String> names = new java.util.ArrayList<>(List.of("enc.in.w", "enc.s0.res1.conv7.w", "enc.s1.down.w", "dec.s1.up.w", "dec.s0.res2.conv7.w", "dec.out.b"));
            if (act == AudioAutoencoderConfig.Activation.SNAKE) names.add("enc.s1.res0.conv1.snake");
            Map<String, INDArray> g = sd.calculateGradients(null, names.toArray(String[]::new));
            for (String name : names) {
                INDArray v = p.get(name);
                for (long e : new long[]{0, v.length() / 2, v.length() - 1}) {
                    float keep = v.getFloat(e);
                    double h = 1e-3, up, down;
                    v.putScalar(e, keep + h);
                    up = lossLoop(c, p, waves);
                    v.putScalar(e, keep - h);
                    down = lossLoop(c, p, waves);
                    v.putScalar(e, keep);
                    double numeric = (up - down) / (2 * h), analytic = g.get(name).getDouble(e);
                    assertThat(analytic).as("%s d loss / d %s[%d]", act, name, e).isCloseTo(numeric, within(2e-3 + 2e-3 * Math.abs(numeric)));
                }
            }
        }
    }

    private static double lossLoop(AudioAutoencoderConfig c, Map<String, INDArray> p, double[][] waves) {
        double loss = 0;
        for (double[] w : waves)
            for (double v : decodeLoop(c, p, encodeLoop(c, p, w))) loss += (v - 0.1) * (v - 0.1);
        return loss;
    }
}
