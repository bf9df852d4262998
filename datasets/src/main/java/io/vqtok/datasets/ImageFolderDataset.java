package io.vqtok.datasets;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Images read from a directory tree of {@code *.png}, {@code *.jpg} and {@code *.jpeg} files (extension
 * case-insensitive, found recursively, other files ignored), ordered by their path relative to the root
 * so the order is the same on every machine.
 *
 * <p>All images must have the width and height of the first one. They are kept in memory as one {@code byte[]},
 * image after image, each in CHW layout, 8 bits per value. Any image ImageIO decodes is accepted, converted by these
 * rules:
 * <ul>
 *   <li>gray images of any bit depth (1..16 bits, e.g. 16-bit PNG) and RGB images of any bit depth: each sample
 *       {@code v} of {@code b} bits is scaled to [0, 1] as {@code v / (2^b - 1)} and stored rounded to the nearest
 *       multiple of 1/255 (for 8 bits, exactly {@code v / 255}); gray samples are taken as they are stored, with no
 *       colour-space conversion;</li>
 *   <li>palette (indexed) images: the palette colour of each pixel;</li>
 *   <li>other colour models: the sRGB colour ImageIO gives for each pixel;</li>
 *   <li>alpha is ignored: a pixel's stored colour is used as if it were opaque (as PIL's {@code convert("RGB")} and
 *       {@code convert("L")} do);</li>
 *   <li>to the requested channel count: colour to gray by luminance {@code 0.299 R + 0.587 G + 0.114 B}, gray to RGB
 *       by replication; with channels 0, a gray image (or a palette of only grays) gives 1 channel, any other 3.</li>
 * </ul>
 * Before an image is decoded its header's width and height are checked: at most {@value #MAX_PIXELS} pixels, and at
 * most {@value #MAX_PIXELS_PER_BYTE} per byte of the file (the densest a PNG can pack: 1-bit pixels at deflate's best
 * ratio, 1032:1), so a corrupt or hostile header cannot make the decoder allocate a huge raster. A file ImageIO cannot
 * decode is a {@link DatasetException} naming it.
 *
 * <p>{@link #open(Path, Split, int)} reads one split of a folder by the rule of {@link Split}.
 */
public final class ImageFolderDataset extends ByteImageDataset {

    /** The most pixels one image may have (2^27, e.g. 11585 x 11585). */
    public static final long MAX_PIXELS = 1L << 27;
    /** The most pixels an image header may claim per byte of its file: 8 one-bit pixels per byte at 1032:1. */
    public static final long MAX_PIXELS_PER_BYTE = 8 * 1032;

    private final Path root;
    private final List<Path> files;
    private final Split.Slice slice;

    private ImageFolderDataset(Path root, List<Path> files, Split.Slice slice, byte[] pixels, int channels, int height,
            int width) {
        super(pixels, files.size(), channels, height, width);
        this.root = root;
        this.files = List.copyOf(files);
        this.slice = slice;
    }

    /**
     * Reads all images under a directory.
     *
     * @param dir the root directory
     * @param channels 1 (gray), 3 (RGB) or 0 (decide from the first image: 1 if it is grayscale, else 3)
     * @return the images
     * @throws IllegalArgumentException if {@code channels} is not 0, 1 or 3
     * @throws DatasetNotFoundException if {@code dir} does not exist
     * @throws DatasetException if {@code dir} is not a directory, holds no images, or an image is unreadable
     *         or differs in size from the first
     */
    public static ImageFolderDataset open(Path dir, int channels) {
        checkChannels(channels);
        return load(dir, imagesIn(dir), null, channels);
    }

    /**
     * Reads one split of an image folder. If {@code root} has both a {@code train/} and a {@code test/} subfolder,
     * {@link Split#TEST} is all images under {@code test/} and {@link Split#TRAIN} and {@link Split#VALIDATION} are
     * carved from the images under {@code train/}; otherwise the whole folder is the training data (TRAIN and
     * VALIDATION are carved from it) and also serves as TEST. Carving follows {@link Split}: in sorted file order,
     * VALIDATION is the last {@code ceil(n/12)} images, TRAIN the others.
     *
     * @param root the folder
     * @param split the split wanted
     * @param channels 1 (gray), 3 (RGB) or 0 (decide from the split's first image)
     * @return the split's images
     * @throws IllegalArgumentException if {@code channels} is not 0, 1 or 3
     * @throws DatasetNotFoundException if {@code root} does not exist
     * @throws DatasetException as {@link #open(Path, int)}, and if there are fewer than 2 training images to carve
     *         TRAIN or VALIDATION from
     */
    public static ImageFolderDataset open(Path root, Split split, int channels) {
        checkChannels(channels);
        Path folder = splitFolder(root, split);
        List<Path> all = imagesIn(folder);
        Split.Slice slice = split.slice(all.size(), folder);
        return load(folder, slice.of(all), slice, channels);
    }

    /**
     * The folder whose images a split is read from: {@code root/test} for {@link Split#TEST} and {@code root/train}
     * for TRAIN and VALIDATION if {@code root} has both subfolders, else {@code root} itself.
     *
     * @param root the folder given
     * @param split the split
     * @return the folder to list
     */
    public static Path splitFolder(Path root, Split split) {
        java.util.Objects.requireNonNull(root, "root");
        java.util.Objects.requireNonNull(split, "split");
        Path train = root.resolve("train");
        Path test = root.resolve("test");
        if (Files.isDirectory(train) && Files.isDirectory(test)) {
            return split.stored() == Split.TRAIN ? train : test;
        }
        return root;
    }

    /**
     * The image files of one split, as {@link #open(Path, Split, int)} reads them.
     *
     * @param root the folder
     * @param split the split
     * @return the split's files, in dataset order
     * @throws DatasetNotFoundException if {@code root} does not exist
     * @throws DatasetException if the split's folder holds no images, or too few to carve TRAIN or VALIDATION from
     */
    public static List<Path> splitFiles(Path root, Split split) {
        Path folder = splitFolder(root, split);
        List<Path> all = imagesIn(folder);
        return split.slice(all.size(), folder).of(all);
    }

    static void checkChannels(int channels) {
        if (channels != 0 && channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 (gray), 3 (RGB) or 0 (from the first image),"
                    + " got " + channels);
        }
    }

    /** The images under {@code dir}, at least one. */
    static List<Path> imagesIn(Path dir) {
        List<Path> files = listImages(dir);
        if (files.isEmpty()) {
            throw new DatasetException(dir + ": no images found (looked recursively for *.png, *.jpg, *.jpeg)");
        }
        return files;
    }

    private static ImageFolderDataset load(Path dir, List<Path> files, Split.Slice slice, int channels) {
        BufferedImage first = readImage(files.get(0));
        int width = first.getWidth();
        int height = first.getHeight();
        int c = channels != 0 ? channels : (isGray(first) ? 1 : 3);
        long total = (long) files.size() * c * height * width;
        if (total > Integer.MAX_VALUE - 8) {
            throw new DatasetException(dir + ": " + files.size() + " images of " + c + "x" + height + "x" + width
                    + " are too many to hold in memory (" + total + " bytes)");
        }
        byte[] pixels = new byte[(int) total];
        int imageSize = c * height * width;
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            BufferedImage img = i == 0 ? first : readImage(file);
            if (img.getWidth() != width || img.getHeight() != height) {
                throw new DatasetException(String.format("%s: size %dx%d (WxH) differs from %dx%d of the first"
                        + " image %s; all images in a folder must have the same size", file, img.getWidth(),
                        img.getHeight(), width, height, files.get(0)));
            }
            convert(file, img, c, pixels, i * imageSize);
        }
        return new ImageFolderDataset(dir, files, slice, pixels, c, height, width);
    }

    /** @return the folder the images were listed from ({@code train/} or {@code test/} for a split of such a folder) */
    public Path root() {
        return root;
    }

    /** @return the image files, in dataset order (index {@code i} is {@code files().get(i)}) */
    public List<Path> files() {
        return files;
    }

    /**
     * Says where the images are from, e.g. {@code "image folder DIR (12 images, 1x28x28)"} or
     * {@code "image folder DIR/train, validation (last 1 of train) (1 images, 3x4x4)"}.
     */
    @Override
    public String description() {
        return "image folder " + root + (slice == null ? "" : ", " + slice.describe()) + " (" + size() + " images, "
                + channels() + "x" + height() + "x" + width() + ")";
    }

    /**
     * Lists the image files under a directory, sorted by relative path ({@code /}-separated, by code point).
     *
     * @param dir the root directory
     * @return the files, possibly none
     * @throws DatasetNotFoundException if {@code dir} does not exist
     * @throws DatasetException if {@code dir} is not a directory or cannot be listed
     */
    public static List<Path> listImages(Path dir) {
        if (!Files.exists(dir)) {
            throw new DatasetNotFoundException(dir + ": no such directory (expected a folder of PNG/JPEG images)");
        }
        if (!Files.isDirectory(dir)) {
            throw new DatasetException(dir + ": not a directory (expected a folder of PNG/JPEG images)");
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(ImageFolderDataset::isImageFile).filter(Files::isRegularFile).forEach(found::add);
        } catch (IOException | UncheckedIOException e) {
            throw new DatasetException(dir + ": cannot list the folder (" + e.getMessage() + ")", e);
        }
        found.sort(Comparator.comparing((Path p) -> relativeKey(dir, p)));
        return found;
    }

    private static String relativeKey(Path root, Path file) {
        Path rel = root.relativize(file);
        StringBuilder sb = new StringBuilder();
        for (Path part : rel) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(part);
        }
        return sb.toString();
    }

    private static boolean isImageFile(Path p) {
        Path name = p.getFileName();
        if (name == null) {
            return false;
        }
        String n = name.toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    /**
     * Decodes one image file with ImageIO, after checking the size its header claims against {@link #MAX_PIXELS} and
     * the file's length ({@link #MAX_PIXELS_PER_BYTE}).
     *
     * @throws DatasetNotFoundException if the file does not exist
     * @throws DatasetException if no decoder recognises it, it is corrupt or truncated, or its header claims too many
     *         pixels
     */
    static BufferedImage readImage(Path file) {
        long length;
        try {
            length = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new DatasetNotFoundException(file + ": no such file", e);
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            return readImage(in, length, file.toString());
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot read image (corrupt or unsupported PNG/JPEG: "
                    + e.getMessage() + ")", e);
        }
    }

    /**
     * Decodes the bytes of one image file (PNG/JPEG, e.g. a row of a table), with the checks of
     * {@link #readImage(Path)}.
     *
     * @param name what to call the image in error messages (its path or id)
     * @throws DatasetException if no decoder recognises the bytes, they are corrupt or truncated, or the header claims
     *         too many pixels
     */
    static BufferedImage readImage(byte[] bytes, String name) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(bytes))) {
            return readImage(in, bytes.length, name);
        } catch (IOException e) {
            throw new DatasetException(name + ": cannot read image (corrupt or unsupported PNG/JPEG: "
                    + e.getMessage() + ")", e);
        }
    }

    private static BufferedImage readImage(ImageInputStream in, long length, String file) {
        BufferedImage img;
        try {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new DatasetException(file + ": not a readable image (no PNG/JPEG decoder recognises its"
                        + " contents)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width <= 0 || height <= 0) {
                    throw new DatasetException(file + ": empty image " + width + "x" + height);
                }
                long pixels = width * height;
                if (pixels > MAX_PIXELS) {
                    throw new DatasetException(String.format("%s: its header says %dx%d pixels, more than the %d an"
                            + " image may have", file, width, height, MAX_PIXELS));
                }
                if (pixels > MAX_PIXELS_PER_BYTE * length) {
                    throw new DatasetException(String.format("%s: its header says %dx%d pixels, more than a %d-byte"
                            + " file can hold (at most %d pixels per byte): corrupt or truncated", file, width, height,
                            length, MAX_PIXELS_PER_BYTE));
                }
                img = reader.read(0);
            } finally {
                reader.dispose();
            }
        } catch (DatasetException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new DatasetException(file + ": cannot read image (corrupt or unsupported PNG/JPEG: "
                    + e.getMessage() + ")", e);
        }
        if (img == null || img.getWidth() <= 0 || img.getHeight() <= 0) {
            throw new DatasetException(file + ": the decoder returned no image");
        }
        return img;
    }

    /** True for gray color spaces and for palettes whose entries are all gray. */
    static boolean isGray(BufferedImage img) {
        ColorModel cm = img.getColorModel();
        if (cm instanceof IndexColorModel icm) {
            for (int i = 0; i < icm.getMapSize(); i++) {
                if (icm.getRed(i) != icm.getGreen(i) || icm.getGreen(i) != icm.getBlue(i)) {
                    return false;
                }
            }
            return true;
        }
        return cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
    }

    /**
     * Writes the image as {@code channels} x H x W unsigned bytes at {@code dst[offset..]}, by the rules of the class
     * comment.
     *
     * @throws DatasetException naming the file if the decoded image cannot be converted
     */
    static void convert(Object file, BufferedImage img, int channels, byte[] dst, int offset) {
        try {
            convert(img, channels, dst, offset);
        } catch (RuntimeException e) {
            throw new DatasetException(file + ": cannot convert the decoded image (" + e + ")", e);
        }
    }

    private static void convert(BufferedImage img, int channels, byte[] dst, int offset) {
        int w = img.getWidth();
        int h = img.getHeight();
        int plane = w * h;
        ColorModel cm = img.getColorModel();
        Raster raster = img.getRaster();
        int type = raster.getTransferType();
        boolean integerSamples = type == DataBuffer.TYPE_BYTE || type == DataBuffer.TYPE_USHORT
                || type == DataBuffer.TYPE_SHORT || type == DataBuffer.TYPE_INT;
        boolean gray = cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        int colors = gray ? 1 : 3;
        if (!(cm instanceof IndexColorModel) && integerSamples && (gray || cm.getColorSpace().isCS_sRGB())
                && raster.getNumBands() >= colors) {
            // Read the samples directly: getRGB would apply a linear-to-sRGB conversion to gray samples.
            int[][] rows = new int[colors][w];
            for (int y = 0; y < h; y++) {
                for (int band = 0; band < colors; band++) {
                    raster.getSamples(0, y, w, 1, band, rows[band]);
                    int bits = raster.getSampleModel().getSampleSize(band);
                    if (bits != 8) {
                        long max = (1L << bits) - 1;
                        for (int x = 0; x < w; x++) {
                            rows[band][x] = (int) (((rows[band][x] & max) * 255L + max / 2) / max);
                        }
                    }
                }
                for (int x = 0; x < w; x++) {
                    int at = offset + y * w + x;
                    if (gray) {
                        for (int c = 0; c < channels; c++) {
                            dst[at + c * plane] = (byte) rows[0][x];
                        }
                    } else {
                        put(dst, at, plane, channels, rows[0][x], rows[1][x], rows[2][x]);
                    }
                }
            }
            return;
        }
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < plane; i++) {
            int p = argb[i];
            put(dst, offset + i, plane, channels, (p >>> 16) & 0xFF, (p >>> 8) & 0xFF, p & 0xFF);
        }
    }

    /** Stores one colour pixel as gray (luminance) or as its three channels. */
    private static void put(byte[] dst, int at, int plane, int channels, int r, int g, int b) {
        if (channels == 1) {
            int lum = (int) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
            dst[at] = (byte) Math.min(255, lum);
        } else {
            dst[at] = (byte) r;
            dst[at + plane] = (byte) g;
            dst[at + 2 * plane] = (byte) b;
        }
    }
}
