// An audio model's encoder graph on random waveforms of fixed shapes, alternated, microseconds per frame computed
// (context frames included): how the cost of a frame depends on the window length and the windows per call. Run through
// scripts/profile.sh:
//   scripts/profile.sh EncoderShapes MODEL.vqt REPS WINDOWSxFRAMES[,WINDOWSxFRAMES...]   e.g. 32x68,8x218
import io.vqtok.autoencoders.AudioTokenizer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

public class EncoderShapes {
    public static void main(String[] a) throws Exception {
        AudioTokenizer t = AudioTokenizer.load(Path.of(a[0]));
        int reps = Integer.parseInt(a[1]);
        String[] shapes = a[2].split(",");
        INDArray[] in = new INDArray[shapes.length];
        long[] frames = new long[shapes.length];
        List<List<Double>> us = new ArrayList<>();
        for (int i = 0; i < shapes.length; i++) {
            String[] p = shapes[i].split("x");
            int n = Integer.parseInt(p[0]), f = Integer.parseInt(p[1]);
            in[i] = Nd4j.randn(DataType.FLOAT, n, 1, 1, (long) f * t.hop()).muli(0.1);
            frames[i] = (long) n * f;
            t.latents(in[i]);   // warm-up: each shape twice
            t.latents(in[i]);
            us.add(new ArrayList<>());
        }
        for (int r = 0; r < reps; r++)
            for (int i = 0; i < shapes.length; i++) {
                long t0 = System.nanoTime();
                t.latents(in[i]);
                us.get(i).add((System.nanoTime() - t0) / 1e3 / frames[i]);
            }
        for (int i = 0; i < shapes.length; i++) {
            List<Double> v = new ArrayList<>(us.get(i));
            v.sort(null);
            System.out.printf("%s: min %.0f, median %.0f us a frame over %d reps%n", shapes[i], v.get(0), v.get(v.size() / 2), reps);
        }
    }
}
