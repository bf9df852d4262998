package io.vqtok.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Grayscale images of an IDX file (raw or gzip-compressed) read from disk as they are asked for, in constant memory:
 * the streaming counterpart of {@link IdxImages} for encoding datasets larger than memory.
 *
 * <p>Reads are sequential: asking for the next image reads on; asking for an earlier one reopens the file. Only the
 * header is read when opening; for a raw file its length is checked against the header's sizes there and then, for a
 * gzip file a short payload is reported ("truncated") when the read reaches its end. An image may have at most
 * {@value #MAX_IMAGE_PIXELS} pixels, and images are copied through a fixed 64 KiB buffer, so a gzip file's header
 * cannot make this class allocate more than that. {@link #open(Path, Split)} streams one split's images by the rule
 * of {@link Split}. Not safe for concurrent use (one reader, as {@link PrefetchingBatcher} gives it).
 */
public final class IdxImageStream implements ImageDataset, AutoCloseable {
    /** The most pixels one image may have (4096 x 4096). */
    public static final int MAX_IMAGE_PIXELS = 1 << 24;
    private static final String KIND = "IDX unsigned-byte images";
    private static final int CHUNK = 1 << 16;
    private final Path file;
    private final String title;
    private final Split.Slice slice;
    private final int first, count, height, width;
    private final byte[] buffer;
    private InputStream in;
    /** The index (within this dataset) of the image the open read is positioned at. */
    private int next;

    private IdxImageStream(Path file, String title, Split.Slice slice, int first, int count, int height, int width) {
        this.file = file;
        this.title = title;
        this.slice = slice;
        this.first = first;
        this.count = count;
        this.height = height;
        this.width = width;
        this.buffer = new byte[Math.min(CHUNK, height * width)];
    }

    /**
     * Opens an IDX image file and reads its header; all its images.
     *
     * @throws DatasetNotFoundException if the file does not exist
     * @throws DatasetException if the header is malformed, an image has more than {@value #MAX_IMAGE_PIXELS} pixels,
     *         or a raw file's length does not match its sizes
     */
    public static IdxImageStream open(Path file) {
        return open(file, null, "IDX images");
    }

    /**
     * Opens the images of one split of an IDX image file: all of them for {@link Split#TEST}; for
     * {@link Split#TRAIN} and {@link Split#VALIDATION}, whose file is the training file, the part {@link Split#slice}
     * gives (image {@code i} of the dataset is image {@code from + i} of the file).
     *
     * @param file the file holding the images of {@code split.stored()}, raw or gzip-compressed
     * @param split the split wanted
     * @throws DatasetNotFoundException if the file does not exist
     * @throws DatasetException as {@link #open(Path)}, and if the file has fewer than 2 images to carve TRAIN or
     *         VALIDATION from
     */
    public static IdxImageStream open(Path file, Split split) {
        return open(file, Objects.requireNonNull(split, "split"), "IDX images");
    }

    /** As {@link #open(Path, Split)} (all images when {@code split} is null), described as {@code title}. */
    static IdxImageStream open(Path file, Split split, String title) {
        Objects.requireNonNull(file, "file");
        try (InputStream in = Idx.open(file)) {
            int[] dims = Idx.header(in, file, Idx.IMAGES_MAGIC, KIND);
            long image = (long) dims[1] * dims[2];
            if (image > MAX_IMAGE_PIXELS)
                throw new DatasetException(file + ": images of " + dims[1] + "x" + dims[2] + " pixels are too large (more than "
                        + MAX_IMAGE_PIXELS + " per image)");
            if (!(in instanceof java.util.zip.GZIPInputStream))
                Idx.checkRawLength(file, dims, 16, Math.multiplyExact(dims[0], image));
            Split.Slice slice = split == null ? null : split.slice(dims[0], file);
            int first = slice == null ? 0 : slice.from();
            int count = slice == null ? dims[0] : slice.size();
            return new IdxImageStream(file, title, slice, first, count, dims[1], dims[2]);
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

    /**
     * Says which images these are, e.g. {@code "IDX images FILE (10000 images, 1x28x28, streamed)"} or
     * {@code "Fashion-MNIST validation (last 5000 of train) from FILE (5000 images, 1x28x28, streamed)"}.
     */
    @Override
    public String description() {
        return title + (slice == null ? " " : " " + slice.describe() + " from ") + file + " (" + count + " images, 1x"
                + height + "x" + width + ", streamed)";
    }

    @Override
    public void copyImage(int index, float[] dst, int offset) {
        Objects.checkIndex(index, count);
        int pixels = height * width;
        Objects.checkFromIndexSize(offset, pixels, dst.length);
        try {
            if (in == null || index < next) reopen();
            while (next < index) readImage(null, 0);
            readImage(dst, offset);
        } catch (IOException e) {
            close();
            throw Idx.readFailure(file, e);
        } catch (RuntimeException e) {
            close(); // the read stopped inside an image: start afresh next time
            throw e;
        }
    }

    /** Reads the image at {@link #next} into {@code dst} (or skips it when {@code dst} is null) and advances. */
    private void readImage(float[] dst, int offset) throws IOException {
        int pixels = height * width;
        for (int done = 0; done < pixels; ) {
            int n = in.readNBytes(buffer, 0, Math.min(buffer.length, pixels - done));
            if (n == 0)
                throw new DatasetException(String.format("%s: truncated: image %d of %d ends after %d of its %d bytes", file,
                        first + next, first + count, done, pixels));
            if (dst != null)
                for (int i = 0; i < n; i++) dst[offset + done + i] = (buffer[i] & 0xFF) / 255f;
            done += n;
        }
        next++;
    }

    private void reopen() throws IOException {
        close();
        in = Idx.open(file);
        Idx.header(in, file, Idx.IMAGES_MAGIC, KIND);
        long skip = (long) first * height * width;
        if (Idx.skipUpTo(in, skip) < skip)
            throw new DatasetException(String.format("%s: truncated: the data ends before image %d", file, first));
        next = 0;
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
