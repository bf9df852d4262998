package io.vqtok.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataSourcesTest {

    @TempDir
    Path dir;

    @Test
    void directoryWithIdxFilesIsReadAsFashionMnist() throws Exception {
        Fixtures.write(dir.resolve("train-images-idx3-ubyte.gz"), Fixtures.gzip(Fixtures.idxImages(4, 3, 3)));
        Fixtures.write(dir.resolve("t10k-images-idx3-ubyte"), Fixtures.idxImages(2, 3, 3));
        ImageDataset train = DataSources.open(dir.toString(), Split.TRAIN);
        ImageDataset test = DataSources.open(dir.toString(), Split.TEST);
        assertThat(train).isInstanceOf(IdxImages.class);
        assertThat(train.size()).isEqualTo(3); // 4 training images: the last ceil(4/12) = 1 validates
        assertThat(DataSources.open(dir.toString(), Split.VALIDATION).size()).isEqualTo(1);
        assertThat(test.size()).isEqualTo(2);
        assertThatThrownBy(() -> DataSources.open(dir.toString(), Split.TRAIN, 3))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("grayscale");
    }

    @Test
    void idxDirectoryMissingTheSplitIsNotFound() throws Exception {
        Fixtures.write(dir.resolve("train-images-idx3-ubyte"), Fixtures.idxImages(1, 2, 2));
        assertThatThrownBy(() -> DataSources.open(dir.toString(), Split.TEST))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining("t10k-images-idx3-ubyte[.gz]");
    }

    @Test
    void plainImageFolderIsCarvedForTrainingAndServesWholeAsTest() throws Exception {
        Fixtures.grayPng(dir.resolve("one.png"), 3, 3, 0);
        Fixtures.grayPng(dir.resolve("sub/two.png"), 3, 3, 9);
        ImageDataset train = DataSources.open(dir.toString(), Split.TRAIN);
        ImageDataset test = DataSources.open(dir.toString(), Split.TEST);
        assertThat(train).isInstanceOf(ImageFolderDataset.class);
        assertThat(((ImageFolderDataset) train).files()).containsExactly(dir.resolve("one.png"));
        assertThat(((ImageFolderDataset) DataSources.open(dir.toString(), Split.VALIDATION)).files())
                .containsExactly(dir.resolve("sub/two.png"));
        assertThat(test.size()).isEqualTo(2);
        assertThat(train.channels()).isEqualTo(1);
    }

    @Test
    void imageFolderWithTrainAndTestSubfoldersPicksTheSplit() throws Exception {
        Fixtures.rgbPng(dir.resolve("train/a.png"), 4, 4, 1);
        Fixtures.rgbPng(dir.resolve("train/b.png"), 4, 4, 2);
        Fixtures.rgbPng(dir.resolve("train/c.png"), 4, 4, 3);
        Fixtures.rgbPng(dir.resolve("test/d.png"), 4, 4, 4);
        ImageFolderDataset train = (ImageFolderDataset) DataSources.open(dir.toString(), Split.TRAIN);
        ImageFolderDataset test = (ImageFolderDataset) DataSources.open(dir.toString(), Split.TEST);
        assertThat(train.size()).isEqualTo(2);
        assertThat(train.files()).containsExactly(dir.resolve("train/a.png"), dir.resolve("train/b.png"));
        assertThat(test.size()).isEqualTo(1);
        assertThat(train.channels()).isEqualTo(3);
        assertThat(test.files().get(0).getFileName().toString()).isEqualTo("d.png");
        assertThat(DataSources.open(dir.toString(), Split.TEST, 1).channels()).isEqualTo(1);
    }

    @Test
    void missingPathIsNotFoundAndListsAcceptedForms() {
        Path missing = dir.resolve("does-not-exist");
        assertThatThrownBy(() -> DataSources.open(missing.toString(), Split.TRAIN))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("'fashion-mnist'")
                .hasMessageContaining("train-images-idx3-ubyte[.gz]")
                .hasMessageContaining("PNG/JPEG");
    }

    @Test
    void regularFileAndBlankSpecAreRejected() throws Exception {
        Path file = Files.writeString(dir.resolve("data.txt"), "x");
        assertThatThrownBy(() -> DataSources.open(file.toString(), Split.TRAIN))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("not a directory");
        assertThatThrownBy(() -> DataSources.open(" ", Split.TRAIN))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("accepted forms");
    }

    @Test
    void fashionMnistNameUsesTheDefaultDirectory() {
        if (Files.isRegularFile(FashionMnist.DEFAULT_DIR.resolve("t10k-images-idx3-ubyte.gz"))
                || Files.isRegularFile(FashionMnist.DEFAULT_DIR.resolve("t10k-images-idx3-ubyte"))) {
            ImageDataset test = DataSources.open("Fashion-MNIST", Split.TEST);
            assertThat(test.size()).isEqualTo(10000);
            assertThat(test.description()).contains(FashionMnist.DEFAULT_DIR.toString());
        } else {
            assertThatThrownBy(() -> DataSources.open("Fashion-MNIST", Split.TEST))
                    .isInstanceOf(DatasetNotFoundException.class)
                    .hasMessageContaining(FashionMnist.DEFAULT_DIR.toString())
                    .hasMessageContaining("apt-get install dataset-fashion-mnist");
        }
    }
}
