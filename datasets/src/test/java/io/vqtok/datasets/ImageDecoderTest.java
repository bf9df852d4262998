package io.vqtok.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image bytes decode to exactly the floats the folder readers give for the same files, with the same checks. */
class ImageDecoderTest {

    @TempDir
    Path dir;

    @Test
    void bytesDecodeToTheFloatsOfTheStreamedFolder() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("imgs"));
        for (int i = 0; i < 3; i++) Fixtures.rgbPng(folder.resolve("rgb" + i + ".png"), 5, 4, 20 * i);
        for (int i = 0; i < 2; i++) Fixtures.grayPng(folder.resolve("zgray" + i + ".png"), 5, 4, 7 * i);
        for (int channels : new int[]{1, 3}) {
            ImageFileDataset files = ImageFileDataset.open(folder, channels);
            ImageDecoder d = new ImageDecoder(channels, 4, 5);
            for (int i = 0; i < files.size(); i++) {
                float[] got = new float[d.imageSize() + 3];
                d.decode(Files.readAllBytes(files.files().get(i)), "row" + i, got, 3);
                assertThat(java.util.Arrays.copyOfRange(got, 3, got.length)).as("channels %d, %s", channels, files.files().get(i))
                        .containsExactly(files.image(i));
            }
        }
    }

    @Test
    void corruptBytesAndOtherSizesAreDatasetExceptionsNamingTheImage() throws Exception {
        ImageDecoder d = new ImageDecoder(1, 4, 5);
        float[] dst = new float[d.imageSize()];
        assertThatThrownBy(() -> d.decode("not an image".getBytes(), "notes.png", dst, 0))
                .isInstanceOf(DatasetException.class).hasMessageContaining("notes.png").hasMessageContaining("not a readable image");
        byte[] png = Files.readAllBytes(Fixtures.grayPng(dir.resolve("a.png"), 5, 4, 1));
        assertThatThrownBy(() -> d.decode(java.util.Arrays.copyOf(png, png.length / 2), "cut.png", dst, 0))
                .isInstanceOf(DatasetException.class).hasMessageContaining("cut.png");
        byte[] other = Files.readAllBytes(Fixtures.grayPng(dir.resolve("b.png"), 6, 4, 1));
        assertThatThrownBy(() -> d.decode(other, "wide.png", dst, 0))
                .isInstanceOf(DatasetException.class).hasMessageContaining("wide.png").hasMessageContaining("6x4");
        assertThatThrownBy(() -> d.decode(new byte[0], "empty.png", dst, 0)).isInstanceOf(DatasetException.class);
    }
}
