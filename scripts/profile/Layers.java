// Forward plus backward passes of single layers, batch 128, run through scripts/profile.sh (not part of the build):
//   Layers rewrites      the image autoencoder's 4x4 stride-2 convs and deconvs against space-to-depth and sub-pixel
//                        rewrites (values and gradients compared, times printed)
//   Layers formats       its conv shapes in NCHW and NHWC (op traces /tmp/prof/fmt-*.json)
//   Layers activations   ReLU, leaky ReLU, ELU and x*[x>0] on a [128, 32, 14, 14] tensor (op traces /tmp/prof/relu-*.json)
// scripts/profile/ops.py summarises a trace.
import org.nd4j.autodiff.listeners.profiler.ProfilingListener;
import org.nd4j.autodiff.samediff.*;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.*;
import org.nd4j.linalg.factory.Nd4j;
import java.util.*;

public class Layers {
    public static void main(String[] a) throws Exception {
        switch (a.length == 0 ? "" : a[0]) {
            case "rewrites" -> rewrites();
            case "formats" -> formats();
            case "activations" -> activations();
            default -> throw new IllegalArgumentException("Layers rewrites | formats | activations");
        }
    }

    /** The gradient function of sd (its loss set), built without SameDiff's per-op lines on stdout, array cache on as in training. */
    static SameDiff gradFunction(SameDiff sd) {
        java.io.PrintStream out = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            sd.createGradFunction();
        } finally {
            System.setOut(out);
        }
        SameDiff g = sd.getFunction("grad");
        g.setEnableCache(true);
        return g;
    }

    /** Runs g reps times with a ProfilingListener writing to file. */
    static void trace(SameDiff g, String file, int reps, String... fetch) {
        java.io.File f = new java.io.File(file);
        f.delete();
        g.setListeners(new ProfilingListener.Builder(f).recordAll().warmup(0).maxProfileIterations(1000).build());
        for (int i = 0; i < reps; i++) g.output(Map.of(), fetch);
        g.setListeners();
    }

    static SDVariable convA(SameDiff sd, SDVariable x, SDVariable w, SDVariable b) {
        return sd.cnn().conv2d(x, w, b, Conv2DConfig.builder().kH(4).kW(4).sH(2).sW(2).pH(1).pW(1).dH(1).dW(1).dataFormat("NCHW").build());
    }
    // pad 1, space-to-depth by 2, 2x2 valid conv with rearranged weights
    static SDVariable convB(SameDiff sd, SDVariable x, SDVariable w, SDVariable b, int C, int O, int H) {
        int P = (H + 2) / 2;
        SDVariable xp = sd.nn().pad(x, sd.constant(Nd4j.createFromArray(new int[][]{{0,0},{0,0},{1,1},{1,1}})), org.nd4j.enums.PadMode.CONSTANT, 0.0);
        SDVariable s = sd.reshape(sd.permute(sd.reshape(xp, -1, C, P, 2, P, 2), 0, 3, 5, 1, 2, 4), -1, 4 * C, P, P);
        SDVariable w2 = sd.reshape(sd.permute(sd.reshape(w, 2, 2, 2, 2, C, O), 0, 2, 1, 3, 4, 5), 2, 2, 4 * C, O);
        return sd.cnn().conv2d(s, w2, b, Conv2DConfig.builder().kH(2).kW(2).sH(1).sW(1).pH(0).pW(0).dH(1).dW(1).dataFormat("NCHW").build());
    }
    static SDVariable deconvA(SameDiff sd, SDVariable x, SDVariable w, SDVariable b) {
        return sd.cnn().deconv2d(x, w, b, DeConv2DConfig.builder().kH(4).kW(4).sH(2).sW(2).pH(1).pW(1).isSameMode(false).dataFormat("NCHW").build());
    }
    static INDArray selection() {
        float[][] s = new float[36][16];
        int[][] k = {{3, 1, -1}, {-1, 2, 0}}; // k[a][t]
        for (int th = 0; th < 3; th++) for (int tw = 0; tw < 3; tw++) for (int a = 0; a < 2; a++) for (int bb = 0; bb < 2; bb++) {
            int kh = k[a][th], kw = k[bb][tw];
            if (kh >= 0 && kw >= 0) s[((th * 3 + tw) * 2 + a) * 2 + bb][kh * 4 + kw] = 1;
        }
        return Nd4j.createFromArray(s);
    }
    static SDVariable deconvB(SameDiff sd, SDVariable x, SDVariable w, SDVariable b, int C, int O, int h) {
        SDVariable wr = sd.reshape(w, 16, O * C);
        SDVariable w3 = sd.mmul(sd.constant(selection()), wr);
        w3 = sd.reshape(sd.permute(sd.reshape(w3, 3, 3, 2, 2, O, C), 0, 1, 5, 2, 3, 4), 3, 3, C, 4 * O);
        SDVariable b4 = sd.concat(0, b, b, b, b);
        SDVariable y = sd.cnn().conv2d(x, w3, b4, Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1).pH(1).pW(1).dH(1).dW(1).dataFormat("NCHW").build());
        return sd.reshape(sd.permute(sd.reshape(y, -1, 2, 2, O, h, h), 0, 3, 4, 1, 5, 2), -1, O, 2 * h, 2 * h);
    }

    record Res(INDArray y, INDArray gx, INDArray gw, double ms) {}

    static Res run(String variant, boolean deconv, int N, int C, int O, int H, INDArray xv, INDArray wv, INDArray bv, INDArray gv) {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.var("x", xv.dup());
        SDVariable w = sd.var("w", wv.dup());
        SDVariable b = sd.var("b", bv.dup());
        SDVariable y;
        if (!deconv) y = variant.equals("A") ? convA(sd, x, w, b) : convB(sd, x, w, b, C, O, H);
        else y = variant.equals("A") ? deconvA(sd, x, w, b) : deconvB(sd, x, w, b, C, O, H);
        y = sd.identity("y", y);
        SDVariable loss = sd.sum("loss", y.mul(sd.constant(gv)));
        sd.setLossVariables("loss");
        SameDiff g = gradFunction(sd);
        String[] fetch = {"y", x.getGradient().name(), w.getGradient().name()};
        Map<String, INDArray> r = null;
        for (int i = 0; i < 5; i++) r = g.output(Map.of(), fetch);
        int reps = 20;
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) r = g.output(Map.of(), fetch);
        double ms = (System.nanoTime() - t0) / 1e6 / reps;
        return new Res(r.get("y").dup(), r.get(fetch[1]).dup(), r.get(fetch[2]).dup(), ms);
    }

    static void rewrites() {
        Nd4j.getRandom().setSeed(3);
        int N = 128;
        // deconv (1) or conv (0), in channels, out channels, input size
        int[][] layers = {{0, 1, 32, 28}, {0, 32, 64, 14}, {1, 64, 32, 7}, {1, 32, 1, 14}};
        for (int[] c : layers) {
            boolean deconv = c[0] == 1;
            int out = deconv ? c[3] * 2 : c[3] / 2;
            INDArray xv = Nd4j.rand(DataType.FLOAT, N, c[1], c[3], c[3]), bv = Nd4j.rand(DataType.FLOAT, c[2]);
            INDArray wv = (deconv ? Nd4j.rand(DataType.FLOAT, 4, 4, c[2], c[1]) : Nd4j.rand(DataType.FLOAT, 4, 4, c[1], c[2])).subi(0.5);
            INDArray gv = Nd4j.rand(DataType.FLOAT, N, c[2], out, out);
            Res A = run("A", deconv, N, c[1], c[2], c[3], xv, wv, bv, gv), B = run("B", deconv, N, c[1], c[2], c[3], xv, wv, bv, gv);
            System.out.printf("%s %d->%d @%d: A %.2f ms, B %.2f ms; max diff y %.2e gx %.2e gw %.2e%n", deconv ? "deconv" : "conv",
                c[1], c[2], c[3], A.ms, B.ms, A.y.sub(B.y).amaxNumber().doubleValue(), A.gx.sub(B.gx).amaxNumber().doubleValue(),
                A.gw.sub(B.gw).amaxNumber().doubleValue());
        }
    }

    static void formats() throws Exception {
        int N = 128;
        // kind, C, O, H(in), k, s, p
        int[][] layers = {{0, 1, 32, 28, 4, 2, 1}, {0, 32, 64, 14, 4, 2, 1}, {0, 64, 64, 7, 3, 1, 1}, {1, 64, 32, 7, 4, 2, 1}, {1, 32, 1, 14, 4, 2, 1}};
        for (String fmt : new String[]{"NCHW", "NHWC"}) {
            SameDiff sd = SameDiff.create();
            SDVariable total = null;
            for (int li = 0; li < layers.length; li++) {
                int[] l = layers[li];
                boolean nhwc = fmt.equals("NHWC");
                long[] xs = nhwc ? new long[]{N, l[3], l[3], l[1]} : new long[]{N, l[1], l[3], l[3]};
                SDVariable x = sd.var("x" + li, Nd4j.rand(DataType.FLOAT, xs).subi(0.5));
                SDVariable y;
                if (l[0] == 0) {
                    SDVariable w = sd.var("w" + li, Nd4j.rand(DataType.FLOAT, l[4], l[4], l[1], l[2]).subi(0.5));
                    SDVariable b = sd.var("b" + li, Nd4j.zeros(DataType.FLOAT, l[2]));
                    y = sd.cnn().conv2d("L" + li, x, w, b, Conv2DConfig.builder().kH(l[4]).kW(l[4]).sH(l[5]).sW(l[5]).pH(l[6]).pW(l[6]).dH(1).dW(1).dataFormat(fmt).build());
                } else {
                    SDVariable w = sd.var("w" + li, Nd4j.rand(DataType.FLOAT, l[4], l[4], l[2], l[1]).subi(0.5));
                    SDVariable b = sd.var("b" + li, Nd4j.zeros(DataType.FLOAT, l[2]));
                    y = sd.cnn().deconv2d("L" + li, x, w, b, DeConv2DConfig.builder().kH(l[4]).kW(l[4]).sH(l[5]).sW(l[5]).pH(l[6]).pW(l[6]).isSameMode(false).dataFormat(fmt).build());
                }
                SDVariable s = y.mul(y).mean();
                total = total == null ? s : total.add(s);
            }
            sd.identity("loss", total);
            sd.setLossVariables("loss");
            SameDiff g = gradFunction(sd);
            List<String> fetch = new ArrayList<>();
            for (int li = 0; li < layers.length; li++) { fetch.add(sd.getVariable("w" + li).getGradient().name()); if (li > 0) fetch.add(sd.getVariable("x" + li).getGradient().name()); }
            String[] f = fetch.toArray(new String[0]);
            for (int i = 0; i < 5; i++) g.output(Map.of(), f);
            trace(g, "/tmp/prof/fmt-" + fmt + ".json", 15, f);
        }
    }

    static void activations() throws Exception {
        INDArray xv = Nd4j.rand(DataType.FLOAT, 128, 32, 14, 14).subi(0.5);
        INDArray gv = Nd4j.rand(DataType.FLOAT, 128, 32, 14, 14);
        for (String v : new String[]{"relu", "leaky", "elu", "mulmask"}) {
            SameDiff sd = SameDiff.create();
            SDVariable x = sd.var("x", xv.dup());
            SDVariable y = switch (v) {
                case "relu" -> sd.nn().relu(x, 0);
                case "leaky" -> sd.nn().leakyRelu(x, 0.0);
                case "elu" -> sd.nn().elu(x);
                default -> x.mul(sd.castTo(sd.gt(new org.nd4j.autodiff.samediff.SDVariable[]{x}[0], 0.0), DataType.FLOAT));
            };
            SDVariable loss = sd.sum("loss", y.mul(sd.constant(gv)));
            sd.setLossVariables("loss");
            SameDiff g = gradFunction(sd);
            for (int i = 0; i < 10; i++) g.output(Map.of(), x.getGradient().name());
            long t0 = System.nanoTime();
            trace(g, "/tmp/prof/relu-" + v + ".json", 30, x.getGradient().name());
            System.out.printf("%s %.2f ms%n", v, (System.nanoTime() - t0) / 1e6 / 30);
        }
    }
}
