package io.vqtok.datasets;

import java.util.Arrays;
import java.util.Objects;

/**
 * One mini-batch of images: {@code pixels} in NCHW layout ({@code size*channels*height*width} floats in
 * [0, 1]) and the dataset index of each image. Equality compares the array contents.
 *
 * @param pixels the images, {@code pixels[((n*C + c)*H + y)*W + x]}
 * @param indices the dataset index of each of the {@code size} images
 * @param size the number of images, N
 * @param channels C
 * @param height H
 * @param width W
 */
public record Batch(float[] pixels, int[] indices, int size, int channels, int height, int width) {

    /**
     * Validates that the arrays match the shape.
     *
     * @throws IllegalArgumentException if a size is not positive or an array length is wrong
     */
    public Batch {
        Objects.requireNonNull(pixels, "pixels");
        Objects.requireNonNull(indices, "indices");
        if (size < 0 || channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("bad batch shape " + size + "x" + channels + "x" + height + "x"
                    + width);
        }
        if (indices.length != size) {
            throw new IllegalArgumentException("indices has " + indices.length + " entries; expected " + size);
        }
        if (pixels.length != (long) size * channels * height * width) {
            throw new IllegalArgumentException("pixels has " + pixels.length + " floats; expected "
                    + (long) size * channels * height * width + " (" + size + "x" + channels + "x" + height
                    + "x" + width + ")");
        }
    }

    /** @return the floats per image, {@code C*H*W} */
    public int imageSize() {
        return channels * height * width;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Batch b && size == b.size && channels == b.channels && height == b.height
                && width == b.width && Arrays.equals(indices, b.indices) && Arrays.equals(pixels, b.pixels);
    }

    @Override
    public int hashCode() {
        return Objects.hash(size, channels, height, width, Arrays.hashCode(indices), Arrays.hashCode(pixels));
    }

    @Override
    public String toString() {
        return "Batch[" + size + "x" + channels + "x" + height + "x" + width + ", indices="
                + (size <= 16 ? Arrays.toString(indices) : Arrays.toString(Arrays.copyOf(indices, 16)) + "...")
                + "]";
    }
}
