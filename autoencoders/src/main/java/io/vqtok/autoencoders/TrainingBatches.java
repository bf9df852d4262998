package io.vqtok.autoencoders;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
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

    /**
     * The batch of a step not yet asked for, without passing it: a later {@code batch(step)} returns the same batch.
     * A trainer reads the first batches this way to initialise a codebook from more rows than one batch holds. By
     * default {@link #batch}, right for sources that compute a batch from its step.
     */
    default INDArray peek(long step) {
        return batch(step);
    }

    /** What the batches come from, e.g. "Fashion-MNIST train (55000 images)"; a resumed run must name the same data. */
    String description();

    /** Releases background readers, if any. */
    @Override
    default void close() {
    }

    /**
     * Batches from a source read in order: step s is the s-th batch {@code next} returns, and starting at a later step
     * skips (reads and drops) the batches before it. {@link #peek} reads ahead and keeps the batches it read until their
     * steps are asked for.
     */
    static TrainingBatches sequential(String description, Supplier<INDArray> next) {
        return new TrainingBatches() {
            private long handed;                                         // the last step batch() returned
            private final List<INDArray> ahead = new ArrayList<>();      // batches read for steps handed + 1, handed + 2, ...

            private void checkForward(long step) {
                if (step <= handed)
                    throw new IllegalStateException("batch of step " + step + " asked after step " + handed + "; a sequential source cannot go back");
            }

            @Override
            public INDArray batch(long step) {
                checkForward(step);
                int index = (int) Math.min(step - handed - 1, Integer.MAX_VALUE);
                INDArray b;
                if (index < ahead.size()) {
                    b = ahead.get(index);
                    ahead.subList(0, index + 1).clear();
                } else {
                    for (long read = handed + ahead.size(); read < step - 1; read++) next.get();
                    ahead.clear();
                    b = next.get();
                }
                handed = step;
                return b;
            }

            @Override
            public INDArray peek(long step) {
                checkForward(step);
                while (handed + ahead.size() < step) ahead.add(next.get());
                return ahead.get((int) (step - handed - 1));
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
            public INDArray peek(long step) {
                return order.peek(step);
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
