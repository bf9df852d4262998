package io.vqtok.autoencoders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Training checkpoints: a model file ({@link ModelFile}) with three more kinds of entry, {@code training.json} (format,
 * step, train config, data description), {@code optimizer/<parameter>.npy} (Adam's moments) and
 * {@code training-state/<name>.npy} (the quantizer's {@code trainingState()}). The latest is {@code <file>}; older
 * ones kept beside it are {@code <file>.<step>}.
 */
final class Checkpoints {
    static final String FORMAT = "vqtok-checkpoint";
    static final String TRAINING = "training.json";
    static final String OPTIMIZER = "optimizer/";
    static final String STATE = "training-state/";
    /** The entries a checkpoint adds to a model file. */
    static final Set<String> ENTRIES = Set.of(TRAINING, OPTIMIZER, STATE);

    private Checkpoints() {
    }

    static void write(Path file, TokenizerTrainer trainer, String data) throws IOException {
        TrainConfig config = trainer.config();
        if (config.keepCheckpoints() > 1 && Files.exists(file)) {
            long previous = trainer.lastCheckpointStep() > 0 ? trainer.lastCheckpointStep() : peekStep(file);
            if (previous > 0 && previous != trainer.step()) move(file, numbered(file, previous));
        }
        ObjectNode json = ModelFile.JSON.createObjectNode();
        json.put("format", FORMAT);
        json.put("step", trainer.step());
        json.set("train", ModelFile.JSON.valueToTree(config));
        json.put("data", data);
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        trainer.optimizerState().forEach((k, v) -> arrays.put(OPTIMIZER + k, v));
        trainer.tokenizer().quantizer().trainingState().forEach((k, v) -> arrays.put(STATE + k, v));
        ModelFile.write(file, trainer.tokenizer(), Map.of(TRAINING, ModelFile.JSON.writeValueAsBytes(json)), arrays);
        prune(file, config.keepCheckpoints() - 1);
    }

    static TokenizerTrainer resume(Path file, TokenizerConfig expected, TrainConfig config, String data) throws IOException {
        Tokenizer.Loaded loaded = Tokenizer.read(file, ENTRIES);
        ModelFile.Archive a = loaded.archive();
        byte[] trainingBytes = a.extraJson().get(TRAINING);
        if (trainingBytes == null) throw new ModelFormatException(file + ": a model file, not a checkpoint (no " + TRAINING + ")");
        JsonNode training = ModelFile.JSON.readTree(trainingBytes);
        if (!FORMAT.equals(training.path("format").asText())) throw new ModelFormatException(file + ": " + TRAINING + " is not a vqtok checkpoint");
        long step = training.path("step").asLong(-1);
        if (step < 1 || step != a.contents().provenance().steps())
            throw new ModelFormatException(file + ": checkpoint step " + step + " disagrees with the model's " + a.contents().provenance().steps());
        TrainConfig saved;
        try {
            saved = ModelFile.JSON.treeToValue(training.get("train"), TrainConfig.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelFormatException(file + ": invalid train config in " + TRAINING + ": " + ModelFile.rootMessage(e), e);
        }
        List<String> diff = new ArrayList<>();
        differences("", ModelFile.JSON.valueToTree(a.contents().config()), ModelFile.JSON.valueToTree(expected), diff);
        diff.addAll(config.resumeDifferences(saved));
        String savedData = training.path("data").asText();
        if (!savedData.equals(data)) diff.add("data '" + savedData + "' (checkpoint) vs '" + data + "' (now)");
        if (!diff.isEmpty())
            throw new IllegalArgumentException("cannot resume from " + file + ": the run differs from the checkpoint's: " + String.join("; ", diff));
        if (step > config.steps())
            throw new IllegalArgumentException("cannot resume from " + file + ": it is at step " + step + ", beyond the " + config.steps() + " steps asked for");
        Tokenizer t = loaded.tokenizer();
        TokenizerTrainer trainer = new TokenizerTrainer(t, config);
        Map<String, INDArray> optimizer = new LinkedHashMap<>(), state = new LinkedHashMap<>();
        a.extraArrays().forEach((k, v) -> {
            if (k.startsWith(OPTIMIZER)) optimizer.put(k.substring(OPTIMIZER.length()), v);
            else state.put(k.substring(STATE.length()), v);
        });
        try {
            trainer.restoreTrainingState(optimizer, step);
            t.quantizer().loadTrainingState(state);
        } catch (ModelFormatException | IllegalArgumentException e) {
            throw new ModelFormatException(file + ": " + e.getMessage(), e);
        }
        return trainer;
    }

    /** Lists "path: value (checkpoint) vs value (now)" for every leaf where two JSON trees differ. */
    private static void differences(String path, JsonNode saved, JsonNode now, List<String> out) {
        if (saved.isObject() && now.isObject()) {
            Set<String> names = new java.util.TreeSet<>();
            saved.fieldNames().forEachRemaining(names::add);
            now.fieldNames().forEachRemaining(names::add);
            for (String n : names)
                differences(path.isEmpty() ? n : path + "." + n, saved.path(n), now.path(n), out);
        } else if (!saved.equals(now)) {
            out.add(path + " " + saved + " (checkpoint) vs " + now + " (now)");
        }
    }

    static Optional<Path> latest(Path file) throws IOException {
        if (Files.isRegularFile(file)) return Optional.of(file);
        TreeMap<Long, Path> kept = numberedSiblings(file);
        return kept.isEmpty() ? Optional.empty() : Optional.of(kept.lastEntry().getValue());
    }

    private static Path numbered(Path file, long step) {
        return file.resolveSibling(file.getFileName() + "." + step);
    }

    private static TreeMap<Long, Path> numberedSiblings(Path file) throws IOException {
        TreeMap<Long, Path> m = new TreeMap<>();
        Path dir = file.toAbsolutePath().getParent();
        String prefix = file.getFileName() + ".";
        if (dir == null || !Files.isDirectory(dir)) return m;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(prefix))) {
            for (Path p : s) {
                String suffix = p.getFileName().toString().substring(prefix.length());
                if (suffix.matches("[0-9]{1,18}")) m.put(Long.parseLong(suffix), p);
            }
        }
        return m;
    }

    /** Deletes kept checkpoints beyond the {@code keep} newest. */
    private static void prune(Path file, int keep) throws IOException {
        TreeMap<Long, Path> kept = numberedSiblings(file);
        Iterator<Path> oldest = kept.values().iterator();
        for (int excess = kept.size() - keep; excess > 0 && oldest.hasNext(); excess--) Files.deleteIfExists(oldest.next());
    }

    /** Deletes the checkpoint and every kept one beside it (a fresh run replacing an old one). */
    static void deleteAll(Path file) throws IOException {
        Files.deleteIfExists(file);
        for (Path p : numberedSiblings(file).values()) Files.deleteIfExists(p);
    }

    /** The step a checkpoint file is at (from its training.json alone), or -1 when it cannot be read. */
    private static long peekStep(Path file) {
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
            java.util.zip.ZipEntry entry = zip.getEntry(TRAINING);
            if (entry == null) return -1;
            return ModelFile.JSON.readTree(ModelFile.readJson(zip, entry, file)).path("step").asLong(-1);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            ModelFile.replace(from, to);
        } catch (NoSuchFileException ignored) {
            // already gone
        }
    }
}
