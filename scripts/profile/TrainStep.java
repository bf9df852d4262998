// Times training steps of the image default or the speech preset on random inputs and, with a trace file, writes a SameDiff
// op trace of as many more steps (scripts/profile/ops.py summarises it); NOHELP=1 turns oneDNN off. Run through
// scripts/profile.sh; not part of the build.
//   TrainStep image K QUANTIZER STEPS [TRACE]
//   TrainStep speech STEPS [TRACE]
// Both also time, apart from the step, the out-of-graph assignment's work: an encoder forward and the nearest-code search.
import io.vqtok.autoencoders.*;
import io.vqtok.quantizers.*;
import org.nd4j.autodiff.listeners.profiler.ProfilingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

public class TrainStep {
    public static void main(String[] a) throws Exception {
        boolean image = a[0].equals("image");
        if (!image && !a[0].equals("speech")) throw new IllegalArgumentException("first argument: image | speech, got " + a[0]);
        int steps = Integer.parseInt(image ? a[3] : a[1]);
        String trace = a.length > (image ? 4 : 2) ? a[image ? 4 : 2] : null;
        Nd4j.getRandom().setSeed(1);
        if (System.getenv("NOHELP") != null) Nd4j.getEnvironment().allowHelpers(false);
        Tokenizer t;
        TokenizerTrainer tr;
        INDArray x;
        String label;
        if (image) {
            int k = Integer.parseInt(a[1]);
            t = ImageTokenizer.create(new TokenizerConfig(ImageAutoencoderConfig.fashionMnist(64), Presets.single(a[2], k, 64)), 1);
            tr = new TokenizerTrainer(t, TrainConfig.images(1));
            x = Nd4j.rand(DataType.FLOAT, 128, 1, 28, 28);
            label = "K=" + k + " " + a[2];
        } else {
            t = AudioTokenizer.create(new TokenizerConfig(AudioAutoencoderConfig.speechCodec16k(64), Presets.speechResidual(64)), 1);
            tr = new TokenizerTrainer(t, TrainConfig.speechCodec(1));
            x = Nd4j.rand(DataType.FLOAT, 16, 1, 1, 8000).subi(0.5).muli(0.2);
            label = "speech preset";
        }
        tr.initialize(x);
        for (int i = 0; i < (image ? 20 : 3); i++) tr.step(x);
        long encoder = 0, search = 0, step = 0;
        for (int i = 0; i < steps; i++) {
            long t0 = System.nanoTime();
            // the out-of-graph assignment's work (the step repeats it), timed alone
            INDArray z = t.latentRows(x);
            long t1 = System.nanoTime();
            t.quantizer().indices(z);
            long t2 = System.nanoTime();
            encoder += t1 - t0;
            search += t2 - t1;
            t0 = t2;
            tr.step(x);
            step += System.nanoTime() - t0;
        }
        double ms = step / 1e6 / steps;
        System.out.printf("%s: encoder fwd %.2f ms, search %.2f ms, step %.2f ms (%.1f %s/s)%n", label,
                encoder / 1e6 / steps, search / 1e6 / steps, ms, x.size(0) * 1000 / ms, image ? "img" : "crops");
        if (trace == null) return;
        java.io.File f = new java.io.File(trace);
        f.delete();
        var grad = tr.graph().getFunction("grad");
        grad.setListeners(new ProfilingListener.Builder(f).recordAll().warmup(0).maxProfileIterations(1000).build());
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) tr.step(x);
        System.out.printf("traced step %.1f ms, trace in %s%n", (System.nanoTime() - t0) / 1e6 / steps, f);
        grad.setListeners();
    }
}
