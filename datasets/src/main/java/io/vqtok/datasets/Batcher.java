package io.vqtok.datasets;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Deterministic mini-batches over an {@link ImageDataset}.
 *
 * <p>The data is gone through in epochs; within an epoch every index appears exactly once. The last,
 * partial batch of an epoch (when the batch size does not divide the dataset size) is returned, smaller,
 * unless {@code dropLast} is set, in which case its images are skipped for that epoch.
 * <ul>
 *   <li>{@code shuffle = true}: endless; each epoch uses a new permutation drawn with a Fisher–Yates shuffle
 *       from one {@link SplittableRandom} seeded with {@code seed}, so the same seed gives the same sequence
 *       of batches and {@link #hasNext()} is always true.</li>
 *   <li>{@code shuffle = false}: one epoch in index order, then {@link #hasNext()} is false.</li>
 * </ul>
 * Not thread-safe; wrap it in a {@link PrefetchingBatcher} to build batches on a background thread.
 */
public final class Batcher implements Iterator<Batch> {

    private final ImageDataset data;
    private final int batchSize;
    private final long seed;
    private final boolean shuffle;
    private final boolean dropLast;
    private final SplittableRandom random;
    private final int[] order;
    private int position;
    private int epoch;
    private long batches;

    /**
     * Creates a batcher.
     *
     * @param data the dataset (at least one image)
     * @param batchSize images per batch, at least 1 and, with {@code dropLast}, at most {@code data.size()}
     * @param seed the shuffle seed (unused without shuffling)
     * @param shuffle shuffle each epoch and repeat endlessly, or go once over the data in order
     * @param dropLast skip the partial batch at the end of each epoch
     * @throws IllegalArgumentException if the dataset is empty or the batch size is out of range
     */
    public Batcher(ImageDataset data, int batchSize, long seed, boolean shuffle, boolean dropLast) {
        this.data = Objects.requireNonNull(data, "data");
        int n = data.size();
        if (n <= 0) {
            throw new IllegalArgumentException("cannot batch an empty dataset: " + data.description());
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        if (dropLast && batchSize > n) {
            throw new IllegalArgumentException("batch size " + batchSize + " is larger than the " + n
                    + " images of " + data.description() + "; with drop-last no batch could be formed");
        }
        this.batchSize = batchSize;
        this.seed = seed;
        this.shuffle = shuffle;
        this.dropLast = dropLast;
        this.random = new SplittableRandom(seed);
        this.order = new int[n];
        startEpoch();
        this.epoch = 0;
    }

    /** @return the dataset */
    public ImageDataset data() {
        return data;
    }

    /** @return the configured batch size (the last batch of an epoch may be smaller unless drop-last) */
    public int batchSize() {
        return batchSize;
    }

    /** @return the seed */
    public long seed() {
        return seed;
    }

    /** @return whether batches are shuffled (and endless) */
    public boolean shuffle() {
        return shuffle;
    }

    /** @return whether the partial batch at the end of an epoch is skipped */
    public boolean dropLast() {
        return dropLast;
    }

    /** @return the number of batches in one epoch */
    public int batchesPerEpoch() {
        int n = data.size();
        return dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** @return the epoch the next batch belongs to, counting from 0 */
    public int epoch() {
        if (shuffle && epochExhausted()) {
            return epoch + 1;
        }
        return epoch;
    }

    /** @return how many batches have been returned so far */
    public long batchesReturned() {
        return batches;
    }

    /** @return true while batches remain; always true in shuffle mode */
    @Override
    public boolean hasNext() {
        return shuffle || !epochExhausted();
    }

    /**
     * Builds the next batch.
     *
     * @return the batch
     * @throws NoSuchElementException after the single epoch of a non-shuffling batcher
     */
    @Override
    public Batch next() {
        if (epochExhausted()) {
            if (!shuffle) {
                throw new NoSuchElementException("the epoch is over (" + batches + " batches returned)");
            }
            startEpoch();
            epoch++;
        }
        int count = Math.min(batchSize, order.length - position);
        int[] indices = new int[count];
        System.arraycopy(order, position, indices, 0, count);
        position += count;
        batches++;
        return new Batch(data.images(indices), indices, count, data.channels(), data.height(), data.width());
    }

    private boolean epochExhausted() {
        int remaining = order.length - position;
        return remaining == 0 || (dropLast && remaining < batchSize);
    }

    private void startEpoch() {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (shuffle) {
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        position = 0;
    }

    /**
     * Wraps this batcher so the next batches are built on a background thread; use it in
     * try-with-resources and stop using this batcher directly.
     *
     * @return a prefetching view giving the identical sequence of batches
     */
    public PrefetchingBatcher prefetching() {
        return new PrefetchingBatcher(this);
    }
}
