// The speech preset's encoder layers, forward only (best of reps), with time along the width ([N, C, 1, T], kernels
// [1, k, in, out]) against time along the height ([N, C, T, 1], kernels [k, 1, in, out]), in NCHW or, with "nhwc", as
// [N, 1, T, C] against [N, T, 1, C]; then ELU against other element-wise forms. Run through scripts/profile.sh (not part
// of the build):
//   scripts/profile.sh AudioLayers [windows] [reps] [nchw | nhwc]
// windows: encoder windows in one call (32 in the bulk path before AudioTokenizer.encodeAll); each window is 72 frames of 320 samples.
import org.nd4j.autodiff.samediff.*;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.factory.Nd4j;
import java.util.*;

public class AudioLayers {
    static double time(SameDiff sd, Map<String, INDArray> in, String out, int reps) {
        sd.output(in, out);
        double best = Double.MAX_VALUE;
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            sd.output(in, out);
            best = Math.min(best, (System.nanoTime() - t0) / 1e6);
        }
        return best;
    }

    /** One conv of width k, stride s, in → out channels over T samples, time along the width (wide) or height. */
    static double[] conv(int n, int in, int out, int t, int k, int s, boolean wide, int reps) {
        if (nhwc) return convNhwc(n, in, out, t, k, s, wide, reps);
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, wide ? new long[]{n, in, 1, t} : new long[]{n, in, t, 1});
        SDVariable w = sd.var("w", Nd4j.rand(DataType.FLOAT, wide ? new long[]{1, k, in, out} : new long[]{k, 1, in, out}));
        SDVariable b = sd.var("b", Nd4j.rand(DataType.FLOAT, out));
        int pad = s == 1 ? (k - 1) / 2 : (k - s) / 2;
        Conv2DConfig c = wide ? Conv2DConfig.builder().kH(1).kW(k).sH(1).sW(s).pH(0).pW(pad).dH(1).dW(1).dataFormat("NCHW").build()
                : Conv2DConfig.builder().kH(k).kW(1).sH(s).sW(1).pH(pad).pW(0).dH(1).dW(1).dataFormat("NCHW").build();
        sd.cnn().conv2d("y", x, w, b, c);
        INDArray xa = Nd4j.rand(DataType.FLOAT, wide ? new long[]{n, in, 1, t} : new long[]{n, in, t, 1});
        double ms = time(sd, Map.of("x", xa), "y", reps);
        double flops = 2.0 * n * (t / s) * k * in * out;
        return new double[]{ms, flops / ms / 1e6};
    }

    static boolean nhwc;

    /** The same conv over NHWC data, [N, 1, T, C] (wide) or [N, T, 1, C]. */
    static double[] convNhwc(int n, int in, int out, int t, int k, int s, boolean wide, int reps) {
        SameDiff sd = SameDiff.create();
        long[] shape = wide ? new long[]{n, 1, t, in} : new long[]{n, t, 1, in};
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, shape);
        SDVariable w = sd.var("w", Nd4j.rand(DataType.FLOAT, wide ? new long[]{1, k, in, out} : new long[]{k, 1, in, out}));
        SDVariable b = sd.var("b", Nd4j.rand(DataType.FLOAT, out));
        int pad = s == 1 ? (k - 1) / 2 : (k - s) / 2;
        sd.cnn().conv2d("y", x, w, b, wide ? Conv2DConfig.builder().kH(1).kW(k).sH(1).sW(s).pH(0).pW(pad).dH(1).dW(1).dataFormat("NHWC").build()
                : Conv2DConfig.builder().kH(k).kW(1).sH(s).sW(1).pH(pad).pW(0).dH(1).dW(1).dataFormat("NHWC").build());
        double ms = time(sd, Map.of("x", Nd4j.rand(DataType.FLOAT, shape)), "y", reps);
        return new double[]{ms, 2.0 * n * (t / s) * k * in * out / ms / 1e6};
    }

    static double act(int n, int c, int t, String kind, int reps) {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, n, c, 1, t);
        switch (kind) {
            case "elu" -> sd.nn().elu("y", x);
            case "relu" -> sd.nn().relu("y", x, 0);
            case "exp" -> sd.math().exp("y", x);
            case "tanh" -> sd.math().tanh("y", x);
            default -> throw new IllegalArgumentException(kind);
        }
        return time(sd, Map.of("x", Nd4j.randn(DataType.FLOAT, n, c, 1, t)), "y", reps);
    }

    public static void main(String[] a) {
        int n = a.length > 0 ? Integer.parseInt(a[0]) : 32, reps = a.length > 1 ? Integer.parseInt(a[1]) : 5;
        int t = 72 * 320;
        int[] strides = {2, 4, 5, 8};
        System.out.printf("%d windows of %d samples%n", n, t);
        if (a.length > 2 && a[2].equals("nhwc")) { nhwc = true; System.out.println("NHWC: wide [N, 1, T, C], tall [N, T, 1, C]"); }
        System.out.println("layer                  wide ms  GFLOP/s   tall ms  GFLOP/s");
        int ch = 16, len = t;
        double[] wi = conv(n, 1, ch, len, 7, 1, true, reps), ta = conv(n, 1, ch, len, 7, 1, false, reps);
        System.out.printf("in 1->%d k7 T=%d   %8.2f %8.1f  %8.2f %8.1f%n", ch, len, wi[0], wi[1], ta[0], ta[1]);
        for (int s : strides) {
            wi = conv(n, ch, ch, len, 7, 1, true, reps);
            ta = conv(n, ch, ch, len, 7, 1, false, reps);
            System.out.printf("res %d k7 T=%d   %8.2f %8.1f  %8.2f %8.1f%n", ch, len, wi[0], wi[1], ta[0], ta[1]);
            wi = conv(n, ch, ch, len, 1, 1, true, reps);
            ta = conv(n, ch, ch, len, 1, 1, false, reps);
            System.out.printf("res %d k1 T=%d   %8.2f %8.1f  %8.2f %8.1f%n", ch, len, wi[0], wi[1], ta[0], ta[1]);
            int k = 2 * s - (s % 2);
            wi = conv(n, ch, 2 * ch, len, k, s, true, reps);
            ta = conv(n, ch, 2 * ch, len, k, s, false, reps);
            System.out.printf("down %d->%d k%d/%d  %8.2f %8.1f  %8.2f %8.1f%n", ch, 2 * ch, k, s, wi[0], wi[1], ta[0], ta[1]);
            ch *= 2;
            len /= s;
        }
        System.out.println("activation on [N, 16, 1, T]: ms");
        for (String kind : new String[]{"elu", "relu", "exp", "tanh"}) System.out.printf("%-6s %8.2f%n", kind, act(n, 16, t, kind, reps));
    }
}
