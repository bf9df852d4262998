// Op traces of the image autoencoder's conv shapes in NCHW and in NHWC. Run through scripts/profile.sh; not part of the build.
import org.nd4j.autodiff.samediff.*;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.*;
import org.nd4j.autodiff.listeners.profiler.ProfilingListener;
import java.util.*;

public class Fmt {
    public static void main(String[] a) throws Exception {
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
            java.io.PrintStream out = System.out;
            System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            sd.createGradFunction();
            System.setOut(out);
            SameDiff g = sd.getFunction("grad");
            g.setEnableCache(true);
            List<String> fetch = new ArrayList<>();
            for (int li = 0; li < layers.length; li++) { fetch.add(sd.getVariable("w" + li).getGradient().name()); if (li > 0) fetch.add(sd.getVariable("x" + li).getGradient().name()); }
            String[] f = fetch.toArray(new String[0]);
            for (int i = 0; i < 5; i++) g.output(Map.of(), f);
            java.io.File tf = new java.io.File("/tmp/prof/fmt-" + fmt + ".json"); tf.delete();
            g.setListeners(new ProfilingListener.Builder(tf).recordAll().warmup(0).maxProfileIterations(1000).build());
            for (int i = 0; i < 15; i++) g.output(Map.of(), f);
            g.setListeners();
        }
    }
}
