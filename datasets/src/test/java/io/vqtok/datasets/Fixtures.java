package io.vqtok.datasets;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;

/** Builders for small test files. */
final class Fixtures {

    private Fixtures() {
    }

    /** Deterministic pixel value of image {@code i} at (y, x). */
    static int pixel(int i, int y, int x) {
        return (i * 37 + y * 11 + x * 3) & 0xFF;
    }

    /** The bytes of an IDX image file with {@link #pixel} contents. */
    static byte[] idxImages(int n, int h, int w) {
        ByteBuffer b = ByteBuffer.allocate(16 + n * h * w);
        b.putInt(0x00000803).putInt(n).putInt(h).putInt(w);
        for (int i = 0; i < n; i++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    b.put((byte) pixel(i, y, x));
                }
            }
        }
        return b.array();
    }

    /** The bytes of an IDX label file. */
    static byte[] idxLabels(int... labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(0x00000801).putInt(labels.length);
        for (int l : labels) {
            b.put((byte) l);
        }
        return b.array();
    }

    static byte[] gzip(byte[] raw) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(raw);
        }
        return bytes.toByteArray();
    }

    static Path write(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, content);
    }

    /** A gray PNG whose pixel (x, y) is {@code (base + 10*y + x) & 0xFF}. */
    static Path grayPng(Path file, int w, int h, int base) throws IOException {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, (base + 10 * y + x) & 0xFF);
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(img, "png", file.toFile());
        return file;
    }

    /** An RGB image whose pixel (x, y) is given by {@link #rgb}. */
    static BufferedImage rgbImage(int w, int h, int base) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rgb(base, x, y));
            }
        }
        return img;
    }

    static int rgb(int base, int x, int y) {
        int r = (base + 40 * x) & 0xFF;
        int g = (base + 70 * y) & 0xFF;
        int b = (base * 3 + 20 * x + 30 * y) & 0xFF;
        return r << 16 | g << 8 | b;
    }

    static Path rgbPng(Path file, int w, int h, int base) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        ImageIO.write(rgbImage(w, h, base), "png", file.toFile());
        return file;
    }
}
