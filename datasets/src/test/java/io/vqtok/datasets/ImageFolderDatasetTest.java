package io.vqtok.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderDatasetTest {

    @TempDir
    Path dir;

    @Test
    void readsGrayPngsExactly() throws Exception {
        Fixtures.grayPng(dir.resolve("a.png"), 4, 3, 0);
        Fixtures.grayPng(dir.resolve("b.png"), 4, 3, 100);
        ImageFolderDataset ds = ImageFolderDataset.open(dir, 0);
        assertThat(ds.size()).isEqualTo(2);
        assertThat(ds.channels()).isEqualTo(1);
        assertThat(ds.height()).isEqualTo(3);
        assertThat(ds.width()).isEqualTo(4);
        for (int i = 0; i < 2; i++) {
            float[] img = ds.image(i);
            for (int y = 0; y < 3; y++) {
                for (int x = 0; x < 4; x++) {
                    int expected = (i * 100 + 10 * y + x) & 0xFF;
                    assertThat(ds.pixel(i, 0, y, x)).isEqualTo(expected);
                    assertThat(img[y * 4 + x]).isEqualTo(expected / 255f);
                }
            }
        }
        assertThat(ds.description()).contains("2 images").contains("1x3x4");
    }

    @Test
    void readsRgbPngsInChwLayout() throws Exception {
        Fixtures.rgbPng(dir.resolve("x.png"), 5, 2, 7);
        ImageFolderDataset ds = ImageFolderDataset.open(dir, 0);
        assertThat(ds.channels()).isEqualTo(3);
        float[] img = ds.image(0);
        int plane = 5 * 2;
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 5; x++) {
                int rgb = Fixtures.rgb(7, x, y);
                assertThat(img[y * 5 + x]).isEqualTo(((rgb >> 16) & 0xFF) / 255f);
                assertThat(img[plane + y * 5 + x]).isEqualTo(((rgb >> 8) & 0xFF) / 255f);
                assertThat(img[2 * plane + y * 5 + x]).isEqualTo((rgb & 0xFF) / 255f);
            }
        }
    }

    @Test
    void convertsRgbToGrayByLuminance() throws Exception {
        BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0xFF0000);
        img.setRGB(1, 0, 0x00FF00);
        img.setRGB(2, 0, 0x102030);
        ImageIO.write(img, "png", dir.resolve("c.png").toFile());
        ImageFolderDataset ds = ImageFolderDataset.open(dir, 1);
        assertThat(ds.channels()).isEqualTo(1);
        assertThat(ds.pixel(0, 0, 0, 0)).isEqualTo((int) Math.round(0.299 * 255));
        assertThat(ds.pixel(0, 0, 0, 1)).isEqualTo((int) Math.round(0.587 * 255));
        assertThat(ds.pixel(0, 0, 0, 2)).isEqualTo((int) Math.round(0.299 * 16 + 0.587 * 32 + 0.114 * 48));
    }

    @Test
    void replicatesGrayToRgb() throws Exception {
        Fixtures.grayPng(dir.resolve("g.png"), 2, 2, 50);
        ImageFolderDataset ds = ImageFolderDataset.open(dir, 3);
        assertThat(ds.channels()).isEqualTo(3);
        for (int c = 0; c < 3; c++) {
            assertThat(ds.pixel(0, c, 1, 1)).isEqualTo(50 + 10 + 1);
            assertThat(ds.pixel(0, c, 0, 0)).isEqualTo(50);
        }
    }

    @Test
    void findsImagesRecursivelySortedByRelativePathIgnoringOtherFiles() throws Exception {
        Fixtures.grayPng(dir.resolve("b/z.PNG"), 2, 2, 2);
        Fixtures.grayPng(dir.resolve("a.png"), 2, 2, 1);
        Fixtures.grayPng(dir.resolve("b/a.png"), 2, 2, 3);
        Fixtures.grayPng(dir.resolve("c.Jpeg"), 2, 2, 4);
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        Files.writeString(dir.resolve("b/readme.md"), "nor this");
        ImageFolderDataset ds = ImageFolderDataset.open(dir, 1);
        assertThat(ds.files()).extracting(p -> dir.relativize(p).toString().replace('\\', '/'))
                .containsExactly("a.png", "b/a.png", "b/z.PNG", "c.Jpeg");
        assertThat(ds.pixel(0, 0, 0, 0)).isEqualTo(1);
        assertThat(ds.pixel(1, 0, 0, 0)).isEqualTo(3);
        assertThat(ds.pixel(2, 0, 0, 0)).isEqualTo(2);
        assertThat(ds.root()).isEqualTo(dir);
    }

    @Test
    void readsJpeg() throws Exception {
        Path f = dir.resolve("photo.jpg");
        ImageIO.write(Fixtures.rgbImage(16, 8, 30), "jpg", f.toFile());
        ImageFolderDataset ds = ImageFolderDataset.open(dir, 0);
        assertThat(ds.size()).isEqualTo(1);
        assertThat(ds.channels()).isEqualTo(3);
        assertThat(ds.width()).isEqualTo(16);
        assertThat(ds.height()).isEqualTo(8);
    }

    @Test
    void rejectsSizeMismatchNamingFileAndBothSizes() throws Exception {
        Fixtures.grayPng(dir.resolve("a.png"), 4, 3, 0);
        Path odd = Fixtures.grayPng(dir.resolve("b.png"), 5, 3, 0);
        assertThatThrownBy(() -> ImageFolderDataset.open(dir, 0))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(odd.toString())
                .hasMessageContaining("size 5x3")
                .hasMessageContaining("differs from 4x3")
                .hasMessageContaining("a.png");
    }

    @Test
    void rejectsCorruptImageNamingFile() throws Exception {
        Fixtures.grayPng(dir.resolve("a.png"), 2, 2, 0);
        Path bad = dir.resolve("b.png");
        Files.write(bad, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertThatThrownBy(() -> ImageFolderDataset.open(dir, 0))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(bad.toString());
    }

    @Test
    void rejectsTruncatedPngNamingFile() throws Exception {
        Path good = Fixtures.rgbPng(dir.resolve("a.png"), 32, 32, 5);
        byte[] bytes = Files.readAllBytes(good);
        Path bad = Files.write(dir.resolve("b.png"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> ImageFolderDataset.open(dir, 0))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(bad.toString());
    }

    @Test
    void rejectsEmptyFolder() throws Exception {
        Files.writeString(dir.resolve("readme.txt"), "no images here");
        assertThatThrownBy(() -> ImageFolderDataset.open(dir, 0))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(dir.toString())
                .hasMessageContaining("no images found");
    }

    @Test
    void rejectsMissingFolderAndBadChannels() {
        assertThatThrownBy(() -> ImageFolderDataset.open(dir.resolve("none"), 0))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining("none");
        assertThatThrownBy(() -> ImageFolderDataset.open(dir, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 2");
    }
}
