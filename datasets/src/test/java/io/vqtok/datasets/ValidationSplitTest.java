package io.vqtok.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TRAIN and VALIDATION of every image source are the training items in order, split at n - ceil(n/12). */
class ValidationSplitTest {

    @TempDir
    Path dir;

    /** The images of a dataset, each as a list so that they compare by value. */
    private static List<List<Float>> images(ImageDataset d) {
        List<List<Float>> out = new ArrayList<>();
        for (int i = 0; i < d.size(); i++) {
            List<Float> img = new ArrayList<>();
            for (float v : d.image(i)) img.add(v);
            out.add(img);
        }
        return out;
    }

    /** Asserts train ++ validation == all, in order, with the sizes of the rule. */
    private static void assertCarved(ImageDataset train, ImageDataset validation, ImageDataset all) {
        int n = all.size();
        assertThat(validation.size()).isEqualTo((n + 11) / 12);
        assertThat(train.size()).isEqualTo(n - (n + 11) / 12);
        List<List<Float>> joined = new ArrayList<>(images(train));
        joined.addAll(images(validation));
        assertThat(joined).isEqualTo(images(all));
        Set<List<Float>> overlap = new HashSet<>(images(train));
        overlap.retainAll(images(validation));
        assertThat(overlap).isEmpty(); // the fixture's images are all different, so no image is in both
    }

    @Test
    void idxTrainingFileIsCarvedRawAndGzipLoadedAndStreamedWithLabels() throws Exception {
        int n = 25; // validation: ceil(25/12) = 3, train: 22
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = (i * 7) % 10;
        for (boolean gz : new boolean[] {false, true}) {
            Path d = dir.resolve(gz ? "gz" : "raw");
            byte[] images = Fixtures.idxImages(n, 4, 3);
            byte[] lab = Fixtures.idxLabels(labels);
            String suffix = gz ? ".gz" : "";
            Fixtures.write(d.resolve("train-images-idx3-ubyte" + suffix), gz ? Fixtures.gzip(images) : images);
            Fixtures.write(d.resolve("train-labels-idx1-ubyte" + suffix), gz ? Fixtures.gzip(lab) : lab);
            Fixtures.write(d.resolve("t10k-images-idx3-ubyte"), Fixtures.idxImages(5, 4, 3));
            IdxImages all = IdxImages.read(d.resolve("train-images-idx3-ubyte" + suffix));

            ImageDataset train = FashionMnist.load(d, Split.TRAIN);
            ImageDataset val = FashionMnist.load(d, Split.VALIDATION);
            assertCarved(train, val, all);
            assertThat(val.image(0)).containsExactly(all.image(22));
            assertThat(val.description()).startsWith("Fashion-MNIST validation (last 3 of train) from " + d)
                    .endsWith("(3 images, 1x4x3)");
            assertThat(train.description()).startsWith("Fashion-MNIST train (first 22 of train) from ");
            assertThat(FashionMnist.load(d, Split.TEST).size()).isEqualTo(5);
            assertThat(FashionMnist.load(d, Split.TEST).description()).startsWith("Fashion-MNIST test from ");

            try (IdxImageStream st = FashionMnist.stream(d, Split.TRAIN);
                    IdxImageStream sv = FashionMnist.stream(d, Split.VALIDATION)) {
                assertCarved(st, sv, all);
                assertThat(sv.image(2)).containsExactly(all.image(24));
                assertThat(sv.image(0)).containsExactly(all.image(22)); // backwards: reopens and skips to image 22
                assertThat(sv.description()).contains("validation (last 3 of train)").contains("streamed");
            }
            ImageDataset viaSpec = DataSources.open(d.toString(), Split.VALIDATION);
            assertThat(images(viaSpec)).isEqualTo(images(val));
            assertThat(images(DataSources.openStreaming(d.toString(), Split.VALIDATION, 1))).isEqualTo(images(val));

            int[] trainLabels = FashionMnist.loadLabels(d, Split.TRAIN);
            int[] valLabels = FashionMnist.loadLabels(d, Split.VALIDATION);
            assertThat(trainLabels).hasSize(22).containsExactly(java.util.Arrays.copyOfRange(labels, 0, 22));
            assertThat(valLabels).containsExactly(labels[22], labels[23], labels[24]);
            assertThat(IdxLabels.read(d.resolve("train-labels-idx1-ubyte" + suffix), Split.VALIDATION).labels())
                    .containsExactly(valLabels);
        }
    }

    @Test
    void idxReadersCarveAnyFileAndCheckTheWholeFile() throws Exception {
        byte[] images = Fixtures.idxImages(13, 2, 2); // validation: 2, train: 11
        Path f = Fixtures.write(dir.resolve("x-idx3-ubyte"), images);
        IdxImages all = IdxImages.read(f);
        assertCarved(IdxImages.read(f, Split.TRAIN), IdxImages.read(f, Split.VALIDATION), all);
        assertThat(IdxImages.read(f, Split.TEST).size()).isEqualTo(13);
        assertThat(IdxImages.read(f, Split.VALIDATION).description())
                .isEqualTo("IDX images validation (last 2 of train) from " + f + " (2 images, 1x2x2)");
        // the part after the validation images is still read: a short gzip file fails for every split
        Path cut = Fixtures.write(dir.resolve("cut.gz"),
                Fixtures.gzip(java.util.Arrays.copyOf(images, images.length - 1)));
        for (Split s : Split.values()) {
            assertThatThrownBy(() -> IdxImages.read(cut, s)).isInstanceOf(DatasetException.class)
                    .hasMessageContaining("cut.gz: truncated: expected 52 bytes of data").hasMessageContaining("found 51");
        }
        Path one = Fixtures.write(dir.resolve("one-idx3-ubyte"), Fixtures.idxImages(1, 2, 2));
        assertThatThrownBy(() -> IdxImages.read(one, Split.TRAIN)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("one-idx3-ubyte: 1 training item, too few to carve a train split");
        assertThatThrownBy(() -> IdxImageStream.open(one, Split.VALIDATION)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("too few to carve a validation split");
        assertThat(IdxImages.read(one, Split.TEST).size()).isEqualTo(1);
    }

    @Test
    void imageFolderWithTrainAndTestIsCarvedFromTrainInSortedOrder() throws Exception {
        for (int i = 0; i < 14; i++) { // validation: ceil(14/12) = 2, train: 12
            Fixtures.grayPng(dir.resolve("train/" + (char) ('a' + i) + ".png"), 3, 2, 10 * i);
        }
        Fixtures.grayPng(dir.resolve("test/t.png"), 3, 2, 7);
        ImageFolderDataset all = ImageFolderDataset.open(dir.resolve("train"), 0);
        ImageFolderDataset train = ImageFolderDataset.open(dir, Split.TRAIN, 0);
        ImageFolderDataset val = ImageFolderDataset.open(dir, Split.VALIDATION, 0);
        assertCarved(train, val, all);
        assertThat(val.files()).extracting(p -> p.getFileName().toString()).containsExactly("m.png", "n.png");
        assertThat(train.files().get(11).getFileName().toString()).isEqualTo("l.png");
        assertThat(val.root()).isEqualTo(dir.resolve("train"));
        assertThat(val.description()).isEqualTo("image folder " + dir.resolve("train")
                + ", validation (last 2 of train) (2 images, 1x2x3)");
        assertThat(ImageFolderDataset.splitFiles(dir, Split.VALIDATION)).isEqualTo(val.files());
        assertThat(ImageFolderDataset.open(dir, Split.TEST, 0).files()).containsExactly(dir.resolve("test/t.png"));

        assertCarved(ImageFileDataset.open(dir, Split.TRAIN, 0), ImageFileDataset.open(dir, Split.VALIDATION, 0), all);
        assertThat(ImageFileDataset.open(dir, Split.VALIDATION, 0).files()).isEqualTo(val.files());
        assertThat(images(DataSources.open(dir.toString(), Split.VALIDATION))).isEqualTo(images(val));
        assertThat(images(DataSources.openStreaming(dir.toString(), Split.TRAIN, 0))).isEqualTo(images(train));
    }

    @Test
    void plainImageFolderIsTheTrainingDataAndAlsoServesAsTest() throws Exception {
        for (int i = 0; i < 3; i++) Fixtures.rgbPng(dir.resolve("p" + i + ".png"), 2, 2, 40 * i);
        ImageFolderDataset all = ImageFolderDataset.open(dir, 0);
        ImageDataset train = DataSources.open(dir.toString(), Split.TRAIN);
        ImageDataset val = DataSources.open(dir.toString(), Split.VALIDATION);
        assertCarved(train, val, all);
        assertThat(images(DataSources.open(dir.toString(), Split.TEST))).isEqualTo(images(all));
        assertThat(val.description()).contains("validation (last 1 of train)");
    }

    @Test
    void aSingleTrainingImageCannotBeCarved() throws Exception {
        Fixtures.grayPng(dir.resolve("train/a.png"), 2, 2, 0);
        Fixtures.grayPng(dir.resolve("test/b.png"), 2, 2, 0);
        assertThatThrownBy(() -> DataSources.open(dir.toString(), Split.TRAIN)).isInstanceOf(DatasetException.class)
                .hasMessageContaining(dir.resolve("train") + ": 1 training item, too few to carve a train split");
        assertThatThrownBy(() -> DataSources.openStreaming(dir.toString(), Split.VALIDATION, 0))
                .isInstanceOf(DatasetException.class).hasMessageContaining("too few to carve a validation split");
        assertThat(DataSources.open(dir.toString(), Split.TEST).size()).isEqualTo(1);
    }
}
