// Times the speech preset's training step on random 0.5 s crops and writes an op trace of 3 steps. Run through scripts/profile.sh; not part of the build.
import io.vqtok.autoencoders.*;
import io.vqtok.quantizers.*;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.autodiff.listeners.profiler.ProfilingListener;

public class ProfA {
    public static void main(String[] a) throws Exception {
        Nd4j.getRandom().setSeed(1);
        var cfg = new TokenizerConfig(AudioAutoencoderConfig.speechCodec16k(64), Presets.speechResidual(64));
        AudioTokenizer t = AudioTokenizer.create(cfg, 1);
        TokenizerTrainer tr = new TokenizerTrainer(t, TrainConfig.speechCodec(1));
        INDArray x = Nd4j.rand(DataType.FLOAT, 16, 1, 1, 8000).subi(0.5).muli(0.2);
        tr.initialize(x);
        for (int i = 0; i < 3; i++) tr.step(x);
        long t0 = System.nanoTime();
        for (int i = 0; i < 3; i++) tr.step(x);
        System.out.printf("unprofiled step %.0f ms%n", (System.nanoTime() - t0) / 1e6 / 3);
        java.io.File f = new java.io.File("/tmp/prof/trace-audio.json"); f.delete();
        var gf = tr.graph().getFunction("grad");
        gf.setListeners(new ProfilingListener.Builder(f).recordAll().warmup(0).maxProfileIterations(1000).build());
        for (int i = 0; i < 3; i++) tr.step(x);
        gf.setListeners();
    }
}
