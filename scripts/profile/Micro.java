// Forward+backward of the image autoencoder's 4x4 stride-2 convs and deconvs against space-to-depth and sub-pixel rewrites (values and gradients compared). Run through scripts/profile.sh; not part of the build.
import org.nd4j.autodiff.samediff.*;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.*;
import java.util.*;

public class Micro {
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
        java.io.PrintStream out = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        sd.createGradFunction();
        System.setOut(out);
        SameDiff g = sd.getFunction("grad");
        g.setEnableCache(true);
        String[] fetch = {"y", x.getGradient().name(), w.getGradient().name()};
        Map<String, INDArray> r = null;
        for (int i = 0; i < 5; i++) r = g.output(Map.of(), fetch);
        int reps = 20;
        long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) r = g.output(Map.of(), fetch);
        double ms = (System.nanoTime() - t0) / 1e6 / reps;
        return new Res(r.get("y").dup(), r.get(fetch[1]).dup(), r.get(fetch[2]).dup(), ms);
    }

    public static void main(String[] a) {
        Nd4j.getRandom().setSeed(3);
        int N = 128;
        int[][] convs = {{1, 32, 28}, {32, 64, 14}};
        int[][] deconvs = {{64, 32, 7}, {32, 1, 14}};
        for (int[] c : convs) {
            INDArray xv = Nd4j.rand(DataType.FLOAT, N, c[0], c[2], c[2]), wv = Nd4j.rand(DataType.FLOAT, 4, 4, c[0], c[1]).subi(0.5), bv = Nd4j.rand(DataType.FLOAT, c[1]);
            INDArray gv = Nd4j.rand(DataType.FLOAT, N, c[1], c[2] / 2, c[2] / 2);
            Res A = run("A", false, N, c[0], c[1], c[2], xv, wv, bv, gv), B = run("B", false, N, c[0], c[1], c[2], xv, wv, bv, gv);
            System.out.printf("conv %d->%d @%d: A %.2f ms, B %.2f ms; max diff y %.2e gx %.2e gw %.2e%n", c[0], c[1], c[2], A.ms, B.ms,
                A.y.sub(B.y).amaxNumber().doubleValue(), A.gx.sub(B.gx).amaxNumber().doubleValue(), A.gw.sub(B.gw).amaxNumber().doubleValue());
        }
        for (int[] c : deconvs) {
            INDArray xv = Nd4j.rand(DataType.FLOAT, N, c[0], c[2], c[2]), wv = Nd4j.rand(DataType.FLOAT, 4, 4, c[1], c[0]).subi(0.5), bv = Nd4j.rand(DataType.FLOAT, c[1]);
            INDArray gv = Nd4j.rand(DataType.FLOAT, N, c[1], c[2] * 2, c[2] * 2);
            Res A = run("A", true, N, c[0], c[1], c[2], xv, wv, bv, gv), B = run("B", true, N, c[0], c[1], c[2], xv, wv, bv, gv);
            System.out.printf("deconv %d->%d @%d: A %.2f ms, B %.2f ms; max diff y %.2e gx %.2e gw %.2e%n", c[0], c[1], c[2], A.ms, B.ms,
                A.y.sub(B.y).amaxNumber().doubleValue(), A.gx.sub(B.gx).amaxNumber().doubleValue(), A.gw.sub(B.gw).amaxNumber().doubleValue());
        }
    }
}
