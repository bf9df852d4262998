package io.vqtok.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vqtok.autoencoders.EvalResult;
import io.vqtok.codebook.UsageStats;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One-line JSON output of the commands. */
final class Json {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    static String line(Map<String, ?> m) {
        try {
            return MAPPER.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static double round(double v, int digits) {
        if (!Double.isFinite(v)) return v;
        double s = Math.pow(10, digits);
        return Math.round(v * s) / s;
    }

    /** Evaluation metrics as an ordered map. */
    static Map<String, Object> eval(EvalResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("images", r.images());
        m.put("mse", round(r.mse(), 6));
        m.put("psnr_db", round(r.psnr(), 3));
        m.put("utilization", round(r.utilization(), 4));
        m.put("perplexity", round(r.perplexity(), 2));
        m.put("dead_codes", r.deadCodes());
        m.put("img_per_s", round(r.imagesPerSecond(), 1));
        if (r.usage().size() > 1) {
            m.put("utilization_per_stage", r.usage().stream().map(u -> round(u.utilization(), 4)).toList());
            m.put("perplexity_per_stage", r.usage().stream().map(u -> round(u.perplexity(), 2)).toList());
        }
        return m;
    }

    static String human(EvalResult r) {
        StringBuilder sb = new StringBuilder(String.format("images %d  mse %.6f  psnr %.2f dB  utilization %.4f  perplexity %.1f  dead codes %d  %.0f img/s",
                r.images(), r.mse(), r.psnr(), r.utilization(), r.perplexity(), r.deadCodes(), r.imagesPerSecond()));
        List<UsageStats> u = r.usage();
        if (u.size() > 1) {
            sb.append("\nper stage utilization:");
            for (UsageStats s : u) sb.append(String.format(" %.3f", s.utilization()));
        }
        return sb.toString();
    }
}
