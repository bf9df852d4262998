package io.vqtok.autoencoders;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.memory.AbstractMemoryMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.BaseNDArray;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The memory manager of a SameDiff session: the arrays the session releases during a pass are kept, by data type and
 * shape, for the allocations of the same shape that follow in that pass and the next (an autoencoder's step allocates
 * the same shapes every time), up to {@code maxBytes}, the least recently released evicted first.
 *
 * <p>It replaces ND4J 1.0.0-M2.1's {@code ArrayCacheMemoryMgr}. Measured on the speech preset's training step
 * ({@code scripts/profile.sh TrainMemory}): that cache's byte count sits at its limit from step 20 while its LRU list
 * grows by about 85 entries a step (505 at step 1, 27644 at step 320) and the Java heap in use with it (177 to 256 MB);
 * its eviction searches that list with {@code remove(Object)}, which compares arrays by content. This one keeps one
 * entry per cached array, evicts in constant time, and drops an array that was closed while cached together with its
 * bytes. Over the same 320 steps it held 717 MB with no eviction, about 1415 reuses and 271 fresh allocations a step
 * (the outputs and gradients handed to the trainer, which are never released back), and gave the same losses to the
 * last digit.
 */
final class SessionArrayCache extends AbstractMemoryMgr {
    /** A cached array with its key and size (identity equality: arrays' equals compares their contents). */
    private static final class Entry {
        private final INDArray array;
        private final Key key;
        private final long bytes;

        Entry(INDArray array, Key key, long bytes) {
            this.array = array;
            this.key = key;
            this.bytes = bytes;
        }

        INDArray array() {
            return array;
        }

        Key key() {
            return key;
        }

        long bytes() {
            return bytes;
        }
    }

    private record Key(DataType type, List<Long> shape) {
        static Key of(DataType type, long[] shape) {
            return new Key(type, Arrays.stream(shape).boxed().toList());
        }
    }

    private final long maxBytes;
    private final Map<Key, ArrayDeque<Entry>> free = new HashMap<>();
    /** Every cached entry, oldest release first (identity keys: arrays compare by content). */
    private final LinkedHashMap<Entry, Boolean> byAge = new LinkedHashMap<>();
    private long cachedBytes;
    private long hits, misses, closedWhileCached, evicted;

    SessionArrayCache(long maxBytes) {
        if (maxBytes < 0) throw new IllegalArgumentException("cache size must be >= 0 bytes, got " + maxBytes);
        this.maxBytes = maxBytes;
    }

    /** ND4J's default budget: a quarter of the off-heap limit (JavaCPP's maxbytes), or of the heap when none is set. */
    static long defaultMaxBytes() {
        long limit = org.bytedeco.javacpp.Pointer.maxBytes();
        return (limit > 0 ? limit : Runtime.getRuntime().maxMemory()) / 4;
    }

    /**
     * Gives the calling thread's session of {@code graph} a cache of {@code maxBytes} (creating the session), unless it
     * already has one of these: SameDiff keeps one session per graph and thread and creates it on the first pass.
     */
    static SessionArrayCache install(SameDiff graph, long maxBytes) {
        long thread = Thread.currentThread().getId();
        InferenceSession session = graph.getSessions().get(thread);
        if (session == null) {
            session = new InferenceSession(graph);
            graph.getSessions().put(thread, session);
        }
        if (session.getMmgr() instanceof SessionArrayCache mine) return mine;
        if (session.getMmgr() != null) session.getMmgr().close();
        SessionArrayCache cache = new SessionArrayCache(maxBytes);
        session.setMmgr(cache);
        return cache;
    }

    @Override
    public synchronized INDArray allocate(boolean detached, DataType dataType, long... shape) {
        ArrayDeque<Entry> list = free.get(Key.of(dataType, shape));
        while (list != null && !list.isEmpty()) {
            Entry e = list.pollLast();
            byAge.remove(e);
            cachedBytes -= e.bytes();
            if (e.array().wasClosed()) {   // closed by its last user after it was released: nothing left to reuse
                closedWhileCached++;
                continue;
            }
            hits++;
            ((BaseNDArray) e.array()).assignNewId();   // the session tracks arrays by id: this one is a new array to it
            return e.array();
        }
        misses++;
        return Nd4j.createUninitializedDetached(dataType, shape);
    }

    @Override
    public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
        if (descriptor.isEmpty()) {
            INDArray empty = Nd4j.create(descriptor);
            return detached ? empty.detach() : empty;
        }
        return allocate(detached, descriptor.dataType(), descriptor.getShape());
    }

    @Override
    public synchronized void release(INDArray array) {
        if (array == null || array.wasClosed()) return;
        // views share another array's buffer, strings have no fixed size: neither is reused, and the collector frees them
        if (array.isView() || array.data() == null || array.dataType() == DataType.UTF8 || !array.closeable()) return;
        // a buffer other arrays still use is given up, as ND4J's cache does (closing releases this array's use of it)
        if (Nd4j.getExecutioner().useCount(array.data()) > 1) {
            array.close();
            return;
        }
        long bytes = array.data().length() * array.dataType().width();
        if (bytes > maxBytes) {
            array.close();
            evicted++;
            return;
        }
        Iterator<Entry> oldest = byAge.keySet().iterator();
        while (cachedBytes + bytes > maxBytes && oldest.hasNext()) {
            Entry e = oldest.next();
            oldest.remove();
            free.get(e.key()).remove(e);
            cachedBytes -= e.bytes();
            if (!e.array().wasClosed()) e.array().close();
            evicted++;
        }
        Entry entry = new Entry(array, Key.of(array.dataType(), array.shape()), bytes);
        free.computeIfAbsent(entry.key(), k -> new ArrayDeque<>()).addLast(entry);
        byAge.put(entry, Boolean.TRUE);
        cachedBytes += bytes;
    }

    /** Closes every cached array. */
    @Override
    public synchronized void close() {
        for (Entry e : byAge.keySet()) if (!e.array().wasClosed()) e.array().close();
        byAge.clear();
        free.clear();
        cachedBytes = 0;
    }

    /** Bytes held for reuse now. */
    synchronized long cachedBytes() {
        return cachedBytes;
    }

    /** Allocations served from the cache, new allocations, cached arrays found closed, arrays evicted or refused. */
    synchronized long[] counts() {
        return new long[]{hits, misses, closedWhileCached, evicted};
    }
}
