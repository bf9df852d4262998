package io.vqtok.datasets;

import java.util.Objects;

/**
 * Base class for image datasets held in memory as unsigned bytes: one {@code byte[]} with the images one
 * after the other, each in CHW layout ({@code pixels[i*C*H*W + c*H*W + y*W + x]}).
 */
abstract class ByteImageDataset implements ImageDataset {

    /** {@code SCALE[b] = b / 255f}, so that conversion is exact and fast. */
    private static final float[] SCALE = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            SCALE[i] = i / 255f;
        }
    }

    private final byte[] pixels;
    private final int size;
    private final int channels;
    private final int height;
    private final int width;

    ByteImageDataset(byte[] pixels, int size, int channels, int height, int width) {
        Objects.requireNonNull(pixels, "pixels");
        if (size < 0 || channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("bad shape " + size + "x" + channels + "x" + height + "x" + width);
        }
        long expected = (long) size * channels * height * width;
        if (pixels.length != expected) {
            throw new IllegalArgumentException("pixels has " + pixels.length + " bytes; expected " + expected);
        }
        this.pixels = pixels;
        this.size = size;
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    @Override
    public final int size() {
        return size;
    }

    @Override
    public final int channels() {
        return channels;
    }

    @Override
    public final int height() {
        return height;
    }

    @Override
    public final int width() {
        return width;
    }

    @Override
    public final void copyImage(int index, float[] dst, int offset) {
        Objects.checkIndex(index, size);
        int n = imageSize();
        Objects.checkFromIndexSize(offset, n, dst.length);
        int base = index * n;
        for (int i = 0; i < n; i++) {
            dst[offset + i] = SCALE[pixels[base + i] & 0xFF];
        }
    }

    /**
     * Returns one raw pixel.
     *
     * @param index the image index
     * @param channel the channel
     * @param y the row
     * @param x the column
     * @return the unsigned byte value, 0..255
     */
    public final int pixel(int index, int channel, int y, int x) {
        Objects.checkIndex(index, size);
        Objects.checkIndex(channel, channels);
        Objects.checkIndex(y, height);
        Objects.checkIndex(x, width);
        return pixels[((index * channels + channel) * height + y) * width + x] & 0xFF;
    }

    @Override
    public String toString() {
        return description();
    }
}
