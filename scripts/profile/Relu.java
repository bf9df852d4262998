// Op traces of ReLU, leaky ReLU, ELU and x*[x>0], forward and backward, on a [128, 32, 14, 14] tensor. Run through scripts/profile.sh; not part of the build.
import org.nd4j.autodiff.samediff.*;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.autodiff.listeners.profiler.ProfilingListener;
import java.util.*;

public class Relu {
    public static void main(String[] a) throws Exception {
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
            java.io.PrintStream out = System.out;
            System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            sd.createGradFunction();
            System.setOut(out);
            SameDiff g = sd.getFunction("grad");
            g.setEnableCache(true);
            for (int i = 0; i < 10; i++) g.output(Map.of(), x.getGradient().name());
            java.io.File f = new java.io.File("/tmp/prof/relu-" + v + ".json"); f.delete();
            g.setListeners(new ProfilingListener.Builder(f).recordAll().warmup(0).maxProfileIterations(1000).build());
            long t0 = System.nanoTime();
            for (int i = 0; i < 30; i++) g.output(Map.of(), x.getGradient().name());
            g.setListeners();
            System.out.printf("%s %.2f ms%n", v, (System.nanoTime() - t0) / 1e6 / 30);
        }
    }
}
