// What ND4J's ELU costs on a model's own activations: runs the encoder and decoder of MODEL (or "fresh": an untrained
// model of the first MODEL's config) on 16 half-second crops of the speech training split, keeps the input of every ELU,
// and times ND4J's ELU on each (best of 5) as the model lays it out (NHWC [N, 1, T, C], channels innermost), as a
// contiguous NCHW copy (time innermost) and as a permuted view; on the same inputs LeakyReLU (0.1), and the two
// gradients elu_bp and lrelu_bp with a random upstream gradient, and an ELU of four branch-free ops. Also counts the
// inputs' signs and extremes. Run through scripts/profile.sh:
//   scripts/profile.sh EluOrder MODEL.vqt [fresh] [MODEL2.vqt ...]
import io.vqtok.autoencoders.*;
import org.nd4j.autodiff.listeners.*;
import org.nd4j.autodiff.samediff.*;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.transforms.strict.ELU;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import java.nio.file.Path;
import java.util.*;
import org.nd4j.linalg.ops.transforms.Transforms;
public class EluOrder {
    static double time(INDArray x, int reps) {
        INDArray out = Nd4j.create(x.dataType(), x.shape(), 'c');
        double best = 1e9;
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            Nd4j.exec(new ELU(x, out));
            Nd4j.getExecutioner().commit();
            best = Math.min(best, (System.nanoTime() - t0) / 1e6);
        }
        return best;
    }
    /** Best of reps of a custom op "name" (elu_bp, leakyrelu_bp: inputs x and an upstream gradient; relu: x), output like x. */
    static double timeOp(String name, INDArray[] in, Double[] targs, int reps) {
        INDArray out = Nd4j.create(in[0].dataType(), in[0].shape(), 'c');
        double best = 1e9;
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            Nd4j.exec(org.nd4j.linalg.api.ops.DynamicCustomOp.builder(name).addInputs(in).addOutputs(out).addFloatingPointArguments(targs).build());
            best = Math.min(best, (System.nanoTime() - t0) / 1e6);
        }
        return best;
    }
    /** ELU as max(x, 0) + exp(min(x, 0)) − 1: four element-wise ops without a per-element branch. */
    static double timeBranchFree(INDArray x, int reps) {
        INDArray neg = Nd4j.create(x.dataType(), x.shape(), 'c'), pos = Nd4j.create(x.dataType(), x.shape(), 'c');
        double best = 1e9;
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            Nd4j.exec(new org.nd4j.linalg.api.ops.impl.scalar.ScalarMin(x, null, neg, 0.0));
            Nd4j.exec(new org.nd4j.linalg.api.ops.impl.transforms.strict.Exp(neg, neg));
            Nd4j.exec(new org.nd4j.linalg.api.ops.impl.scalar.ScalarMax(x, null, pos, 0.0));
            neg.addi(pos).subi(1.0);
            best = Math.min(best, (System.nanoTime() - t0) / 1e6);
            if (r == 0) {   // the same values as ND4J's ELU, up to the exponential's rounding
                INDArray ref = Nd4j.create(x.dataType(), x.shape(), 'c');
                Nd4j.exec(new ELU(x, ref));
                double err = Transforms.abs(ref.sub(neg)).maxNumber().doubleValue();
                if (err > 1e-5) throw new IllegalStateException("branch-free ELU differs from ND4J's by " + err);
            }
        }
        return best;
    }
    static double timeLeaky(INDArray x, int reps) {
        INDArray out = Nd4j.create(x.dataType(), x.shape(), 'c');
        double best = 1e9;
        for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            Nd4j.exec(new org.nd4j.linalg.api.ops.impl.scalar.LeakyReLU(x, out, 0.1));
            best = Math.min(best, (System.nanoTime() - t0) / 1e6);
        }
        return best;
    }
    public static void main(String[] a) throws Exception {
        for (String file : a) {
            Tokenizer t = file.equals("fresh") ? AudioTokenizer.create(Tokenizer.load(Path.of(a[0])).config(), 0) : Tokenizer.load(Path.of(file));
            var ds = io.vqtok.datasets.audio.AudioFolderDataset.open(io.vqtok.datasets.audio.AudioFolderDataset.DEFAULT_DIR, io.vqtok.datasets.Split.TRAIN, 16000);
            float[] wav = new float[16 * 8000];
            for (int i = 0; i < 16; i++) { float[] c = ds.clip(i * 7); System.arraycopy(c, Math.min(4000, Math.max(0, c.length - 8000)), wav, i * 8000, Math.min(8000, c.length)); }
            INDArray x = Nd4j.createFromArray(wav).reshape(16, 1, 1, 8000);
            SameDiff sd = SameDiff.create();
            SDVariable xv = sd.placeHolder("x", DataType.FLOAT, -1, 1, 1, 8000);
            SDVariable y = t.autoencoder().decode(sd, t.autoencoder().encode(sd, xv));
            List<INDArray> ins = new ArrayList<>();
            sd.setListeners(new BaseListener() {
                public boolean isActive(Operation o) { return true; }
                public void opExecution(SameDiff s, At at, MultiDataSet b, SameDiffOp op, OpContext ctx, INDArray[] outputs) {
                    if (op.getOp().opName().equals("elu")) ins.add(ctx.getInputArrays().get(0).dup());
                }
            });
            sd.output(Map.of("x", x), y.name());
            double nhwc = 0, nchw = 0, view = 0, leaky = 0, eluBp = 0, leakyBp = 0, branchFree = 0; long n = 0, negative = 0, veryNegative = 0, subnormal = 0, zero = 0;
            for (INDArray in : ins) {               // [N, 1, T, C]
                for (float f : in.data().asFloat()) {
                    if (f < 0) negative++;
                    if (f < -87.3f) veryNegative++;
                    if (f != 0 && Math.abs(f) < Float.MIN_NORMAL) subnormal++;
                    if (f == 0) zero++;
                }
                INDArray cf = in.permute(0, 3, 1, 2).dup('c');   // [N, C, 1, T] contiguous
                nhwc += time(in, 5); leaky += timeLeaky(in, 5); branchFree += timeBranchFree(in, 5);
                INDArray g = Nd4j.rand(in.dataType(), in.shape());
                eluBp += timeOp("elu_bp", new INDArray[]{in, g}, new Double[]{1.0}, 5);
                leakyBp += timeOp("lrelu_bp", new INDArray[]{in, g}, new Double[]{0.1}, 5);
                 nchw += time(cf, 5); view += time(in.permute(0, 3, 1, 2), 5); n += in.length();
            }
            System.out.printf("%s: inputs negative %.3f, below -87.3 (e^x subnormal) %d, subnormal inputs %d, zeros %d%n", file,
                    negative / (double) n, veryNegative, subnormal, zero);
            System.out.printf("%s: %d ELUs, %d elements: NHWC %.1f ms (%.2f ns/elem), NCHW copy %.1f ms (%.2f), permuted view %.1f ms (%.2f)%n",
                file, ins.size(), n, nhwc, nhwc * 1e6 / n, nchw, nchw * 1e6 / n, view, view * 1e6 / n);
            System.out.printf("%s: forward ELU %.1f ms (%.2f ns/elem), LeakyReLU 0.1 %.1f ms (%.2f); backprop elu_bp %.1f ms (%.2f), lrelu_bp %.1f ms (%.2f)%n",
                file, nhwc, nhwc * 1e6 / n, leaky, leaky * 1e6 / n, eluBp, eluBp * 1e6 / n, leakyBp, leakyBp * 1e6 / n);
            System.out.printf("%s: ELU as max(x,0) + exp(min(x,0)) - 1, four branch-free ops: %.1f ms (%.2f ns/elem)%n", file, branchFree, branchFree * 1e6 / n);
        }
    }
}
