// Where an audio training run's resident memory goes: trains a fresh model of MODEL's config with the speech preset's
// train config, step by step, and prints every N steps the resident memory,
// the bytes the training graph's session keeps in its array cache, the Java heap in use, the step's seconds and the
// cache's counts. Run through scripts/profile.sh:
//   scripts/profile.sh TrainMemory MODEL.vqt [steps] [every]
import io.vqtok.autoencoders.AudioTokenizer;
import io.vqtok.autoencoders.Tokenizer;
import io.vqtok.autoencoders.TokenizerTrainer;
import io.vqtok.autoencoders.TrainConfig;
import io.vqtok.autoencoders.TrainingBatches;
import io.vqtok.datasets.Split;
import io.vqtok.datasets.audio.AudioFolderDataset;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.memory.ArrayCacheMemoryMgr;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;

public class TrainMemory {
    /** Bytes the sessions' array caches hold (by their own count). */
    static long cached(SameDiff sd) throws Exception {
        long bytes = 0;
        for (InferenceSession s : sd.getSessions().values()) {
            if (s.getMmgr() instanceof ArrayCacheMemoryMgr m) bytes += m.getCurrentCacheSize();
            else if (s.getMmgr() != null) bytes += (long) call(s.getMmgr(), "cachedBytes");
        }
        return bytes;
    }

    /** ND4J's cache: entries, and entries whose array was closed; vqtok's: hits, misses, found closed, evicted. */
    static String entries(SameDiff sd) throws Exception {
        StringBuilder b = new StringBuilder();
        for (InferenceSession s : sd.getSessions().values()) {
            if (s.getMmgr() instanceof ArrayCacheMemoryMgr m) {
                long closed = m.getLruCacheValues().values().stream().filter(INDArray::wasClosed).count();
                b.append("entries=").append(m.getLruCache().size()).append(",closed=").append(closed);
            } else if (s.getMmgr() != null) {
                long[] c = (long[]) call(s.getMmgr(), "counts");
                b.append("hits=").append(c[0]).append(",misses=").append(c[1]).append(",closed=").append(c[2]).append(",evicted=").append(c[3]);
            }
        }
        return b.length() == 0 ? "-" : b.toString();
    }

    static Object call(Object o, String method) throws Exception {
        java.lang.reflect.Method m = o.getClass().getDeclaredMethod(method);
        m.setAccessible(true);
        return m.invoke(o);
    }

    public static void main(String[] a) throws Exception {
        Tokenizer template = Tokenizer.load(Path.of(a[0]));
        int steps = a.length > 1 ? Integer.parseInt(a[1]) : 300, every = a.length > 2 ? Integer.parseInt(a[2]) : 25;
        if (!(template instanceof AudioTokenizer audio)) throw new IllegalArgumentException("an audio model, please");
        AudioTokenizer t = AudioTokenizer.create(template.config(), 0);
        TrainConfig tc = TrainConfig.speechCodec(0);
        AudioFolderDataset train = AudioFolderDataset.open(AudioFolderDataset.DEFAULT_DIR, Split.TRAIN, t.sampleRate());
        TrainingBatches batches = TrainingBatches.audioCrops(train, t.autoencoderConfig().segment(), tc);
        TokenizerTrainer trainer = new TokenizerTrainer(t, tc);
        SameDiff grad = trainer.graph().getFunction("grad");
        Runtime rt = Runtime.getRuntime();
        System.out.println("step rss_mb graph_cache_mb heap_mb step_s cache");
        for (int s = 1; s <= steps; s++) {
            INDArray batch = batches.batch(s);
            if (s == 1) trainer.initialize(batch);
            double sec = trainer.step(batch).stepSeconds();
            if (s % every == 0 || s == 1)
                System.out.printf("%d %d %d %d %.2f %s%n", s, Pointer.physicalBytes() >> 20, cached(grad) >> 20,
                        (rt.totalMemory() - rt.freeMemory()) >> 20, sec, entries(grad));
        }
    }
}
