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

    @Test
    void readsPaletteImagesByTheirPaletteColours() throws Exception {
        byte[] r = {0, (byte) 255, 10, 90};
        byte[] g = {0, 0, 20, 90};
        byte[] b = {0, 0, 30, 90};
        BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_INDEXED,
                new java.awt.image.IndexColorModel(2, 4, r, g, b));
        img.getRaster().setSample(0, 0, 0, 1);
        img.getRaster().setSample(1, 0, 0, 2);
        img.getRaster().setSample(2, 0, 0, 3);
        ImageIO.write(img, "png", dir.resolve("pal.png").toFile());
        assertThat(ImageIO.read(dir.resolve("pal.png").toFile()).getColorModel())
                .isInstanceOf(java.awt.image.IndexColorModel.class); // the file really is a palette PNG
        ImageFolderDataset rgb = ImageFolderDataset.open(dir, 0);
        assertThat(rgb.channels()).isEqualTo(3); // the palette has colours
        assertThat(new int[] {rgb.pixel(0, 0, 0, 0), rgb.pixel(0, 1, 0, 0), rgb.pixel(0, 2, 0, 0)})
                .containsExactly(255, 0, 0);
        assertThat(new int[] {rgb.pixel(0, 0, 0, 1), rgb.pixel(0, 1, 0, 1), rgb.pixel(0, 2, 0, 1)})
                .containsExactly(10, 20, 30);
        ImageFolderDataset gray = ImageFolderDataset.open(dir, 1);
        assertThat(gray.pixel(0, 0, 0, 0)).isEqualTo(76); // round(0.299 * 255)
        assertThat(gray.pixel(0, 0, 0, 1)).isEqualTo(18); // round(0.299 * 10 + 0.587 * 20 + 0.114 * 30) = round(18.15)
        assertThat(gray.pixel(0, 0, 0, 2)).isEqualTo(90);
    }

    @Test
    void reads16BitGrayAndRgbScaledToTheNearestEighthBitStep() throws Exception {
        BufferedImage g16 = new BufferedImage(4, 1, BufferedImage.TYPE_USHORT_GRAY);
        int[] values = {0, 40000, 65535, 128};
        for (int x = 0; x < 4; x++) g16.getRaster().setSample(x, 0, 0, values[x]);
        ImageIO.write(g16, "png", dir.resolve("g16.png").toFile());
        assertThat(ImageIO.read(dir.resolve("g16.png").toFile()).getRaster().getSampleModel().getSampleSize(0))
                .isEqualTo(16);
        ImageFolderDataset gray = ImageFolderDataset.open(dir, 0);
        assertThat(gray.channels()).isEqualTo(1);
        // v / 65535 rounded to a multiple of 1/255: 40000 -> 155.65 -> 156 (no gamma conversion), 128 -> 0.498 -> 0
        assertThat(gray.image(0)).containsExactly(0f, 156 / 255f, 1f, 0f);
        assertThat(ImageFolderDataset.open(dir, 3).pixel(0, 2, 0, 1)).isEqualTo(156);

        Path rgbDir = java.nio.file.Files.createDirectories(dir.resolve("rgb16"));
        java.awt.image.ComponentColorModel cm = new java.awt.image.ComponentColorModel(
                java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB), false, false,
                java.awt.Transparency.OPAQUE, java.awt.image.DataBuffer.TYPE_USHORT);
        java.awt.image.WritableRaster raster = cm.createCompatibleWritableRaster(1, 1);
        raster.setPixel(0, 0, new int[] {65535, 32768, 257});
        ImageIO.write(new BufferedImage(cm, raster, false, null), "png", rgbDir.resolve("c.png").toFile());
        assertThat(ImageIO.read(rgbDir.resolve("c.png").toFile()).getRaster().getSampleModel().getSampleSize(0))
                .isEqualTo(16);
        ImageFolderDataset rgb = ImageFolderDataset.open(rgbDir, 0);
        assertThat(rgb.channels()).isEqualTo(3);
        assertThat(rgb.image(0)).containsExactly(1f, 128 / 255f, 1 / 255f);
    }

    @Test
    void alphaIsIgnoredForColourAndGrayImages() throws Exception {
        BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x80FF4020); // half transparent
        argb.setRGB(1, 0, 0x00102030); // fully transparent: its colour is kept all the same
        ImageIO.write(argb, "png", dir.resolve("a.png").toFile());
        ImageFolderDataset rgb = ImageFolderDataset.open(dir, 0);
        assertThat(rgb.channels()).isEqualTo(3);
        assertThat(rgb.image(0)).containsExactly(255 / 255f, 0x10 / 255f, 0x40 / 255f, 0x20 / 255f, 0x20 / 255f,
                0x30 / 255f);
        assertThat(ImageFolderDataset.open(dir, 1).pixel(0, 0, 0, 0))
                .isEqualTo((int) Math.round(0.299 * 255 + 0.587 * 0x40 + 0.114 * 0x20));

        Path grayDir = java.nio.file.Files.createDirectories(dir.resolve("ga"));
        java.awt.image.ComponentColorModel cm = new java.awt.image.ComponentColorModel(
                java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY), true, false,
                java.awt.Transparency.TRANSLUCENT, java.awt.image.DataBuffer.TYPE_BYTE);
        java.awt.image.WritableRaster raster = cm.createCompatibleWritableRaster(1, 1);
        raster.setPixel(0, 0, new int[] {77, 10});
        ImageIO.write(new BufferedImage(cm, raster, false, null), "png", grayDir.resolve("g.png").toFile());
        ImageFolderDataset ga = ImageFolderDataset.open(grayDir, 0);
        assertThat(ga.channels()).isEqualTo(1);
        assertThat(ga.pixel(0, 0, 0, 0)).isEqualTo(77);
    }

    @Test
    void aHeaderClaimingMorePixelsThanTheFileCanHoldIsRefusedBeforeDecoding() throws Exception {
        Path good = Fixtures.grayPng(dir.resolve("a.png"), 16, 16, 0);
        byte[] bytes = Files.readAllBytes(good);
        // IHDR starts at byte 8: length (4), "IHDR" (4), width (4, big-endian), height (4)
        assertThat(new String(bytes, 12, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("IHDR");
        java.nio.ByteBuffer.wrap(bytes).putInt(16, 1 << 20).putInt(20, 1 << 20);
        Path huge = Files.write(dir.resolve("b.png"), bytes);
        assertThatThrownBy(() -> ImageFolderDataset.open(dir, 0)).isInstanceOf(DatasetException.class)
                .hasMessage(huge + ": its header says 1048576x1048576 pixels, more than the 134217728 an image may have");
        java.nio.ByteBuffer.wrap(bytes).putInt(16, 4000).putInt(20, 3000);
        Files.write(huge, bytes);
        assertThatThrownBy(() -> ImageFileDataset.open(dir, 0).image(1)).isInstanceOf(DatasetException.class)
                .hasMessage(huge + ": its header says 4000x3000 pixels, more than a " + bytes.length + "-byte file"
                        + " can hold (at most 8256 pixels per byte): corrupt or truncated");
    }
}
