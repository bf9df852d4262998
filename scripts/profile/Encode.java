// Encodes (and decodes) the speech test split with an audio model and prints x real time for the encoder graph alone, the
// quantizer's search alone, the whole encode and the whole decode; with a trace file, writes a SameDiff op trace of the
// encoder over one more pass (scripts/profile/ops.py TRACE FILES summarises it). Run through scripts/profile.sh:
//   scripts/profile.sh Encode MODEL.vqt [passes] [trace.json]
import io.vqtok.autoencoders.AudioTokenizer;
import io.vqtok.datasets.Split;
import io.vqtok.datasets.audio.AudioFolderDataset;
import org.nd4j.autodiff.listeners.profiler.ProfilingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;

public class Encode {
    public static void main(String[] a) throws Exception {
        AudioTokenizer t = AudioTokenizer.load(Path.of(a[0]));
        int passes = a.length > 1 ? Integer.parseInt(a[1]) : 3;
        AudioFolderDataset test = AudioFolderDataset.open(AudioFolderDataset.DEFAULT_DIR, Split.TEST, t.sampleRate());
        float[][] clips = new float[test.size()][];
        double seconds = 0;
        for (int i = 0; i < clips.length; i++) {
            clips[i] = test.clip(i);
            seconds += clips[i].length / (double) t.sampleRate();
        }
        t.encode(clips[0]);
        for (int p = 0; p < passes; p++) {
            long graph = 0, search = 0, all = 0, dec = 0;
            for (float[] x : clips) {
                long t0 = System.nanoTime();
                INDArray rows = t.latentFrames(x);
                long t1 = System.nanoTime();
                t.quantizer().indices(rows);
                long t2 = System.nanoTime();
                INDArray codes = t.encode(x);
                long t3 = System.nanoTime();
                t.decode(codes);
                long t4 = System.nanoTime();
                graph += t1 - t0;
                search += t2 - t1;
                all += t3 - t2;
                dec += t4 - t3;
            }
            System.out.printf("pass %d: encoder %.1fx, search %.1fx, encode %.1fx, decode %.1fx real time (%.1f s of audio)%n", p + 1,
                    seconds / (graph / 1e9), seconds / (search / 1e9), seconds / (all / 1e9), seconds / (dec / 1e9), seconds);
        }
        if (a.length > 2) {
            java.io.File f = new java.io.File(a[2]);
            f.delete();
            java.lang.reflect.Method m = io.vqtok.autoencoders.Tokenizer.class.getDeclaredMethod("encoderGraph");
            m.setAccessible(true);
            org.nd4j.autodiff.samediff.SameDiff sd = (org.nd4j.autodiff.samediff.SameDiff) m.invoke(t);
            sd.setListeners(new ProfilingListener.Builder(f).recordAll().warmup(0).maxProfileIterations(100000).build());
            for (float[] x : clips) t.latentFrames(x);
            System.out.println("trace in " + f);
        }
    }
}
