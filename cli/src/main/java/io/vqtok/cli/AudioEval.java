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
            e.put("stoi", finite(s.stoi(), 4));
            e.put("estoi", finite(s.estoi(), 4));
            e.put("mel_distance", Json.round(s.melDistance(), 4));
            e.put("multiscale_mel_distance", Json.round(s.multiScaleMelDistance(), 4));
            e.put("stft_distance", Json.round(s.stftDistance(), 4));
            e.put("delay_samples", Json.round(s.meanDelaySamples(), 2));
            per.add(e);
        }
        m.put("per_stages", per);
        m.put("max_abs_delay_samples", r.maxAbsDelaySamples());
        m.put("utilization", Json.round(r.utilization(), 4));
        m.put("utilization_per_stage", r.usage().stream().map(u -> Json.round(u.utilization(), 4)).toList());
        m.put("perplexity_per_stage", r.usage().stream().map(u -> Json.round(u.perplexity(), 1)).toList());
        m.put("dead_codes", r.usage().stream().mapToInt(UsageStats::deadCodes).sum());
        m.put("encode_x_realtime", Json.round(r.encodeRealtime(), 1));
        return m;
    }

    /** A rounded value, or null (JSON null) where it is undefined (STOI of clips under 0.4 s of speech). */
    static Double finite(double v, int digits) {
        return Double.isNaN(v) ? null : Json.round(v, digits);
    }

    static String human(Result r) {
        StringBuilder sb = new StringBuilder(String.format("%d files, %.1f s of audio; encoding %.1fx real time; largest alignment delay %d samples%n",
                r.files(), r.seconds(), r.encodeRealtime(), r.maxAbsDelaySamples()));
        sb.append("stages   kbps    STOI   ESTOI   SI-SNR dB   mel-80   mel-DAC   STFT dist\n");
        for (StageMetrics s : r.perStages())
            sb.append(String.format("%6d %6.2f %7.3f %7.3f %11.2f %8.4f %9.4f %11.4f%n", s.stages(), s.kbps(), s.stoi(), s.estoi(), s.siSnrDb(),
                    s.melDistance(), s.multiScaleMelDistance(), s.stftDistance()));
        sb.append("(mel-80: 80-band log10(mel + 1e-5) L1 mean, HiFi-GAN's; mel-DAC: DAC's 7-scale distance, sum of log10(max(mel, 1e-5)) L1 over windows 32..2048)\n");
        sb.append("utilization per stage:");
        for (UsageStats u : r.usage()) sb.append(String.format(" %.3f", u.utilization()));
        return sb.toString();
    }
}
