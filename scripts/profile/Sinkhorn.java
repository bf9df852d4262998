// Times the Sinkhorn assignment of a trained model's batch (128 training images, the model's codes) with the dense kernel,
// the sparse kernel and the automatic choice, next to the nearest-code search; checks that the three agree row for row.
// Run through scripts/profile.sh; not part of the build.
//   Sinkhorn MODEL [REPS]      e.g. a model from ./vqtok train --quantizer sinkhorn --codebook-size 8192 --steps 300
import io.vqtok.autoencoders.Tokenizer;
import io.vqtok.codebook.Distances;
import io.vqtok.codebook.SinkhornAssignment;
import io.vqtok.datasets.FashionMnist;
import io.vqtok.datasets.ImageDataset;
import io.vqtok.datasets.Split;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.Arrays;

public class Sinkhorn {
    public static void main(String[] a) throws Exception {
        Tokenizer t = Tokenizer.load(Path.of(a[0]));
        int reps = a.length > 1 ? Integer.parseInt(a[1]) : 10;
        ImageDataset d = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TRAIN);
        int[] idx = new int[128];
        for (int i = 0; i < idx.length; i++) idx[i] = (i * 37) % d.size();
        INDArray x = Nd4j.create(d.images(idx), new long[]{idx.length, d.channels(), d.height(), d.width()}, 'c');
        INDArray z = t.latentRows(x).castTo(DataType.FLOAT);
        int k = t.quantizer().codebookSize();
        INDArray codes = t.quantizer().codes(Nd4j.arange(0, k).castTo(DataType.INT64).reshape(k, 1)).castTo(DataType.FLOAT);
        var c = SinkhornAssignment.class.getDeclaredConstructor(double.class, int.class, boolean.class, double.class);
        c.setAccessible(true);   // the package-private constructor that forces either kernel
        SinkhornAssignment[] variants = {c.newInstance(0.0, 5, false, 0.0), c.newInstance(0.0, 5, false, 1.0), new SinkhornAssignment(0, 5)};
        String[] names = {"dense kernel", "sparse kernel", "automatic"};
        System.out.printf("z %s, codes %s%n", Arrays.toString(z.shape()), Arrays.toString(codes.shape()));
        int[] first = null;
        for (int v = 0; v < variants.length; v++) {
            int[] got = null;
            for (int i = 0; i < 2; i++) got = variants[v].assign(z, codes);
            double best = Double.MAX_VALUE;
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                got = variants[v].assign(z, codes);
                best = Math.min(best, (System.nanoTime() - t0) / 1e6);
            }
            if (first == null) first = got;
            int same = 0;
            for (int i = 0; i < got.length; i++) same += got[i] == first[i] ? 1 : 0;
            System.out.printf("%-14s %7.1f ms (fastest of %d), %d distinct codes, rows agreeing with the dense kernel %.4f%n",
                    names[v], best, reps, Arrays.stream(got).distinct().count(), same / (double) got.length);
        }
        double best = Double.MAX_VALUE;
        for (int i = 0; i < reps + 2; i++) {
            long t0 = System.nanoTime();
            Distances.nearestIndices(z, codes);
            if (i >= 2) best = Math.min(best, (System.nanoTime() - t0) / 1e6);
        }
        System.out.printf("%-14s %7.1f ms (fastest of %d)%n", "nearest code", best, reps);
    }
}
