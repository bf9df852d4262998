package io.vqtok.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageWriterTest {

    @TempDir
    Path dir;

    @Test
    void grayPngReadsBackWithRoundedClampedValues() throws Exception {
        Path f = dir.resolve("g.png");
        float[] chw = {0f, 1f, 0.5f, -0.3f, 1.7f, Float.NaN, 0.2f, 100f / 255f};
        ImageWriter.writePng(f, chw, 1, 2, 4);
        BufferedImage img = ImageIO.read(f.toFile());
        assertThat(img.getWidth()).isEqualTo(4);
        assertThat(img.getHeight()).isEqualTo(2);
        int[] expected = {0, 255, 128, 0, 255, 0, 51, 100};
        for (int i = 0; i < expected.length; i++) {
            assertThat(img.getRaster().getSample(i % 4, i / 4, 0)).as("pixel %d", i).isEqualTo(expected[i]);
        }
    }

    @Test
    void rgbPngReadsBackChannelByChannel() throws Exception {
        Path f = dir.resolve("c.png");
        int h = 2;
        int w = 3;
        float[] chw = new float[3 * h * w];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < h * w; i++) {
                chw[c * h * w + i] = ((c * 80 + i * 30) % 256) / 255f;
            }
        }
        ImageWriter.writePng(f, chw, 3, h, w);
        BufferedImage img = ImageIO.read(f.toFile());
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                int rgb = img.getRGB(x, y);
                assertThat((rgb >> 16) & 0xFF).isEqualTo((i * 30) % 256);
                assertThat((rgb >> 8) & 0xFF).isEqualTo((80 + i * 30) % 256);
                assertThat(rgb & 0xFF).isEqualTo((160 + i * 30) % 256);
            }
        }
    }

    @Test
    void pngRoundTripsThroughImageFolderDataset() throws Exception {
        float[] chw = new float[3 * 4 * 5];
        for (int i = 0; i < chw.length; i++) {
            chw[i] = (i * 17 % 256) / 255f;
        }
        ImageWriter.writePng(dir.resolve("img.png"), chw, 3, 4, 5);
        ImageFolderDataset ds = ImageFolderDataset.open(dir, 3);
        assertThat(ds.image(0)).containsExactly(chw);
    }

    @Test
    void gridLaysOutScaledImagesWithGaps() throws Exception {
        int h = 2;
        int w = 3;
        int count = 5;
        float[] images = new float[count * h * w];
        for (int n = 0; n < count; n++) {
            for (int i = 0; i < h * w; i++) {
                images[n * h * w + i] = (n * 40 + i) / 255f;
            }
        }
        Path f = dir.resolve("grid.png");
        ImageWriter.writeGrid(f, images, count, 1, h, w, 3, 2);
        BufferedImage img = ImageIO.read(f.toFile());
        // 3 columns, 2 rows, scale 2, gap 2
        assertThat(img.getWidth()).isEqualTo(3 * w * 2 + 2 * 2);
        assertThat(img.getHeight()).isEqualTo(2 * h * 2 + 2);
        for (int n = 0; n < count; n++) {
            int x0 = (n % 3) * (w * 2 + 2);
            int y0 = (n / 3) * (h * 2 + 2);
            for (int y = 0; y < h * 2; y++) {
                for (int x = 0; x < w * 2; x++) {
                    int expected = n * 40 + (y / 2) * w + x / 2;
                    assertThat(img.getRaster().getSample(x0 + x, y0 + y, 0)).isEqualTo(expected);
                }
            }
        }
        assertThat(img.getRaster().getSample(w * 2, 0, 0)).isEqualTo(ImageWriter.GRID_GAP_LEVEL);
        assertThat(img.getRaster().getSample(w * 2 + 1, 0, 0)).isEqualTo(ImageWriter.GRID_GAP_LEVEL);
        assertThat(img.getRaster().getSample(0, h * 2, 0)).isEqualTo(ImageWriter.GRID_GAP_LEVEL);
        // the unused sixth cell is gap-colored
        assertThat(img.getRaster().getSample(img.getWidth() - 1, img.getHeight() - 1, 0))
                .isEqualTo(ImageWriter.GRID_GAP_LEVEL);
    }

    @Test
    void rgbGridWithFewerImagesThanColumns() throws Exception {
        float[] images = new float[2 * 3 * 1 * 1];
        images[0] = 1f; // image 0 red
        images[3 + 2] = 1f; // image 1 blue
        Path f = dir.resolve("rgbgrid.png");
        ImageWriter.writeGrid(f, images, 2, 3, 1, 1, 8, 1);
        BufferedImage img = ImageIO.read(f.toFile());
        assertThat(img.getWidth()).isEqualTo(2 + 2);
        assertThat(img.getHeight()).isEqualTo(1);
        assertThat(img.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFF0000);
        assertThat(img.getRGB(3, 0) & 0xFFFFFF).isEqualTo(0x0000FF);
    }

    @Test
    void overwritesAtomicallyAndLeavesNoTemporaryFiles() throws Exception {
        Path f = dir.resolve("out/a.png");
        ImageWriter.writePng(f, new float[] {0f}, 1, 1, 1);
        ImageWriter.writePng(f, new float[] {1f, 1f}, 1, 1, 2);
        assertThat(ImageIO.read(f.toFile()).getWidth()).isEqualTo(2);
        try (Stream<Path> files = Files.list(f.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("a.png");
        }
    }

    @Test
    void validatesArguments() {
        Path f = dir.resolve("x.png");
        assertThatThrownBy(() -> ImageWriter.writePng(f, new float[3], 1, 2, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 1x2x2");
        assertThatThrownBy(() -> ImageWriter.writePng(f, new float[8], 2, 2, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("channels");
        assertThatThrownBy(() -> ImageWriter.writeGrid(f, new float[4], 2, 1, 2, 2, 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("need 8");
        assertThatThrownBy(() -> ImageWriter.writeGrid(f, new float[4], 1, 1, 2, 2, 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("columns=0");
        assertThat(Files.exists(f)).isFalse();
    }
}
