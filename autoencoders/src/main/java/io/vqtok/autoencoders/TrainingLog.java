package io.vqtok.autoencoders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The per-step training log: one JSON object per line and step ({@code step}, {@code loss}, {@code reconstruction}, each
 * quantizer loss term as {@code loss.<name>}, {@code batch_utilization}, {@code batch_perplexity}, {@code img_per_s},
 * {@code lr}, {@code reseeded}, {@code rss_mb}), written and flushed as training goes, so a killed run leaves every
 * finished step's line. A {@link TokenizerTrainer.Listener}; close it when training ends.
 */
public final class TrainingLog implements TokenizerTrainer.Listener, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private final BufferedWriter out;

    private TrainingLog(Path file, BufferedWriter out) {
        this.file = file;
        this.out = out;
    }

    /**
     * Opens the log of a run that has taken {@code steps} steps: a fresh log when 0; otherwise the existing log keeps its
     * lines up to that step (a resumed run redoes the steps after its checkpoint, and a line cut by a kill is dropped),
     * rewritten atomically, and new lines are appended.
     */
    public static TrainingLog open(Path file, long steps) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) Files.createDirectories(dir);
        List<String> kept = new ArrayList<>();
        if (steps > 0 && Files.isRegularFile(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                JsonNode n;
                try {
                    n = JSON.readTree(line);
                } catch (IOException e) {
                    continue;   // a line cut short by a kill
                }
                if (n != null && n.path("step").canConvertToLong() && n.path("step").asLong() <= steps) kept.add(line);
            }
        }
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(tmp, kept, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new TrainingLog(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
    }

    /** The log's file. */
    public Path file() {
        return file;
    }

    /** The line of one step. */
    static ObjectNode line(StepReport r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("step", r.step());
        n.put("loss", r.loss());
        n.put("reconstruction", r.reconstruction());
        for (Map.Entry<String, Double> t : r.terms().entrySet()) n.put("loss." + t.getKey(), t.getValue());
        n.put("batch_utilization", r.batchUsage());
        n.put("batch_perplexity", r.batchPerplexity());
        n.put("img_per_s", r.stepSeconds() > 0 ? r.images() / r.stepSeconds() : 0);
        n.put("lr", r.learningRate());
        n.put("reseeded", r.reseeded());
        n.put("rss_mb", Math.round(r.residentBytes() / 1e6));
        return n;
    }

    @Override
    public void onStep(StepReport report) {
        try {
            out.write(JSON.writeValueAsString(line(report)));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write training log " + file + ": " + e.getMessage(), e);
        }
    }

    /** Reads a log: one JSON object per complete line, in order. */
    public static List<JsonNode> read(Path file) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            try {
                lines.add(JSON.readTree(line));
            } catch (IOException e) {
                throw new ModelFormatException(file + ": not a training log (line " + (lines.size() + 1) + " is not JSON)");
            }
        }
        return lines;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
