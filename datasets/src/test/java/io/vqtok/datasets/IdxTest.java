package io.vqtok.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {

    @TempDir
    Path dir;

    private static void assertMatchesFixture(IdxImages images, int n, int h, int w) {
        assertThat(images.size()).isEqualTo(n);
        assertThat(images.channels()).isEqualTo(1);
        assertThat(images.height()).isEqualTo(h);
        assertThat(images.width()).isEqualTo(w);
        assertThat(images.imageSize()).isEqualTo(h * w);
        for (int i = 0; i < n; i++) {
            float[] img = images.image(i);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    assertThat(img[y * w + x]).isEqualTo(Fixtures.pixel(i, y, x) / 255f);
                    assertThat(images.pixel(i, 0, y, x)).isEqualTo(Fixtures.pixel(i, y, x));
                }
            }
        }
    }

    @Test
    void readsRawIdxImages() throws Exception {
        Path f = Fixtures.write(dir.resolve("imgs-idx3-ubyte"), Fixtures.idxImages(5, 4, 3));
        IdxImages images = IdxImages.read(f);
        assertMatchesFixture(images, 5, 4, 3);
        assertThat(images.file()).isEqualTo(f);
        assertThat(images.description()).contains("imgs-idx3-ubyte").contains("5 images").contains("1x4x3");
    }

    @Test
    void readsGzipIdxImages() throws Exception {
        Path f = Fixtures.write(dir.resolve("imgs-idx3-ubyte.gz"), Fixtures.gzip(Fixtures.idxImages(7, 2, 5)));
        assertMatchesFixture(IdxImages.read(f), 7, 2, 5);
    }

    @Test
    void detectsGzipFromContentNotName() throws Exception {
        Path gzNoSuffix = Fixtures.write(dir.resolve("packed"), Fixtures.gzip(Fixtures.idxImages(3, 2, 2)));
        Path rawWithSuffix = Fixtures.write(dir.resolve("plain.gz"), Fixtures.idxImages(3, 2, 2));
        assertMatchesFixture(IdxImages.read(gzNoSuffix), 3, 2, 2);
        assertMatchesFixture(IdxImages.read(rawWithSuffix), 3, 2, 2);
    }

    @Test
    void extremePixelValuesScaleToZeroAndOne() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(16 + 2).putInt(0x803).putInt(1).putInt(1).putInt(2);
        b.put((byte) 0).put((byte) 255);
        IdxImages images = IdxImages.read(Fixtures.write(dir.resolve("x"), b.array()));
        assertThat(images.image(0)).containsExactly(0f, 1f);
    }

    @Test
    void imagesConcatenatesInRequestedOrder() throws Exception {
        IdxImages images = IdxImages.read(Fixtures.write(dir.resolve("f"), Fixtures.idxImages(4, 2, 3)));
        float[] all = images.images(new int[] {2, 0, 2});
        assertThat(all).hasSize(3 * 6);
        assertThat(Arrays.copyOfRange(all, 0, 6)).containsExactly(images.image(2));
        assertThat(Arrays.copyOfRange(all, 6, 12)).containsExactly(images.image(0));
        assertThat(Arrays.copyOfRange(all, 12, 18)).containsExactly(images.image(2));
    }

    @Test
    void copyImageHonoursOffsetAndBounds() throws Exception {
        IdxImages images = IdxImages.read(Fixtures.write(dir.resolve("f"), Fixtures.idxImages(2, 2, 2)));
        float[] dst = new float[10];
        Arrays.fill(dst, -1f);
        images.copyImage(1, dst, 3);
        assertThat(dst[2]).isEqualTo(-1f);
        assertThat(Arrays.copyOfRange(dst, 3, 7)).containsExactly(images.image(1));
        assertThat(dst[7]).isEqualTo(-1f);
        assertThatThrownBy(() -> images.copyImage(2, dst, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> images.copyImage(-1, dst, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> images.copyImage(0, dst, 7)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void rejectsBadMagicNamingFileAndBothMagics() throws Exception {
        Path f = Fixtures.write(dir.resolve("train-images-idx3-ubyte.gz"), Fixtures.gzip(Fixtures.idxLabels(1, 2)));
        assertThatThrownBy(() -> IdxImages.read(f))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("train-images-idx3-ubyte.gz: bad magic 0x00000801, expected 0x00000803"
                        + " (IDX unsigned-byte images)");
    }

    @Test
    void rejectsNonIdxFile() throws Exception {
        Path f = Fixtures.write(dir.resolve("photo.png"), "\u0089PNG\r\n\u001a\n....".getBytes("ISO-8859-1"));
        assertThatThrownBy(() -> IdxImages.read(f))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("photo.png: bad magic 0x89504E47")
                .hasMessageContaining("not an IDX file");
    }

    @Test
    void rejectsNonPositiveDimension() throws Exception {
        ByteBuffer b = ByteBuffer.allocate(16).putInt(0x803).putInt(3).putInt(0).putInt(28);
        Path f = Fixtures.write(dir.resolve("zero"), b.array());
        assertThatThrownBy(() -> IdxImages.read(f))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("zero: dimension 1 has size 0; expected a positive size");
    }

    @Test
    void rejectsTruncatedHeader() throws Exception {
        Path f = Fixtures.write(dir.resolve("short"), Arrays.copyOf(Fixtures.idxImages(1, 2, 2), 10));
        assertThatThrownBy(() -> IdxImages.read(f))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("short: truncated header: expected 16 bytes")
                .hasMessageContaining("found 10");
        Path empty = Fixtures.write(dir.resolve("empty"), new byte[0]);
        assertThatThrownBy(() -> IdxImages.read(empty))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("empty: file too short (0 bytes)");
    }

    @Test
    void rejectsTruncatedPayloadStatingExpectedAndActualBytes() throws Exception {
        byte[] full = Fixtures.idxImages(10, 4, 4);
        Path raw = Fixtures.write(dir.resolve("cut"), Arrays.copyOf(full, full.length - 7));
        assertThatThrownBy(() -> IdxImages.read(raw))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("cut: truncated: expected 160 bytes of data")
                .hasMessageContaining("found 153");
        Path gz = Fixtures.write(dir.resolve("cut.gz"), Fixtures.gzip(Arrays.copyOf(full, full.length - 7)));
        assertThatThrownBy(() -> IdxImages.read(gz))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("expected 160 bytes of data")
                .hasMessageContaining("found 153");
    }

    @Test
    void rejectsTruncatedGzipStream() throws Exception {
        byte[] gz = Fixtures.gzip(Fixtures.idxImages(50, 8, 8));
        Path f = Fixtures.write(dir.resolve("broken.gz"), Arrays.copyOf(gz, gz.length / 2));
        assertThatThrownBy(() -> IdxImages.read(f))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("broken.gz");
    }

    @Test
    void rejectsTrailingBytes() throws Exception {
        byte[] full = Fixtures.idxImages(3, 2, 2);
        Path f = Fixtures.write(dir.resolve("long"), Arrays.copyOf(full, full.length + 5));
        assertThatThrownBy(() -> IdxImages.read(f))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("long: 5 trailing bytes: expected exactly 12 bytes of data");
    }

    @Test
    void missingFileIsNotFound() {
        assertThatThrownBy(() -> IdxImages.read(dir.resolve("nope")))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining("nope");
    }

    @Test
    void readsLabelsRawAndGzip() throws Exception {
        int[] expected = {0, 9, 3, 255, 7};
        Path raw = Fixtures.write(dir.resolve("labels"), Fixtures.idxLabels(expected));
        Path gz = Fixtures.write(dir.resolve("labels.gz"), Fixtures.gzip(Fixtures.idxLabels(expected)));
        assertThat(IdxLabels.read(raw).labels()).containsExactly(expected);
        IdxLabels fromGz = IdxLabels.read(gz);
        assertThat(fromGz.labels()).containsExactly(expected);
        assertThat(fromGz.size()).isEqualTo(5);
        assertThat(fromGz.label(3)).isEqualTo(255);
    }

    @Test
    void labelReaderRejectsImageFile() throws Exception {
        Path f = Fixtures.write(dir.resolve("imgs"), Fixtures.idxImages(1, 1, 1));
        assertThatThrownBy(() -> IdxLabels.read(f))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("bad magic 0x00000803, expected 0x00000801 (IDX unsigned-byte labels)");
    }

    @Test
    void lyingSizesFailBeforeAnythingIsAllocatedForThem() throws Exception {
        byte[] small = Fixtures.idxImages(3, 2, 2);
        // sizes whose product overflows a long: 2^31-1 cubed
        byte[] overflow = small.clone();
        ByteBuffer.wrap(overflow).putInt(4, Integer.MAX_VALUE).putInt(8, Integer.MAX_VALUE).putInt(12, Integer.MAX_VALUE);
        Path f = Fixtures.write(dir.resolve("overflow"), overflow);
        assertThatThrownBy(() -> IdxImages.read(f)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("overflow: sizes 2147483647x2147483647x2147483647 give over 2^63 bytes of data");
        // a raw file claiming 2 GB: its length is checked before the payload is read
        byte[] big = small.clone();
        ByteBuffer.wrap(big).putInt(4, 7).putInt(8, 17000).putInt(12, 17000);
        Path raw = Fixtures.write(dir.resolve("big"), big);
        assertThatThrownBy(() -> IdxImages.read(raw)).isInstanceOf(DatasetException.class)
                .hasMessage(raw + ": truncated: expected 2023000000 bytes of data after the 16-byte header (sizes"
                        + " 7x17000x17000), found 12");
        // the same header gzip-compressed: read in pieces that grow with the data, so it fails with "truncated" too
        Path gz = Fixtures.write(dir.resolve("big.gz"), Fixtures.gzip(big));
        assertThatThrownBy(() -> IdxImages.read(gz)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("big.gz: truncated: expected 2023000000 bytes").hasMessageContaining("found 12");
        assertThatThrownBy(() -> IdxImages.read(gz, Split.VALIDATION)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("found 12");
        // streamed: images over 2^24 pixels are refused at open; a gzip file's short payload when it is read
        byte[] wide = small.clone();
        ByteBuffer.wrap(wide).putInt(4, 1).putInt(8, 4097).putInt(12, 4096);
        Path w = Fixtures.write(dir.resolve("wide.gz"), Fixtures.gzip(wide));
        assertThatThrownBy(() -> IdxImageStream.open(w)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("wide.gz: images of 4097x4096 pixels are too large");
        byte[] many = small.clone();
        ByteBuffer.wrap(many).putInt(4, 1_000_000).putInt(8, 64).putInt(12, 64);
        Path m = Fixtures.write(dir.resolve("many.gz"), Fixtures.gzip(many));
        try (IdxImageStream s = IdxImageStream.open(m)) {
            assertThat(s.size()).isEqualTo(1_000_000);
            float[] dst = new float[s.imageSize()];
            assertThatThrownBy(() -> s.copyImage(0, dst, 0)).isInstanceOf(DatasetException.class)
                    .hasMessageContaining("many.gz: truncated: image 0 of 1000000 ends after 12 of its 4096 bytes");
        }
    }
}
