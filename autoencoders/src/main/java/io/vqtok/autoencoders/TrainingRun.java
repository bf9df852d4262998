package io.vqtok.autoencoders;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One training run of a tokenizer with its files beside the model file {@code m}: checkpoints in {@code m.ckpt}
 * (older ones as {@code m.ckpt.<step>}), one JSON line per step in {@code m.log.jsonl} ({@link TrainingLog}), and the
 * model written to {@code m} once, at the end. A killed run continues from its latest checkpoint with
 * {@code resume} and ends with the model an uninterrupted run gives; a fresh run refuses to start over an earlier
 * run's checkpoint. This is what {@code vqtok train} runs.
 */
public final class TrainingRun {
    private TrainingRun() {
    }

    /**
     * What a run produced.
     *
     * @param tokenizer   the trained tokenizer (also written to {@code model})
     * @param stats       throughput, reseeding, last loss and memory over the steps this run took
     * @param wallSeconds wall time of the training loop, data loading and checkpoints included
     * @param model       the model file
     * @param log         the per-step log
     */
    public record Result(Tokenizer tokenizer, TrainingStats stats, double wallSeconds, Path model, Path log) {
    }

    /** The checkpoint file of a run writing {@code model}: {@code <model>.ckpt}. */
    public static Path checkpointOf(Path model) {
        return model.resolveSibling(model.getFileName() + ".ckpt");
    }

    /** The per-step log of a run writing {@code model}: {@code <model>.log.jsonl}. */
    public static Path logOf(Path model) {
        return model.resolveSibling(model.getFileName() + ".log.jsonl");
    }

    /**
     * The trainer of a run writing {@code model}: resumed from its latest checkpoint when {@code resume} and one exists
     * (the run's settings must match it, see {@link TokenizerTrainer#resume}), else a fresh model from {@code fresh}.
     * Without {@code resume}, an earlier run's checkpoint is an error when this run would write checkpoints.
     *
     * @param notes told where the run starts from (e.g. printed by a CLI)
     */
    public static TokenizerTrainer trainer(Path model, boolean resume, TokenizerConfig config, TrainConfig train, String data,
                                           Supplier<Tokenizer> fresh, Consumer<String> notes) {
        Path checkpoint = checkpointOf(model);
        try {
            Optional<Path> latest = TokenizerTrainer.latestCheckpoint(checkpoint);
            if (resume && latest.isPresent()) {
                TokenizerTrainer t = TokenizerTrainer.resume(latest.get(), config, train, data);
                notes.accept("resuming from " + latest.get() + " at step " + t.step());
                return t;
            }
            if (resume) notes.accept("no checkpoint at " + checkpoint + "; starting at step 0");
            else if (latest.isPresent() && train.checkpointEvery() > 0)   // the run would overwrite it
                throw new IllegalArgumentException("a checkpoint of an earlier run exists at " + latest.get()
                        + "; pass --resume to continue it, or delete " + checkpoint + "* to start over");
            return new TokenizerTrainer(fresh.get(), train);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Trains to the last step with checkpoints (when the train config asks for them) and the per-step log, telling
     * {@code listener} of each step after the stats and the log have it, then writes the model and frees the trainer's
     * training state ({@link TokenizerTrainer#close}: the graph's cached activations and gradients, Adam's moments), so
     * that evaluating or encoding with {@link Result#tokenizer} in the same process does not hold them too. A
     * non-finite loss is an {@link IllegalStateException} that names the last good checkpoint.
     *
     * @param unitsPerItem what one batch item counts in the throughput (1 for images, seconds per crop for audio)
     */
    public static Result train(TokenizerTrainer trainer, TrainingBatches batches, Path model, double unitsPerItem,
                               TokenizerTrainer.Listener listener) {
        return train(trainer, batches, model, new TrainingStats(trainer.step(), trainer.config().steps(), unitsPerItem), listener);
    }

    /**
     * {@link #train(TokenizerTrainer, TrainingBatches, Path, double, TokenizerTrainer.Listener)} into stats the caller
     * holds (e.g. to show live throughput); they hear of each step before {@code listener}.
     */
    public static Result train(TokenizerTrainer trainer, TrainingBatches batches, Path model, TrainingStats stats,
                               TokenizerTrainer.Listener listener) {
        Path checkpoint = checkpointOf(model), log = logOf(model);
        long t0 = System.nanoTime();
        try (TrainingLog lines = TrainingLog.open(log, trainer.step())) {
            trainer.train(batches, r -> {
                stats.onStep(r);
                lines.onStep(r);
                listener.onStep(r);
            }, trainer.config().checkpointEvery() > 0 ? checkpoint : null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NonFiniteLossException e) {
            throw new IllegalStateException(e.getMessage() + (trainer.lastCheckpointStep() > 0 ? "; last good checkpoint (step "
                    + trainer.lastCheckpointStep() + ") kept in " + checkpoint : "; no checkpoint had been saved"));
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        try {
            trainer.tokenizer().save(model);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + model + ": " + e.getMessage(), e);
        }
        trainer.close();
        return new Result(trainer.tokenizer(), stats, wall, model, log);
    }
}
