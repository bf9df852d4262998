package io.vqtok.cli;

import io.vqtok.autoencoders.AudioTokenizer;
import io.vqtok.codebook.CodebookUsage;
import io.vqtok.codebook.UsageStats;
import io.vqtok.datasets.audio.AudioFolderDataset;
import io.vqtok.datasets.audio.AudioMetrics;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Evaluates an audio tokenizer on whole files: codebook usage of the codes, encoding speed (seconds of audio per
 * second), and for each number n of residual stages decoded, mean SI-SNR, mel-spectrogram distance and
 * multi-resolution STFT distance against the input, with the bitrate of n stages.
 */
final class AudioEval {
    private AudioEval() {
    }

    /** Quality when decoding with the first {@code stages} stages, averaged over files. */
    record StageMetrics(int stages, double kbps, double siSnrDb, double melDistance, double stftDistance) {
    }

    record Result(int files, double seconds, List<StageMetrics> perStages, List<UsageStats> usage, double encodeRealtime) {
        double utilization() {
            return usage.stream().mapToDouble(UsageStats::utilization).average().orElse(0);
        }
    }

    /** The stage counts reported by default: 1, 2, 4, 8, ... up to Q, and Q itself. */
    static List<Integer> defaultStages(int q) {
        TreeSet<Integer> s = new TreeSet<>();
        for (int n = 1; n <= q; n *= 2) s.add(n);
        s.add(q);
        return new ArrayList<>(s);
    }

    static Result evaluate(AudioTokenizer t, AudioFolderDataset data, List<Integer> stages, int limit) {
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

    static Map<String, Object> json(Result r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("files", r.files());
        m.put("seconds", Json.round(r.seconds(), 1));
        List<Map<String, Object>> per = new ArrayList<>();
        for (StageMetrics s : r.perStages()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("stages", s.stages());
            e.put("kbps", Json.round(s.kbps(), 3));
            e.put("si_snr_db", Json.round(s.siSnrDb(), 3));
            e.put("mel_distance", Json.round(s.melDistance(), 4));
            e.put("stft_distance", Json.round(s.stftDistance(), 4));
            per.add(e);
        }
        m.put("per_stages", per);
        m.put("utilization", Json.round(r.utilization(), 4));
        m.put("utilization_per_stage", r.usage().stream().map(u -> Json.round(u.utilization(), 4)).toList());
        m.put("perplexity_per_stage", r.usage().stream().map(u -> Json.round(u.perplexity(), 1)).toList());
        m.put("dead_codes", r.usage().stream().mapToInt(UsageStats::deadCodes).sum());
        m.put("encode_x_realtime", Json.round(r.encodeRealtime(), 1));
        return m;
    }

    static String human(Result r) {
        StringBuilder sb = new StringBuilder(String.format("%d files, %.1f s of audio; encoding %.1fx real time%n", r.files(), r.seconds(), r.encodeRealtime()));
        sb.append("stages   kbps   SI-SNR dB   mel dist   STFT dist\n");
        for (StageMetrics s : r.perStages())
            sb.append(String.format("%6d %6.2f %11.2f %10.4f %11.4f%n", s.stages(), s.kbps(), s.siSnrDb(), s.melDistance(), s.stftDistance()));
        sb.append("utilization per stage:");
        for (UsageStats u : r.usage()) sb.append(String.format(" %.3f", u.utilization()));
        return sb.toString();
    }
}
