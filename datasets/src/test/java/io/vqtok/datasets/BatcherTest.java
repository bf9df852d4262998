package io.vqtok.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatcherTest {

    /** A 2x1x3 dataset whose image {@code i} has every value {@code (i + c) / 1000}. */
    static ImageDataset synthetic(int n) {
        return new ImageDataset() {
            @Override
            public int size() {
                return n;
            }

            @Override
            public int channels() {
                return 2;
            }

            @Override
            public int height() {
                return 1;
            }

            @Override
            public int width() {
                return 3;
            }

            @Override
            public String description() {
                return "synthetic(" + n + ")";
            }

            @Override
            public void copyImage(int index, float[] dst, int offset) {
                java.util.Objects.checkIndex(index, n);
                for (int c = 0; c < 2; c++) {
                    for (int x = 0; x < 3; x++) {
                        dst[offset + c * 3 + x] = (index + c) / 1000f;
                    }
                }
            }
        };
    }

    private static List<Batch> take(java.util.Iterator<Batch> it, int count) {
        List<Batch> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(it.next());
        }
        return out;
    }

    @Test
    void sameSeedGivesSameBatches() {
        ImageDataset data = synthetic(23);
        List<Batch> a = take(new Batcher(data, 5, 42L, true, false), 20);
        List<Batch> b = take(new Batcher(data, 5, 42L, true, false), 20);
        assertThat(a).isEqualTo(b);
    }

    @Test
    void differentSeedsGiveDifferentOrders() {
        ImageDataset data = synthetic(50);
        List<Batch> a = take(new Batcher(data, 10, 1L, true, false), 5);
        List<Batch> b = take(new Batcher(data, 10, 2L, true, false), 5);
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void shuffledEpochsCoverEveryIndexExactlyOnceAndDiffer() {
        int n = 23;
        Batcher batcher = new Batcher(synthetic(n), 5, 7L, true, false);
        assertThat(batcher.batchesPerEpoch()).isEqualTo(5);
        List<int[]> epochs = new ArrayList<>();
        for (int e = 0; e < 4; e++) {
            assertThat(batcher.epoch()).isEqualTo(e);
            int[] seen = new int[0];
            for (int k = 0; k < 5; k++) {
                assertThat(batcher.hasNext()).isTrue();
                Batch b = batcher.next();
                assertThat(b.size()).isEqualTo(k < 4 ? 5 : 3);
                int old = seen.length;
                seen = Arrays.copyOf(seen, old + b.size());
                System.arraycopy(b.indices(), 0, seen, old, b.size());
            }
            assertThat(seen).containsExactlyInAnyOrder(IntStream.range(0, n).toArray());
            epochs.add(seen);
        }
        assertThat(epochs.get(0)).isNotEqualTo(IntStream.range(0, n).toArray());
        assertThat(epochs.get(1)).isNotEqualTo(epochs.get(0));
        assertThat(batcher.hasNext()).isTrue();
        assertThat(batcher.batchesReturned()).isEqualTo(20);
    }

    @Test
    void dropLastSkipsThePartialBatchEachEpoch() {
        Batcher batcher = new Batcher(synthetic(23), 5, 3L, true, true);
        assertThat(batcher.batchesPerEpoch()).isEqualTo(4);
        for (int e = 0; e < 3; e++) {
            int[] seen = new int[0];
            for (int k = 0; k < 4; k++) {
                Batch b = batcher.next();
                assertThat(b.size()).isEqualTo(5);
                int old = seen.length;
                seen = Arrays.copyOf(seen, old + 5);
                System.arraycopy(b.indices(), 0, seen, old, 5);
            }
            assertThat(seen).doesNotHaveDuplicates().hasSize(20);
            assertThat(Arrays.stream(seen).allMatch(i -> i >= 0 && i < 23)).isTrue();
        }
    }

    @Test
    void batchPixelsMatchTheIndices() {
        ImageDataset data = synthetic(10);
        Batch b = new Batcher(data, 4, 9L, true, false).next();
        assertThat(b.channels()).isEqualTo(2);
        assertThat(b.height()).isEqualTo(1);
        assertThat(b.width()).isEqualTo(3);
        assertThat(b.pixels()).hasSize(4 * 6);
        assertThat(b.pixels()).containsExactly(data.images(b.indices()));
        for (int k = 0; k < 4; k++) {
            assertThat(b.pixels()[k * 6]).isEqualTo(b.indices()[k] / 1000f);
            assertThat(b.pixels()[k * 6 + 3]).isEqualTo((b.indices()[k] + 1) / 1000f);
        }
    }

    @Test
    void sequentialModeGoesOnceInOrderIncludingPartialBatch() {
        Batcher batcher = new Batcher(synthetic(7), 3, 0L, false, false);
        List<int[]> indices = new ArrayList<>();
        while (batcher.hasNext()) {
            indices.add(batcher.next().indices());
        }
        assertThat(indices).containsExactly(new int[] {0, 1, 2}, new int[] {3, 4, 5}, new int[] {6});
        assertThatThrownBy(batcher::next).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void sequentialModeWithDropLast() {
        Batcher batcher = new Batcher(synthetic(7), 3, 0L, false, true);
        List<int[]> indices = new ArrayList<>();
        batcher.forEachRemaining(b -> indices.add(b.indices()));
        assertThat(indices).containsExactly(new int[] {0, 1, 2}, new int[] {3, 4, 5});
        assertThat(batcher.hasNext()).isFalse();
    }

    @Test
    void batchLargerThanDataWithoutDropLastGivesWholeDataset() {
        Batcher batcher = new Batcher(synthetic(3), 10, 0L, false, false);
        assertThat(batcher.next().indices()).containsExactly(0, 1, 2);
        assertThat(batcher.hasNext()).isFalse();
    }

    @Test
    void validatesArguments() {
        ImageDataset data = synthetic(5);
        assertThatThrownBy(() -> new Batcher(data, 0, 0L, true, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> new Batcher(data, 6, 0L, true, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch size 6")
                .hasMessageContaining("5 images");
        assertThatThrownBy(() -> new Batcher(synthetic(0), 1, 0L, true, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThat(new Batcher(data, 5, 0L, true, true).next().size()).isEqualTo(5);
    }

    @Test
    void batchRecordValidatesShape() {
        assertThatThrownBy(() -> new Batch(new float[5], new int[2], 2, 1, 1, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 6");
        assertThatThrownBy(() -> new Batch(new float[6], new int[1], 2, 1, 1, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("indices");
    }
}
