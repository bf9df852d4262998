package io.vqtok.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The streamed readers give exactly the images of the in-memory ones, and reject what those reject. */
class StreamingDatasetsTest {

    @TempDir
    Path dir;

    private static void assertSameImages(ImageDataset streamed, ImageDataset loaded, int[] order) {
        assertThat(streamed.size()).isEqualTo(loaded.size());
        assertThat(streamed.channels()).isEqualTo(loaded.channels());
        assertThat(streamed.height()).isEqualTo(loaded.height());
        assertThat(streamed.width()).isEqualTo(loaded.width());
        for (int i : order) assertThat(streamed.image(i)).as("image %d", i).containsExactly(loaded.image(i));
    }

    @Test
    void idxStreamMatchesTheLoadedFileInAnyOrder() throws Exception {
        for (boolean gz : new boolean[]{false, true}) {
            byte[] raw = Fixtures.idxImages(9, 4, 3);
            Path f = Fixtures.write(dir.resolve(gz ? "a-idx3-ubyte.gz" : "a-idx3-ubyte"), gz ? Fixtures.gzip(raw) : raw);
            try (IdxImageStream s = IdxImageStream.open(f)) {
                // in order, skipping ahead, and backwards (a reopen)
                assertSameImages(s, IdxImages.read(f), new int[]{0, 1, 2, 5, 8, 3, 0, 8});
                assertThat(s.description()).contains("9 images").contains("streamed");
            }
        }
    }

    @Test
    void idxStreamChecksARawFileLengthAgainstItsHeaderBeforeReading() throws Exception {
        byte[] raw = Fixtures.idxImages(9, 4, 3);
        Path truncated = Fixtures.write(dir.resolve("t-idx3-ubyte"), Arrays.copyOf(raw, raw.length - 5));
        assertThatThrownBy(() -> IdxImageStream.open(truncated)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("t-idx3-ubyte").hasMessageContaining("truncated");
        byte[] longer = Arrays.copyOf(raw, raw.length + 3);
        Path trailing = Fixtures.write(dir.resolve("l-idx3-ubyte"), longer);
        assertThatThrownBy(() -> IdxImageStream.open(trailing)).isInstanceOf(DatasetException.class).hasMessageContaining("trailing");
        // a header claiming 2^31 - 1 images in a small file is refused at open, before anything is allocated for it
        byte[] lying = raw.clone();
        lying[4] = 0x7f;
        lying[5] = lying[6] = lying[7] = (byte) 0xff;
        Path big = Fixtures.write(dir.resolve("b-idx3-ubyte"), lying);
        assertThatThrownBy(() -> IdxImageStream.open(big)).isInstanceOf(DatasetException.class).hasMessageContaining("truncated");
        assertThatThrownBy(() -> IdxImageStream.open(dir.resolve("missing"))).isInstanceOf(DatasetNotFoundException.class);
    }

    @Test
    void truncatedGzipIdxFailsWhenTheReadReachesTheEnd() throws Exception {
        byte[] raw = Fixtures.idxImages(9, 4, 3);
        Path f = Fixtures.write(dir.resolve("g-idx3-ubyte.gz"), Fixtures.gzip(Arrays.copyOf(raw, raw.length - 12)));
        try (IdxImageStream s = IdxImageStream.open(f)) {
            assertThat(s.image(7)).hasSize(12);
            assertThatThrownBy(() -> s.image(8)).isInstanceOf(DatasetException.class).hasMessageContaining("truncated");
        }
    }

    @Test
    void imageFilesMatchTheLoadedFolderAndCheckEverySize() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("imgs"));
        for (int i = 0; i < 6; i++) Fixtures.rgbPng(folder.resolve("img" + i + ".png"), 5, 4, 10 * i);
        for (int channels : new int[]{0, 1, 3}) {
            ImageFileDataset s = ImageFileDataset.open(folder, channels);
            assertSameImages(s, ImageFolderDataset.open(folder, channels), new int[]{0, 3, 5, 1});
            assertThat(s.files()).hasSize(6);
        }
        Fixtures.rgbPng(folder.resolve("img9.png"), 6, 4, 1);
        ImageFileDataset s = ImageFileDataset.open(folder, 3);
        assertThatThrownBy(() -> s.image(6)).isInstanceOf(DatasetException.class).hasMessageContaining("img9.png").hasMessageContaining("differs");
        Files.write(folder.resolve("img7.png"), new byte[]{1, 2, 3});
        assertThatThrownBy(() -> ImageFileDataset.open(folder, 3).image(6)).isInstanceOf(DatasetException.class).hasMessageContaining("img7.png");
    }

    @Test
    void openStreamingResolvesLikeOpen() throws Exception {
        Files.write(dir.resolve("t10k-images-idx3-ubyte"), Fixtures.idxImages(3, 28, 28));
        Files.write(dir.resolve("train-images-idx3-ubyte"), Fixtures.idxImages(4, 28, 28));
        ImageDataset s = DataSources.openStreaming(dir.toString(), Split.TEST, 0);
        assertThat(s).isInstanceOf(IdxImageStream.class);
        assertSameImages(s, DataSources.open(dir.toString(), Split.TEST, 0), new int[]{0, 1, 2});
        Path folder = Files.createDirectories(dir.resolve("f"));
        Fixtures.grayPng(folder.resolve("a.png"), 3, 3, 0);
        assertThat(DataSources.openStreaming(folder.toString(), Split.TEST, 0)).isInstanceOf(ImageFileDataset.class);
    }

    @Test
    void streamedFloatNpyRoundTrips() throws Exception {
        Path f = dir.resolve("x.npy");
        Npy.streamFloats(f, sink -> {
            sink.write(new float[]{1.5f, -2f, 3f});
            sink.write(new float[]{4f, 0.25f, 6f});
        }, 2, 3);
        NpyArray a = Npy.read(f);
        assertThat(a.shape()).containsExactly(2, 3);
        assertThat(a.asFloats()).containsExactly(1.5f, -2f, 3f, 4f, 0.25f, 6f);
        // too few values: no file
        Path g = dir.resolve("y.npy");
        assertThatThrownBy(() -> Npy.streamFloats(g, sink -> sink.write(new float[]{1f}), 2, 3)).hasMessageContaining("expected 6");
        assertThat(g).doesNotExist();
    }
}
