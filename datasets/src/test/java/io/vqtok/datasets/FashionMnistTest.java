package io.vqtok.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

    @TempDir
    Path dir;

    @Test
    void loadsBothSplitsRawOrGzip() throws Exception {
        Fixtures.write(dir.resolve("train-images-idx3-ubyte.gz"), Fixtures.gzip(Fixtures.idxImages(6, 28, 28)));
        Fixtures.write(dir.resolve("t10k-images-idx3-ubyte"), Fixtures.idxImages(2, 28, 28));
        Fixtures.write(dir.resolve("train-labels-idx1-ubyte.gz"), Fixtures.gzip(Fixtures.idxLabels(1, 2, 3, 4, 5, 6)));
        Fixtures.write(dir.resolve("t10k-labels-idx1-ubyte"), Fixtures.idxLabels(9, 8));

        ImageDataset train = FashionMnist.load(dir, Split.TRAIN);
        ImageDataset validation = FashionMnist.load(dir, Split.VALIDATION);
        ImageDataset test = FashionMnist.load(dir, Split.TEST);
        assertThat(train.size()).isEqualTo(5); // 6 training images: the last ceil(6/12) = 1 validates
        assertThat(validation.size()).isEqualTo(1);
        assertThat(test.size()).isEqualTo(2);
        assertThat(train.channels()).isEqualTo(1);
        assertThat(train.height()).isEqualTo(28);
        assertThat(train.width()).isEqualTo(28);
        assertThat(FashionMnist.loadLabels(dir, Split.TRAIN)).containsExactly(1, 2, 3, 4, 5);
        assertThat(FashionMnist.loadLabels(dir, Split.VALIDATION)).containsExactly(6);
        assertThat(FashionMnist.loadLabels(dir, Split.TEST)).containsExactly(9, 8);
        assertThat(FashionMnist.containsIdxFiles(dir)).isTrue();
    }

    @Test
    void notFoundMessageSaysWhereAndHow() {
        assertThatThrownBy(() -> FashionMnist.load(dir, Split.TRAIN))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessage("Fashion-MNIST not found in " + dir + " (expected train-images-idx3-ubyte[.gz])."
                        + " Install it with: sudo apt-get install dataset-fashion-mnist — or pass --data DIR");
        assertThatThrownBy(() -> FashionMnist.load(dir.resolve("missing"), Split.TEST))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining("(expected t10k-images-idx3-ubyte[.gz])");
        assertThat(FashionMnist.containsIdxFiles(dir)).isFalse();
    }

    @Test
    void missingSplitIsNotFoundEvenWhenOtherExists() throws Exception {
        Fixtures.write(dir.resolve("train-images-idx3-ubyte"), Fixtures.idxImages(2, 2, 2));
        assertThat(FashionMnist.load(dir, Split.TRAIN).size()).isEqualTo(1);
        assertThatThrownBy(() -> FashionMnist.load(dir, Split.TEST))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining("t10k-images-idx3-ubyte[.gz]");
    }

    @Test
    void readsInstalledDatasetWhenPresent() {
        Assumptions.assumeTrue(Files.isDirectory(FashionMnist.DEFAULT_DIR), "Fashion-MNIST not installed");
        ImageDataset train = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TRAIN);
        ImageDataset validation = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.VALIDATION);
        ImageDataset test = FashionMnist.load(FashionMnist.DEFAULT_DIR, Split.TEST);
        assertThat(new int[] {train.size(), train.channels(), train.height(), train.width()})
                .containsExactly(55000, 1, 28, 28);
        assertThat(validation.size()).isEqualTo(5000);
        assertThat(validation.description()).startsWith("Fashion-MNIST validation (last 5000 of train) from ");
        assertThat(FashionMnist.loadLabels(FashionMnist.DEFAULT_DIR, Split.VALIDATION)).hasSize(5000);
        assertThat(new int[] {test.size(), test.channels(), test.height(), test.width()})
                .containsExactly(10000, 1, 28, 28);
        int[] labels = FashionMnist.loadLabels(FashionMnist.DEFAULT_DIR, Split.TEST);
        assertThat(labels).hasSize(10000);
        assertThat(java.util.Arrays.stream(labels).allMatch(l -> l >= 0 && l <= 9)).isTrue();
        float[] img = test.image(0);
        float max = 0;
        for (float v : img) {
            assertThat(v).isBetween(0f, 1f);
            max = Math.max(max, v);
        }
        assertThat(max).isGreaterThan(0.5f);
    }
}
