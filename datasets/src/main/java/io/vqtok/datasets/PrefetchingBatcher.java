package io.vqtok.datasets;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds batches one step ahead on a single background daemon thread, holding at most two ready batches
 * in a bounded queue, and yields exactly the sequence the wrapped {@link Batcher} would.
 *
 * <p>The wrapped batcher must not be used directly any more. An exception thrown while building a batch
 * (for example a {@link DatasetException}) is rethrown by {@link #hasNext()} or {@link #next()}.
 * {@link #close()} stops the thread; use this in try-with-resources. Not meant to be consumed from several
 * threads at once.
 */
public final class PrefetchingBatcher implements Iterator<Batch>, AutoCloseable {

    /** Capacity of the queue of ready batches. */
    public static final int QUEUE_CAPACITY = 2;

    private static final AtomicInteger THREADS = new AtomicInteger();
    private static final Object END = new Object();

    private final Batcher source;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread thread;
    private volatile boolean closed;
    private Object pending;

    /** Wraps a failure of the producer thread. */
    private record Failure(Throwable error) {
    }

    /**
     * Starts prefetching.
     *
     * @param source the batcher to read from; owned by this object from now on
     */
    public PrefetchingBatcher(Batcher source) {
        this.source = Objects.requireNonNull(source, "source");
        this.thread = new Thread(this::produce, "vqtok-prefetch-" + THREADS.incrementAndGet());
        thread.setDaemon(true);
        thread.start();
    }

    /** @return the wrapped batcher's configuration (do not call its {@code next()}) */
    public Batcher source() {
        return source;
    }

    /** @return the background thread (for monitoring) */
    Thread thread() {
        return thread;
    }

    private void produce() {
        try {
            while (!closed && source.hasNext()) {
                queue.put(source.next());
            }
            queue.put(END);
        } catch (InterruptedException e) {
            // closed: exit quietly
        } catch (Throwable t) {
            try {
                queue.put(new Failure(t));
            } catch (InterruptedException ignored) {
                // closed while reporting: nobody is waiting any more
            }
        }
    }

    /**
     * Waits, if needed, until the next batch is ready.
     *
     * @return true if another batch follows
     * @throws IllegalStateException if closed, or interrupted while waiting
     */
    @Override
    public boolean hasNext() {
        if (pending == null) {
            if (closed) {
                throw new IllegalStateException("the prefetching batcher is closed");
            }
            try {
                pending = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the next batch", e);
            }
        }
        if (pending instanceof Failure f) {
            Throwable t = f.error();
            if (t instanceof RuntimeException re) {
                throw re;
            }
            if (t instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException("building a batch failed", t);
        }
        return pending != END;
    }

    /**
     * Returns the next batch, waiting for it if needed.
     *
     * @return the batch
     * @throws NoSuchElementException if the wrapped batcher has no more batches
     */
    @Override
    public Batch next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more batches");
        }
        Batch b = (Batch) pending;
        pending = null;
        return b;
    }

    /** Stops the background thread and waits briefly for it to end; further calls fail. Idempotent. */
    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        queue.clear();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
