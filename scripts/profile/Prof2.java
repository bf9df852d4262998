// Writes a SameDiff op trace of 20 image training steps (K, quantizer, trace file); NOHELP=1 turns oneDNN off. Run through scripts/profile.sh; not part of the build.
import io.vqtok.autoencoders.*;
import io.vqtok.quantizers.*;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.autodiff.listeners.profiler.ProfilingListener;
import org.nd4j.autodiff.listeners.Operation;

public class Prof2 {
    public static void main(String[] a) throws Exception {
        int K = Integer.parseInt(a[0]);
        String qn = a[1];
        Nd4j.getRandom().setSeed(1); if (System.getenv("NOHELP") != null) Nd4j.getEnvironment().allowHelpers(false);  // NOHELP=1: without oneDNN
        var cfg = new TokenizerConfig(ImageAutoencoderConfig.fashionMnist(64), Presets.single(qn, K, 64));
        ImageTokenizer t = ImageTokenizer.create(cfg, 1);
        TokenizerTrainer tr = new TokenizerTrainer(t, TrainConfig.images(1));
        INDArray x = Nd4j.rand(DataType.FLOAT, 128, 1, 28, 28);
        tr.initialize(x);
        for (int i = 0; i < 20; i++) tr.step(x);
        java.io.File f = new java.io.File(a[2]);
        f.delete();
        var gf = tr.graph().getFunction("grad");
        gf.setListeners(new ProfilingListener.Builder(f).recordAll().warmup(0).maxProfileIterations(1000).build());
        long t0 = System.nanoTime();
        for (int i = 0; i < 20; i++) tr.step(x);
        System.out.printf("step %.1f ms%n", (System.nanoTime() - t0) / 1e6 / 20);
        gf.setListeners();
    }
}
