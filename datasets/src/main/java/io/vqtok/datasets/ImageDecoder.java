package io.vqtok.datasets;

import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * Decodes image files (PNG/JPEG bytes, e.g. the rows of a table or of a distributed file listing) to the floats an
 * {@link ImageDataset} gives: CHW layout, values {@code uint8 / 255} in [0, 1], converted to the channel count by the
 * rules of {@link ImageFolderDataset} and with its header checks. {@link ImageFileDataset} decodes its files with the
 * same conversion, so an image gives the same floats whether it is read from a folder or from bytes.
 * Not safe for concurrent use (one scratch buffer); use one decoder per thread.
 */
public final class ImageDecoder {
    private final int channels, height, width;
    private final byte[] buffer;

    /**
     * @param channels 1 (gray) or 3 (RGB): what every image is converted to
     * @param height the height every image must have
     * @param width the width every image must have
     */
    public ImageDecoder(int channels, int height, int width) {
        if (channels != 1 && channels != 3) throw new IllegalArgumentException("channels must be 1 or 3, got " + channels);
        if (height <= 0 || width <= 0) throw new IllegalArgumentException("bad image size " + height + "x" + width);
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.buffer = new byte[channels * height * width];
    }

    /** @return the floats per image, {@code C*H*W} */
    public int imageSize() {
        return buffer.length;
    }

    /**
     * Decodes one image file's bytes into {@code dst[offset .. offset + imageSize())}.
     *
     * @param bytes the complete file content
     * @param name what to call the image in error messages (its path or id)
     * @throws DatasetException if the bytes are not a readable image, or one of another size than this decoder's
     */
    public void decode(byte[] bytes, String name, float[] dst, int offset) {
        Objects.requireNonNull(bytes, "bytes");
        Objects.checkFromIndexSize(offset, buffer.length, dst.length);
        BufferedImage img = ImageFolderDataset.readImage(bytes, name);
        if (img.getWidth() != width || img.getHeight() != height)
            throw new DatasetException(String.format("%s: size %dx%d (WxH) differs from the %dx%d expected", name,
                    img.getWidth(), img.getHeight(), width, height));
        toFloats(name, img, dst, offset);
    }

    /** Converts a decoded image of this decoder's size (checked by the caller) into {@code dst[offset..]}. */
    void toFloats(Object name, BufferedImage img, float[] dst, int offset) {
        ImageFolderDataset.convert(name, img, channels, buffer, 0);
        for (int i = 0; i < buffer.length; i++) dst[offset + i] = (buffer[i] & 0xFF) / 255f;
    }
}
