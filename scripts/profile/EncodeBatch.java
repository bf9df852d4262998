// Encoder throughput over the speech test split: windows batched file by file (AudioTokenizer.latentFrames) against
// windows of all files packed into batches of a fixed size. Run through scripts/profile.sh:
//   scripts/profile.sh EncodeBatch MODEL.vqt [passes] [batch sizes, comma-separated]
import io.vqtok.autoencoders.AudioTokenizer;
import io.vqtok.datasets.Split;
import io.vqtok.datasets.audio.AudioFolderDataset;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.reflect.Method;
import java.nio.file.Path;

public class EncodeBatch {
    static int call(AudioTokenizer t, String name) throws Exception {
        Method m = AudioTokenizer.class.getDeclaredMethod(name);
        m.setAccessible(true);
        return (int) m.invoke(t);
    }

    public static void main(String[] a) throws Exception {
        AudioTokenizer t = AudioTokenizer.load(Path.of(a[0]));
        int passes = a.length > 1 ? Integer.parseInt(a[1]) : 3;
        String[] sizes = (a.length > 2 ? a[2] : "8,16,32").split(",");
        AudioFolderDataset test = AudioFolderDataset.open(AudioFolderDataset.DEFAULT_DIR, Split.TEST, t.sampleRate());
        float[][] clips = new float[test.size()][];
        double seconds = 0;
        for (int i = 0; i < clips.length; i++) {
            clips[i] = test.clip(i);
            seconds += clips[i].length / (double) t.sampleRate();
        }
        int core = call(t, "coreFrames"), context = call(t, "encoderContextFrames"), hop = t.hop(), length = (core + 2 * context) * hop;
        // every window of every file, as (clip, first sample)
        java.util.List<int[]> windows = new java.util.ArrayList<>();
        for (int c = 0; c < clips.length; c++) {
            int f = t.frames(clips[c].length);
            for (int w = 0; w * core < f; w++) windows.add(new int[]{c, (w * core - context) * hop});
        }
        System.out.printf("%d files, %.1f s, %d windows of %d samples (%d core frames, %d context)%n", clips.length, seconds, windows.size(), length, core, context);
        for (float[] x : clips) t.latentFrames(x);
        for (int p = 0; p < passes; p++) {
            long t0 = System.nanoTime();
            for (float[] x : clips) t.latentFrames(x);
            double perFile = seconds / ((System.nanoTime() - t0) / 1e9);
            StringBuilder line = new StringBuilder(String.format("pass %d: file by file %.1fx", p + 1, perFile));
            for (String size : sizes) {
                int b = Integer.parseInt(size.trim());
                long t1 = System.nanoTime();
                for (int w0 = 0; w0 < windows.size(); w0 += b) {
                    float[] batch = new float[b * length];   // the last batch padded with silence: one shape throughout
                    for (int w = 0; w < b && w0 + w < windows.size(); w++) {
                        int[] win = windows.get(w0 + w);
                        float[] s = clips[win[0]];
                        int from = win[1], lo = Math.max(0, from), hi = Math.min(s.length, from + length);
                        if (hi > lo) System.arraycopy(s, lo, batch, w * length + lo - from, hi - lo);
                    }
                    t.latents(Nd4j.create(batch, new long[]{b, 1, 1, length}, 'c'));
                }
                line.append(String.format(", batches of %d across files %.1fx", b, seconds / ((System.nanoTime() - t1) / 1e9)));
            }
            System.out.println(line + " real time");
        }
    }
}
