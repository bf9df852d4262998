package io.vqtok.datasets;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Grayscale images read from an IDX file (the MNIST / Fashion-MNIST format), raw or gzip-compressed.
 *
 * <p>File layout (big-endian): magic {@code 0x00000803} (unsigned bytes, 3 dimensions), the image count
 * {@code N}, the rows {@code H}, the columns {@code W}, then exactly {@code N*H*W} pixel bytes, image after
 * image, row-major. Pixels are kept as one {@code byte[]} (47 MB for the 60000 Fashion-MNIST training
 * images) and scaled to [0, 1] on access; {@link #channels()} is 1.
 *
 * <p>{@link #read(Path, Split)} keeps one split's images of the file by the rule of {@link Split}: for a training
 * file, the first {@code N - ceil(N/12)} images for {@link Split#TRAIN}, the last {@code ceil(N/12)} for
 * {@link Split#VALIDATION}.
 */
public final class IdxImages extends ByteImageDataset {

    private static final String KIND = "IDX unsigned-byte images";

    private final Path file;
    private final String title;
    private final Split.Slice slice;

    private IdxImages(Path file, String title, Split.Slice slice, byte[] pixels, int count, int height, int width) {
        super(pixels, count, 1, height, width);
        this.file = file;
        this.title = title;
        this.slice = slice;
    }

    /**
     * Reads an IDX image file.
     *
     * @param file the file, raw or gzip-compressed (detected from its first bytes)
     * @return the images
     * @throws DatasetNotFoundException if the file does not exist
     * @throws DatasetException if the magic, the sizes or the payload length are wrong
     */
    public static IdxImages read(Path file) {
        Idx.Contents c = Idx.read(file, Idx.IMAGES_MAGIC, KIND);
        return new IdxImages(file, "IDX images", null, c.data(), c.count(), c.dims()[1], c.dims()[2]);
    }

    /**
     * Reads one split's images of an IDX image file: all of them for {@link Split#TEST}; for {@link Split#TRAIN}
     * and {@link Split#VALIDATION}, whose file is the training file, the part {@link Split#slice} gives. The whole
     * file is validated; only the split's images are kept in memory.
     *
     * @param file the file holding the images of {@code split.stored()}, raw or gzip-compressed
     * @param split the split wanted
     * @return the split's images, in file order
     * @throws DatasetNotFoundException if the file does not exist
     * @throws DatasetException if the magic, the sizes or the payload length are wrong, or the file has fewer than 2
     *         images to carve TRAIN or VALIDATION from
     */
    public static IdxImages read(Path file, Split split) {
        return read(file, split, "IDX images");
    }

    /** As {@link #read(Path, Split)}, described as {@code title} (e.g. "Fashion-MNIST"). */
    static IdxImages read(Path file, Split split, String title) {
        Objects.requireNonNull(split, "split");
        Idx.Contents c = Idx.read(file, Idx.IMAGES_MAGIC, KIND, split);
        return new IdxImages(file, title, c.slice(), c.data(), c.count(), c.dims()[1], c.dims()[2]);
    }

    /** @return the file the images were read from */
    public Path file() {
        return file;
    }

    /**
     * Says which images of the file these are, e.g. {@code "IDX images FILE (60000 images, 1x28x28)"} or
     * {@code "Fashion-MNIST validation (last 5000 of train) from FILE (5000 images, 1x28x28)"}.
     */
    @Override
    public String description() {
        return title + (slice == null ? " " : " " + slice.describe() + " from ") + file + " (" + size() + " images, 1x"
                + height() + "x" + width() + ")";
    }
}
