package io.vqtok.datasets;

import java.util.Objects;

/**
 * A random-access collection of same-sized images, each read as {@code float}s in CHW layout
 * (channel-major: index {@code c*H*W + y*W + x}) with pixel values scaled to [0, 1] ({@code uint8 / 255}).
 *
 * <p>Implementations in this package are immutable once built, so they may be read from several threads.
 */
public interface ImageDataset {

    /** @return the number of images */
    int size();

    /** @return the number of channels per image (1 for gray, 3 for RGB) */
    int channels();

    /** @return the image height in pixels */
    int height();

    /** @return the image width in pixels */
    int width();

    /** @return a short human-readable description (what, where, how many, which shape) */
    String description();

    /**
     * Writes one image in CHW layout, values in [0, 1], into {@code dst[offset .. offset + imageSize())}.
     *
     * @param index the image index, {@code 0 <= index < size()}
     * @param dst the destination array
     * @param offset where the image starts in {@code dst}
     * @throws IndexOutOfBoundsException if the index or the destination range is out of bounds
     */
    void copyImage(int index, float[] dst, int offset);

    /** @return the number of floats in one image, {@code C*H*W} */
    default int imageSize() {
        return channels() * height() * width();
    }

    /**
     * Returns one image as a new array.
     *
     * @param index the image index
     * @return {@code C*H*W} floats in CHW layout, values in [0, 1]
     */
    default float[] image(int index) {
        float[] dst = new float[imageSize()];
        copyImage(index, dst, 0);
        return dst;
    }

    /**
     * Returns the concatenation of the given images, layout {@code N*C*H*W} (NCHW).
     *
     * @param indices the image indices, in the order wanted (repeats allowed)
     * @return {@code indices.length * imageSize()} floats
     * @throws IllegalArgumentException if the result would not fit in one Java array
     */
    default float[] images(int[] indices) {
        Objects.requireNonNull(indices, "indices");
        int n = imageSize();
        long total = (long) indices.length * n;
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(indices.length + " images of " + n
                    + " floats do not fit in one array");
        }
        float[] dst = new float[(int) total];
        for (int i = 0; i < indices.length; i++) {
            copyImage(indices[i], dst, i * n);
        }
        return dst;
    }
}
