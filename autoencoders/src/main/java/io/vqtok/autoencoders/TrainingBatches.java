package io.vqtok.autoencoders;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.function.LongFunction;
import java.util.function.Supplier;

/**
 * The batches of a training run as a function of the optimizer step: {@code batch(s)} is the input of step s
 * (1-based, images {@code [B, C, H, W]} or audio {@code [B, 1, 1, T]}). Because the order is a function of the step, a run
 * resumed from a checkpoint at step s asks for {@code batch(s + 1)} and gets exactly the batch the uninterrupted run
 * used. Steps are asked for in increasing order; a source may start anywhere.
 */
public interface TrainingBatches extends AutoCloseable {

    /** The batch of optimizer step {@code step} (1-based). */
    INDArray batch(long step);

    /** What the batches come from, e.g. "Fashion-MNIST train (55000 images)"; a resumed run must name the same data. */
    String description();

    /** Releases background readers, if any. */
    @Override
    default void close() {
    }

    /**
     * Batches from a source read in order: step s is the s-th batch {@code next} returns, and starting at a later step
     * skips (reads and drops) the batches before it.
     */
    static TrainingBatches sequential(String description, Supplier<INDArray> next) {
        return new TrainingBatches() {
            private long consumed;

            @Override
            public INDArray batch(long step) {
                if (step <= consumed)
                    throw new IllegalStateException("batch of step " + step + " asked after step " + consumed + "; a sequential source cannot go back");
                while (consumed < step - 1) {
                    next.get();
                    consumed++;
                }
                consumed++;
                return next.get();
            }

            @Override
            public String description() {
                return description;
            }
        };
    }

    /**
     * Shuffled mini-batches of an image dataset, {@code [B, C, H, W]}: each epoch a permutation drawn from
     * {@code config.seed()} ({@link io.vqtok.datasets.Batcher}, partial batches dropped), built one batch ahead on a background
     * thread; a resumed run skips to its step. What {@code vqtok train} uses.
     */
    static TrainingBatches images(io.vqtok.datasets.ImageDataset data, TrainConfig config) {
        io.vqtok.datasets.PrefetchingBatcher batches = new io.vqtok.datasets.Batcher(data, config.batchSize(), config.seed(), true, true).prefetching();
        TrainingBatches order = sequential(data.description(), () -> ImageTokenizer.images(batches.next()));
        return new TrainingBatches() {
            @Override
            public INDArray batch(long step) {
                return order.batch(step);
            }

            @Override
            public String description() {
                return order.description();
            }

            @Override
            public void close() {
                batches.close();
            }
        };
    }

    /**
     * Random crops of {@code segment} samples from an audio corpus, {@code [B, 1, 1, segment]}: step s draws its crops with the
     * generator of (seed, s), so any step's batch is computed directly. What {@code vqtok train} uses for audio.
     */
    static TrainingBatches audioCrops(io.vqtok.datasets.audio.AudioFolderDataset data, int segment, TrainConfig config) {
        long seed = config.seed() ^ 0xc409L;
        int batch = config.batchSize();
        return byStep(data.description(), step -> org.nd4j.linalg.factory.Nd4j.create(
                data.randomCrops(batch, segment, io.vqtok.codebook.StepRandom.of(seed, step)), new long[]{batch, 1, 1, segment}, 'c'));
    }

    /** Batches computed directly from the step (e.g. random crops drawn with the step's generator). */
    static TrainingBatches byStep(String description, LongFunction<INDArray> batchOfStep) {
        return new TrainingBatches() {
            @Override
            public INDArray batch(long step) {
                if (step < 1) throw new IllegalArgumentException("steps count from 1, got " + step);
                return batchOfStep.apply(step);
            }

            @Override
            public String description() {
                return description;
            }
        };
    }
}
