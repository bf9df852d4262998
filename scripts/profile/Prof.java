// Times one image training step (K, quantizer, steps as arguments) and, apart, the encoder forward and the nearest-code search it contains. Run through scripts/profile.sh; not part of the build.
import io.vqtok.autoencoders.*;
import io.vqtok.quantizers.*;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.buffer.DataType;

public class Prof {
    public static void main(String[] a) {
        int K = Integer.parseInt(a.length > 0 ? a[0] : "512");
        String qn = a.length > 1 ? a[1] : "vq";
        int steps = a.length > 2 ? Integer.parseInt(a[2]) : 60;
        Nd4j.getRandom().setSeed(1);
        var cfg = new TokenizerConfig(ImageAutoencoderConfig.fashionMnist(64), Presets.single(qn, K, 64));
        ImageTokenizer t = ImageTokenizer.create(cfg, 1);
        TokenizerTrainer tr = new TokenizerTrainer(t, TrainConfig.images(1));
        INDArray x = Nd4j.rand(DataType.FLOAT, 128, 1, 28, 28);
        tr.initialize(x);
        for (int i = 0; i < 20; i++) tr.step(x);
        long tEnc = 0, tIdx = 0, tStep = 0;
        for (int i = 0; i < steps; i++) {
            long t0 = System.nanoTime();
            INDArray z = t.latentRows(x);
            long t1 = System.nanoTime();
            t.quantizer().indices(z);
            long t2 = System.nanoTime();
            tr.step(x);
            long t3 = System.nanoTime();
            tEnc += t1 - t0; tIdx += t2 - t1; tStep += t3 - t2;
        }
        System.out.printf("K=%d %s: encoder fwd %.2f ms, search %.2f ms, step %.2f ms (%.0f img/s)%n", K, qn,
            tEnc / 1e6 / steps, tIdx / 1e6 / steps, tStep / 1e6 / steps, 128 * steps / (tStep / 1e9));
    }
}
