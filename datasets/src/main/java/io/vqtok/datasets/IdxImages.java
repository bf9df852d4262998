package io.vqtok.datasets;

import java.nio.file.Path;

/**
 * Grayscale images read from an IDX file (the MNIST / Fashion-MNIST format), raw or gzip-compressed.
 *
 * <p>File layout (big-endian): magic {@code 0x00000803} (unsigned bytes, 3 dimensions), the image count
 * {@code N}, the rows {@code H}, the columns {@code W}, then exactly {@code N*H*W} pixel bytes, image after
 * image, row-major. Pixels are kept as one {@code byte[]} (47 MB for the 60000 Fashion-MNIST training
 * images) and scaled to [0, 1] on access; {@link #channels()} is 1.
 */
public final class IdxImages extends ByteImageDataset {

    private final Path file;

    private IdxImages(Path file, byte[] pixels, int count, int height, int width) {
        super(pixels, count, 1, height, width);
        this.file = file;
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
        Idx.Contents c = Idx.read(file, Idx.IMAGES_MAGIC, "IDX unsigned-byte images");
        return new IdxImages(file, c.data(), c.dims()[0], c.dims()[1], c.dims()[2]);
    }

    /** @return the file the images were read from */
    public Path file() {
        return file;
    }

    @Override
    public String description() {
        return "IDX images " + file + " (" + size() + " images, 1x" + height() + "x" + width() + ")";
    }
}
