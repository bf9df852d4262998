package io.vqtok.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Grayscale images of an IDX file (raw or gzip-compressed) read from disk as they are asked for, in constant memory:
 * the streaming counterpart of {@link IdxImages} for encoding datasets larger than memory.
 *
 * <p>Reads are sequential: asking for the next image reads on; asking for an earlier one reopens the file. Only the
 * header is read when opening; for a raw file its length is checked against the header's sizes there and then, for a
 * gzip file a short payload is reported when the read reaches its end. Not safe for concurrent use (one reader, as
 * {@link PrefetchingBatcher} gives it).
 */
public final class IdxImageStream implements ImageDataset, AutoCloseable {
    private static final String KIND = "IDX unsigned-byte images";
    private final Path file;
    private final int count, height, width;
    private final byte[] buffer;
    private InputStream in;
    private int next;

    private IdxImageStream(Path file, int count, int height, int width) {
        this.file = file;
        this.count = count;
        this.height = height;
        this.width = width;
        this.buffer = new byte[height * width];
    }

    /**
     * Opens an IDX image file and reads its header.
     *
     * @throws DatasetNotFoundException if the file does not exist
     * @throws DatasetException if the header is malformed, or a raw file's length does not match its sizes
     */
    public static IdxImageStream open(Path file) {
        Objects.requireNonNull(file, "file");
        try (InputStream in = Idx.open(file)) {
            int[] dims = Idx.header(in, file, Idx.IMAGES_MAGIC, KIND);
            long image = (long) dims[1] * dims[2];
            if (image > 1 << 26)
                throw new DatasetException(file + ": images of " + Idx.dimsText(dims) + " pixels are too large (more than 2^26 per image)");
            if (!Idx.gzipped(file)) {
                long expected = 16 + dims[0] * image, actual = Files.size(file);
                if (actual != expected)
                    throw new DatasetException(String.format("%s: %d bytes, but its header (sizes %s) says %d: %s", file, actual,
                            Idx.dimsText(dims), expected, actual < expected ? "truncated" : "trailing bytes"));
            }
            return new IdxImageStream(file, dims[0], dims[1], dims[2]);
        } catch (IOException e) {
            throw Idx.readFailure(file, e);
        }
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public int width() {
        return width;
    }

    @Override
    public String description() {
        return "IDX images " + file + " (" + count + " images, 1x" + height + "x" + width + ", streamed)";
    }

    @Override
    public void copyImage(int index, float[] dst, int offset) {
        Objects.checkIndex(index, count);
        Objects.checkFromIndexSize(offset, buffer.length, dst.length);
        try {
            if (in == null || index < next) reopen();
            while (next < index) skipImage();
            int n = in.readNBytes(buffer, 0, buffer.length);
            if (n < buffer.length)
                throw new DatasetException(String.format("%s: truncated: image %d of %d ends after %d of its %d bytes", file, index, count, n, buffer.length));
            next++;
        } catch (IOException e) {
            throw Idx.readFailure(file, e);
        }
        for (int i = 0; i < buffer.length; i++) dst[offset + i] = (buffer[i] & 0xFF) / 255f;
    }

    private void reopen() throws IOException {
        close();
        in = Idx.open(file);
        Idx.header(in, file, Idx.IMAGES_MAGIC, KIND);
        next = 0;
    }

    private void skipImage() throws IOException {
        int n = in.readNBytes(buffer, 0, buffer.length);
        if (n < buffer.length)
            throw new DatasetException(String.format("%s: truncated: image %d of %d ends after %d of its %d bytes", file, next, count, n, buffer.length));
        next++;
    }

    /** Closes the open read, if any (the next read reopens the file). */
    @Override
    public void close() {
        if (in == null) return;
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing was written; a failed close of a read leaves nothing to clean up
        }
        in = null;
    }
}
