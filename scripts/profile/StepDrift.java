// Why a long speech training slows down: times training steps of a checkpoint (resumed as `train --resume` would) against
// a fresh model of the same config and train config, on the same batches, alternated; counts the subnormal floats in
// every array of the checkpoint (parameters, buffers, Adam's moments); with a trace prefix, writes an op trace of each
// (PREFIX-trained.json, PREFIX-fresh.json) for scripts/profile/ops.py. Run through scripts/profile.sh:
//   [FRESH=0] scripts/profile.sh StepDrift CHECKPOINT [steps] [rounds] [trace-prefix]
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vqtok.autoencoders.AudioTokenizer;
import io.vqtok.autoencoders.Tokenizer;
import io.vqtok.autoencoders.TokenizerTrainer;
import io.vqtok.autoencoders.TrainConfig;
import io.vqtok.autoencoders.TrainingBatches;
import io.vqtok.datasets.Split;
import io.vqtok.datasets.audio.AudioFolderDataset;
import org.nd4j.autodiff.listeners.profiler.ProfilingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

public class StepDrift {
    /** How many entries of a float array are subnormal (non-zero and below Float.MIN_NORMAL in magnitude). */
    static long subnormal(INDArray a) {
        if (a.dataType() != DataType.FLOAT) return 0;
        float[] v = a.data().asFloat();
        long n = 0;
        for (float x : v) if (x != 0 && Math.abs(x) < Float.MIN_NORMAL) n++;
        return n;
    }

    /** Median step seconds of {@code steps} steps of {@code trainer} on the batches after {@code first}. */
    static double time(TokenizerTrainer trainer, TrainingBatches batches, long first, int steps) {
        double[] s = new double[steps];
        for (int i = 0; i < steps; i++) s[i] = trainer.step(batches.batch(first + i)).stepSeconds();
        java.util.Arrays.sort(s);
        return s[steps / 2];
    }

    public static void main(String[] a) throws Exception {
        Path ckpt = Path.of(a[0]);
        int steps = a.length > 1 ? Integer.parseInt(a[1]) : 10, rounds = a.length > 2 ? Integer.parseInt(a[2]) : 2;
        String trace = a.length > 3 ? a[3] : null;
        ObjectMapper json = new ObjectMapper();
        JsonNode training;
        long total = 0, totalSub = 0;
        try (ZipFile zip = new ZipFile(ckpt.toFile())) {
            training = json.readTree(zip.getInputStream(zip.getEntry("training.json")));
            System.out.println("subnormal floats in the checkpoint's arrays (name: subnormal / all):");
            for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                if (!e.getName().endsWith(".npy")) continue;
                INDArray arr = Nd4j.createNpyFromByteArray(zip.getInputStream(e).readAllBytes());
                long sub = subnormal(arr);
                total += arr.length();
                totalSub += sub;
                if (sub > 0) System.out.printf("  %s: %d / %d%n", e.getName(), sub, arr.length());
            }
        }
        System.out.printf("  all arrays: %d subnormal of %d%n", totalSub, total);
        TrainConfig tc = json.treeToValue(training.get("train"), TrainConfig.class);
        String data = training.get("data").asText();
        Tokenizer model = Tokenizer.load(ckpt);
        if (!(model instanceof AudioTokenizer audio)) throw new IllegalArgumentException("an audio checkpoint, please");
        TokenizerTrainer trained = TokenizerTrainer.resume(ckpt, model.config(), tc, data);
        // FRESH=0: the checkpoint alone (two trainers of the speech preset need more than the launcher's 6 GB with some graphs)
        boolean withFresh = !"0".equals(System.getenv("FRESH"));
        TokenizerTrainer fresh = withFresh ? new TokenizerTrainer(AudioTokenizer.create(model.config(), 0), tc) : null;
        AudioFolderDataset train = AudioFolderDataset.open(AudioFolderDataset.DEFAULT_DIR, Split.TRAIN, audio.sampleRate());
        TrainingBatches batches = TrainingBatches.audioCrops(train, audio.autoencoderConfig().segment(), tc);
        if (withFresh) fresh.initialize(batches);
        long at = trained.step() + 1;
        System.out.printf("checkpoint at step %d; %d steps a round, medians in s:%n", trained.step(), steps);
        time(trained, batches, at, 3);
        if (withFresh) time(fresh, batches, at, 3);
        for (int r = 1; r <= rounds; r++) {
            double t = time(trained, batches, at, steps);
            if (!withFresh) {
                System.out.printf("round %d: trained %.3f s%n", r, t);
                continue;
            }
            double f = time(fresh, batches, at, steps);
            System.out.printf("round %d: trained %.3f s, fresh %.3f s, ratio %.2f%n", r, t, f, t / f);
        }
        if (trace == null) return;
        for (String which : withFresh ? new String[]{"trained", "fresh"} : new String[]{"trained"}) {
            TokenizerTrainer tr = which.equals("trained") ? trained : fresh;
            java.io.File f = new java.io.File(trace + "-" + which + ".json");
            f.delete();
            var grad = tr.graph().getFunction("grad");
            grad.setListeners(new ProfilingListener.Builder(f).recordAll().warmup(0).maxProfileIterations(1000).build());
            double s = time(tr, batches, at, steps);
            grad.setListeners();
            System.out.printf("%s traced: median step %.3f s, trace in %s%n", which, s, f);
        }
    }
}
