package io.vqtok.datasets;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * Writes float images (CHW layout, values in [0, 1]) as 8-bit PNG files, singly or as a grid; gray for one
 * channel, RGB for three. Values are clamped to [0, 1] (NaN becomes 0) and rounded to {@code round(v*255)}.
 * Every write goes to a temporary file in the target's directory that is then renamed atomically.
 */
public final class ImageWriter {

    /** Gap between grid cells, in output pixels. */
    public static final int GRID_GAP = 2;
    /** Gray level (0..255) of the gaps between grid cells. */
    public static final int GRID_GAP_LEVEL = 128;

    private ImageWriter() {
    }

    /**
     * Writes one image as a PNG.
     *
     * @param file the target; replaced atomically
     * @param chw the image, {@code channels*height*width} floats in CHW layout
     * @param channels 1 (gray) or 3 (RGB)
     * @param height H
     * @param width W
     * @throws IllegalArgumentException if the shape is invalid or does not match {@code chw.length}
     * @throws java.io.UncheckedIOException if the file cannot be written
     */
    public static void writePng(Path file, float[] chw, int channels, int height, int width) {
        Objects.requireNonNull(chw, "chw");
        checkShape(channels, height, width);
        if (chw.length != (long) channels * height * width) {
            throw new IllegalArgumentException("image has " + chw.length + " floats; expected " + channels + "x"
                    + height + "x" + width + " = " + (long) channels * height * width);
        }
        BufferedImage img = newImage(channels, height, width);
        paint(img.getRaster(), chw, 0, channels, height, width, 0, 0, 1);
        save(file, img);
    }

    /**
     * Writes a grid of images as one PNG, e.g. originals above their reconstructions: image {@code i} goes
     * to row {@code i / columns}, column {@code i % columns}; each source pixel becomes a
     * {@code scale x scale} block, and cells are separated by {@link #GRID_GAP} gray pixels. The output is
     * {@code cols*W*scale + (cols-1)*GAP} wide and {@code rows*H*scale + (rows-1)*GAP} high, where
     * {@code cols = min(columns, count)} and {@code rows = ceil(count / cols)}; unused cells are gap-gray.
     *
     * @param file the target; replaced atomically
     * @param images at least {@code count} images, NCHW layout
     * @param count how many images to draw, at least 1
     * @param channels 1 (gray) or 3 (RGB)
     * @param height H
     * @param width W
     * @param columns images per row, at least 1
     * @param scale magnification, at least 1
     * @throws IllegalArgumentException if an argument is out of range or {@code images} is too short
     * @throws java.io.UncheckedIOException if the file cannot be written
     */
    public static void writeGrid(Path file, float[] images, int count, int channels, int height, int width,
            int columns, int scale) {
        Objects.requireNonNull(images, "images");
        checkShape(channels, height, width);
        if (count < 1 || columns < 1 || scale < 1) {
            throw new IllegalArgumentException("count, columns and scale must be at least 1, got count=" + count
                    + ", columns=" + columns + ", scale=" + scale);
        }
        long imageSize = (long) channels * height * width;
        if (images.length < count * imageSize) {
            throw new IllegalArgumentException("images has " + images.length + " floats; " + count + " images of "
                    + channels + "x" + height + "x" + width + " need " + count * imageSize);
        }
        int cols = Math.min(columns, count);
        int rows = (count + cols - 1) / cols;
        long gridW = (long) cols * width * scale + (long) (cols - 1) * GRID_GAP;
        long gridH = (long) rows * height * scale + (long) (rows - 1) * GRID_GAP;
        if (gridW * gridH > Integer.MAX_VALUE / 4) {
            throw new IllegalArgumentException("grid of " + gridW + "x" + gridH + " pixels is too large");
        }
        BufferedImage img = newImage(channels, (int) gridH, (int) gridW);
        WritableRaster raster = img.getRaster();
        int[] gapRow = new int[(int) gridW];
        java.util.Arrays.fill(gapRow, GRID_GAP_LEVEL);
        for (int y = 0; y < gridH; y++) {
            for (int b = 0; b < channels; b++) {
                raster.setSamples(0, y, (int) gridW, 1, b, gapRow);
            }
        }
        for (int i = 0; i < count; i++) {
            int x0 = (i % cols) * (width * scale + GRID_GAP);
            int y0 = (i / cols) * (height * scale + GRID_GAP);
            paint(raster, images, (int) (i * imageSize), channels, height, width, x0, y0, scale);
        }
        save(file, img);
    }

    /**
     * Converts a value in [0, 1] to a byte level.
     *
     * @param v the value
     * @return {@code round(clamp(v, 0, 1) * 255)}, 0 for NaN
     */
    public static int toLevel(float v) {
        if (!(v > 0f)) {
            return 0;
        }
        if (v >= 1f) {
            return 255;
        }
        return Math.round(v * 255f);
    }

    private static void checkShape(int channels, int height, int width) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 (gray) or 3 (RGB), got " + channels);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + height + "x" + width);
        }
    }

    private static BufferedImage newImage(int channels, int height, int width) {
        return new BufferedImage(width, height, channels == 1 ? BufferedImage.TYPE_BYTE_GRAY
                : BufferedImage.TYPE_3BYTE_BGR);
    }

    /** Draws one CHW image at (x0, y0), magnified by {@code scale}; raster bands are R, G, B (or gray). */
    private static void paint(WritableRaster raster, float[] src, int offset, int channels, int height, int width,
            int x0, int y0, int scale) {
        int plane = height * width;
        int[] row = new int[width * scale];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                int base = offset + c * plane + y * width;
                for (int x = 0; x < width; x++) {
                    int level = toLevel(src[base + x]);
                    for (int s = 0; s < scale; s++) {
                        row[x * scale + s] = level;
                    }
                }
                for (int s = 0; s < scale; s++) {
                    raster.setSamples(x0, y0 + y * scale + s, width * scale, 1, c, row);
                }
            }
        }
    }

    private static void save(Path file, BufferedImage img) {
        Objects.requireNonNull(file, "file");
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException("no PNG writer available");
            }
        });
    }
}
