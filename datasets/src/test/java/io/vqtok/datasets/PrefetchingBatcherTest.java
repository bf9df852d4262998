package io.vqtok.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrefetchingBatcherTest {

    @Test
    void shuffledSequenceIsIdenticalToPlainBatcher() {
        ImageDataset data = BatcherTest.synthetic(37);
        Batcher plain = new Batcher(data, 8, 123L, true, false);
        try (PrefetchingBatcher pre = new Batcher(data, 8, 123L, true, false).prefetching()) {
            for (int i = 0; i < 30; i++) {
                assertThat(pre.hasNext()).isTrue();
                assertThat(pre.next()).isEqualTo(plain.next());
            }
        }
    }

    @Test
    void finiteSequenceIsIdenticalAndEnds() {
        ImageDataset data = BatcherTest.synthetic(10);
        List<Batch> expected = new ArrayList<>();
        new Batcher(data, 4, 0L, false, false).forEachRemaining(expected::add);
        List<Batch> actual = new ArrayList<>();
        try (PrefetchingBatcher pre = new PrefetchingBatcher(new Batcher(data, 4, 0L, false, false))) {
            pre.forEachRemaining(actual::add);
            assertThat(pre.hasNext()).isFalse();
            assertThatThrownBy(pre::next).isInstanceOf(java.util.NoSuchElementException.class);
        }
        assertThat(actual).hasSize(3).isEqualTo(expected);
    }

    @Test
    void closeStopsTheDaemonThread() throws Exception {
        PrefetchingBatcher pre = new Batcher(BatcherTest.synthetic(100), 10, 5L, true, false).prefetching();
        Thread t = pre.thread();
        assertThat(t.isDaemon()).isTrue();
        pre.next();
        Thread.sleep(50); // let the producer fill the queue and block
        assertThat(t.isAlive()).isTrue();
        pre.close();
        assertThat(t.isAlive()).isFalse();
        assertThatThrownBy(pre::next).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        pre.close(); // idempotent
    }

    @Test
    void producerErrorsAreRethrownToTheConsumer() {
        ImageDataset good = BatcherTest.synthetic(6);
        ImageDataset failing = new ImageDataset() {
            @Override
            public int size() {
                return good.size();
            }

            @Override
            public int channels() {
                return good.channels();
            }

            @Override
            public int height() {
                return good.height();
            }

            @Override
            public int width() {
                return good.width();
            }

            @Override
            public String description() {
                return "failing";
            }

            @Override
            public void copyImage(int index, float[] dst, int offset) {
                if (index == 4) {
                    throw new DatasetException("image 4 is broken");
                }
                good.copyImage(index, dst, offset);
            }
        };
        try (PrefetchingBatcher pre = new Batcher(failing, 2, 0L, false, false).prefetching()) {
            assertThat(pre.next().indices()).containsExactly(0, 1);
            assertThat(pre.next().indices()).containsExactly(2, 3);
            assertThatThrownBy(pre::next).isInstanceOf(DatasetException.class).hasMessage("image 4 is broken");
        }
    }
}
