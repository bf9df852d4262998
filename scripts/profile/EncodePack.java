// Encoder throughput over the speech test split: every file in its own 1 s windows, 32 windows a call across files
// ("file", the bulk path before encodeAll) against the files packed end to end in windows of s seconds, n a call
// ("s/n", AudioTokenizer.latentFrames(List, perCall, coreFrames), files grouped until their frames fill one call); then
// the default encode of all files as one stream (AudioTokenizer.encodeAll, search included), as `vqtok eval` times it.
// Resident memory after each. Run through scripts/profile.sh:
//   scripts/profile.sh EncodePack MODEL.vqt [passes] [file,1/32,2/16,4/8,8/4]
import io.vqtok.autoencoders.AudioTokenizer;
import io.vqtok.datasets.Split;
import io.vqtok.datasets.audio.AudioFolderDataset;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

public class EncodePack {
    static int call(AudioTokenizer t, String name) throws Exception {
        Method m = AudioTokenizer.class.getDeclaredMethod(name);
        m.setAccessible(true);
        return (int) m.invoke(t);
    }

    /** Resident memory in MB (VmRSS). */
    static long rssMb() throws Exception {
        for (String l : java.nio.file.Files.readAllLines(Path.of("/proc/self/status")))
            if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024;
        return -1;
    }

    public static void main(String[] a) throws Exception {
        AudioTokenizer t = AudioTokenizer.load(Path.of(a[0]));
        int passes = a.length > 1 ? Integer.parseInt(a[1]) : 3;
        String[] geometries = (a.length > 2 ? a[2] : "file,1/32,2/16,4/8,8/4").split(",");
        AudioFolderDataset test = AudioFolderDataset.open(AudioFolderDataset.DEFAULT_DIR, Split.TEST, t.sampleRate());
        List<float[]> clips = new ArrayList<>();
        double seconds = 0;
        for (int i = 0; i < test.size(); i++) {
            clips.add(test.clip(i));
            seconds += clips.get(i).length / (double) t.sampleRate();
        }
        int context = call(t, "encoderContextFrames"), hop = t.hop(), fps = t.sampleRate() / hop;
        Method packed = AudioTokenizer.class.getDeclaredMethod("latentFrames", List.class, int.class, int.class);
        packed.setAccessible(true);
        System.out.printf("%d files, %.1f s, %d frames of context each side%n", clips.size(), seconds, context);
        for (int p = 0; p <= passes; p++) {   // pass 0 warms up every shape
            StringBuilder line = new StringBuilder(p == 0 ? "warm-up:" : "pass " + p + ":");
            for (String g : geometries) {
                if (!g.trim().equals("file")) continue;
                // before: each file in its own 1 s windows, 32 windows a call across files
                int core = fps, length = (core + 2 * context) * hop, b = 32;
                List<int[]> windows = new ArrayList<>();
                for (int c = 0; c < clips.size(); c++)
                    for (int w = 0; w * core < t.frames(clips.get(c).length); w++) windows.add(new int[]{c, (w * core - context) * hop});
                long t0 = System.nanoTime();
                for (int w0 = 0; w0 < windows.size(); w0 += b) {
                    int count = Math.min(b, windows.size() - w0);
                    float[] batch = new float[count * length];
                    for (int w = 0; w < count; w++) {
                        int[] win = windows.get(w0 + w);
                        float[] s = clips.get(win[0]);
                        int from = win[1], lo = Math.max(0, from), hi = Math.min(s.length, from + length);
                        if (hi > lo) System.arraycopy(s, lo, batch, w * length + lo - from, hi - lo);
                    }
                    t.latents(Nd4j.create(batch, new long[]{count, 1, 1, length}, 'c'));
                }
                line.append(String.format(" file windows 1 s/32 %.1fx (rss %d MB)", seconds / ((System.nanoTime() - t0) / 1e9), rssMb()));
            }
            for (String g : geometries) {
                if (g.trim().equals("file")) continue;
                String[] parts = g.trim().split("/");
                int windowCore = (int) Math.round(Double.parseDouble(parts[0]) * fps), perCall = Integer.parseInt(parts[1]);
                long t1 = System.nanoTime();
                for (int i = 0; i < clips.size(); ) {
                    List<float[]> group = new ArrayList<>();
                    int frames = 0;
                    while (i < clips.size() && frames < perCall * windowCore) {
                        group.add(clips.get(i));
                        frames += t.encoderStreamFrames(clips.get(i).length);
                        i++;
                    }
                    packed.invoke(t, group, perCall, windowCore);
                }
                line.append(String.format(", packed %s %.1fx (rss %d MB)", g.trim(), seconds / ((System.nanoTime() - t1) / 1e9), rssMb()));

            }
            long t2 = System.nanoTime();
            t.encodeAll(clips.iterator()).forEachRemaining(codes -> { });
            line.append(String.format("; encodeAll (search included) %.1fx (rss %d MB)", seconds / ((System.nanoTime() - t2) / 1e9), rssMb()));
            System.out.println(line + " real time");
        }
    }
}
