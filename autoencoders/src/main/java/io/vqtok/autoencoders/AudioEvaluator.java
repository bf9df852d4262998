package io.vqtok.autoencoders;

import io.vqtok.codebook.CodebookUsage;
import io.vqtok.codebook.UsageStats;
import io.vqtok.datasets.audio.AudioFolderDataset;
import io.vqtok.datasets.audio.AudioMetrics;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Evaluates an audio tokenizer on whole files: codebook usage of the codes, encoding speed (seconds of audio per
 * second), and for each number n of residual stages decoded, mean SI-SNR, mel-spectrogram distance and
 * multi-resolution STFT distance against the input, with the bitrate of n stages.
 */
public final class AudioEvaluator {
    private AudioEvaluator() {
    }

    /** Quality when decoding with the first {@code stages} stages, averaged over files. */
    public record StageMetrics(int stages, double kbps, double siSnrDb, double melDistance, double stftDistance) {
    }

    /** An evaluation: files and seconds of audio, quality per number of stages, usage per stage, encoding speed (x real time). */
    public record Result(int files, double seconds, List<StageMetrics> perStages, List<UsageStats> usage, double encodeRealtime) {
        /** Mean utilization over the stages. */
        public double utilization() {
            return usage.stream().mapToDouble(UsageStats::utilization).average().orElse(0);
        }
    }

    /** The stage counts reported by default: 1, 2, 4, 8, ... up to Q, and Q itself. */
    public static List<Integer> defaultStages(int q) {
        TreeSet<Integer> s = new TreeSet<>();
        for (int n = 1; n <= q; n *= 2) s.add(n);
        s.add(q);
        return new ArrayList<>(s);
    }

    /** Evaluates on the first {@code limit} files of {@code data} (all when 0) for each stage count in {@code stages}. */
    public static Result evaluate(AudioTokenizer t, AudioFolderDataset data, List<Integer> stages, int limit) {
        int q = t.quantizer().indexChannels();
        for (int n : stages) if (n < 1 || n > q) throw new IllegalArgumentException("--stages must be in [1, " + q + "], got " + n);
        int files = limit > 0 ? Math.min(limit, data.size()) : data.size();
        if (files == 0) throw new IllegalArgumentException(data.description() + " has no audio files");
        CodebookUsage usage = new CodebookUsage(t.quantizer().codebookSize(), q);
        double[] snr = new double[stages.size()], mel = new double[stages.size()], stft = new double[stages.size()];
        double encodeSeconds = 0, audioSeconds = 0;
        t.encode(data.clip(0));   // warm-up: graph building and JIT are not part of the speed
        for (int i = 0; i < files; i++) {
            float[] x = data.clip(i);
            long t0 = System.nanoTime();
            INDArray codes = t.encode(x);
            encodeSeconds += (System.nanoTime() - t0) / 1e9;
            audioSeconds += x.length / (double) t.sampleRate();
            usage.add(codes.reshape(codes.size(0), q));
            for (int s = 0; s < stages.size(); s++) {
                float[] y = java.util.Arrays.copyOf(t.decode(codes, stages.get(s)), x.length);
                snr[s] += AudioMetrics.siSnr(x, y);
                mel[s] += AudioMetrics.melDistance(x, y, t.sampleRate());
                stft[s] += AudioMetrics.multiResolutionStft(x, y).total();
            }
        }
        List<StageMetrics> per = new ArrayList<>();
        for (int s = 0; s < stages.size(); s++)
            per.add(new StageMetrics(stages.get(s), t.kbps(stages.get(s)), snr[s] / files, mel[s] / files, stft[s] / files));
        return new Result(files, audioSeconds, per, usage.stats(), audioSeconds / encodeSeconds);
    }
}
