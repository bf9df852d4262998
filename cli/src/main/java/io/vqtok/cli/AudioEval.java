package io.vqtok.cli;

import io.vqtok.autoencoders.AudioEvaluator;
import io.vqtok.autoencoders.AudioEvaluator.Result;
import io.vqtok.autoencoders.AudioEvaluator.StageMetrics;
import io.vqtok.autoencoders.AudioTokenizer;
import io.vqtok.codebook.UsageStats;
import io.vqtok.datasets.audio.AudioFolderDataset;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Formats {@link AudioEvaluator} results for {@code --json} and for people; the evaluation itself is the library's. */
final class AudioEval {
    private AudioEval() {
    }

    static List<Integer> defaultStages(int q) {
        return AudioEvaluator.defaultStages(q);
    }

    static Result evaluate(AudioTokenizer t, AudioFolderDataset data, List<Integer> stages, int limit) {
        return AudioEvaluator.evaluate(t, data, stages, limit);
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
