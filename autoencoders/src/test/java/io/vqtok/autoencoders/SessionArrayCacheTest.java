package io.vqtok.autoencoders;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.assertj.core.api.Assertions.assertThat;

class SessionArrayCacheTest {
    @Test
    void aReleasedArrayServesTheNextAllocationOfItsTypeAndShapeUnderANewId() {
        SessionArrayCache cache = new SessionArrayCache(1 << 20);
        INDArray a = cache.allocate(false, DataType.FLOAT, 4, 8);
        long id = a.getId();
        cache.release(a);
        assertThat(cache.cachedBytes()).isEqualTo(4 * 8 * 4);
        assertThat(cache.allocate(false, DataType.FLOAT, 8, 4)).isNotSameAs(a);       // another shape
        assertThat(cache.allocate(false, DataType.DOUBLE, 4, 8)).isNotSameAs(a);      // another type
        INDArray b = cache.allocate(false, DataType.FLOAT, 4, 8);
        assertThat(b).isSameAs(a);
        assertThat(b.getId()).isNotEqualTo(id);
        assertThat(cache.cachedBytes()).isZero();
        assertThat(cache.counts()).containsExactly(1, 3, 0, 0);   // hits, misses (the first and two other keys), closed, evicted
    }

    @Test
    void anArrayClosedAfterItsReleaseIsDroppedWithItsBytesNotHandedOut() {
        // ND4J M2.1's ArrayCacheMemoryMgr keeps such an entry and its bytes, and stops reusing once they fill its budget
        SessionArrayCache cache = new SessionArrayCache(1 << 20);
        INDArray a = cache.allocate(false, DataType.FLOAT, 16, 16);
        cache.release(a);
        a.close();
        INDArray b = cache.allocate(false, DataType.FLOAT, 16, 16);
        assertThat(b).isNotSameAs(a);
        assertThat(b.wasClosed()).isFalse();
        assertThat(cache.cachedBytes()).isZero();
        assertThat(cache.counts()[2]).isEqualTo(1);
        // over many rounds of the same: the cache never holds more than the live arrays it was given
        for (int i = 0; i < 100; i++) {
            INDArray c = cache.allocate(false, DataType.FLOAT, 16, 16);
            cache.release(c);
            if (i % 2 == 0) c.close();
        }
        assertThat(cache.cachedBytes()).isLessThanOrEqualTo(16 * 16 * 4);
    }

    @Test
    void theBudgetEvictsTheOldestReleasesAndRefusesArraysLargerThanIt() {
        SessionArrayCache cache = new SessionArrayCache(3 * 400);   // three arrays of 100 floats
        INDArray[] a = new INDArray[4];
        for (int i = 0; i < 4; i++) a[i] = cache.allocate(false, DataType.FLOAT, 100 + i);
        for (INDArray x : a) cache.release(x);
        assertThat(cache.cachedBytes()).isLessThanOrEqualTo(3 * 400);
        assertThat(a[0].wasClosed()).isTrue();                      // the oldest release went first
        assertThat(a[3].wasClosed()).isFalse();
        assertThat(cache.allocate(false, DataType.FLOAT, 103)).isSameAs(a[3]);
        INDArray big = cache.allocate(false, DataType.FLOAT, 1000);
        cache.release(big);
        assertThat(big.wasClosed()).isTrue();
        assertThat(cache.counts()[3]).isGreaterThanOrEqualTo(2);
    }

    @Test
    void viewsAreNotCachedAndCloseFreesWhatIsHeld() {
        SessionArrayCache cache = new SessionArrayCache(1 << 20);
        INDArray whole = Nd4j.rand(DataType.FLOAT, 10, 10);
        INDArray view = whole.get(NDArrayIndex.interval(0, 5), NDArrayIndex.all());
        cache.release(view);
        assertThat(cache.cachedBytes()).isZero();
        assertThat(whole.wasClosed()).isFalse();
        INDArray a = cache.allocate(false, DataType.FLOAT, 7);
        cache.release(a);
        cache.close();
        assertThat(a.wasClosed()).isTrue();
        assertThat(cache.cachedBytes()).isZero();
    }
}
