package io.vqtok.datasets;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Images read from a directory tree of {@code *.png}, {@code *.jpg} and {@code *.jpeg} files (extension
 * case-insensitive, found recursively, other files ignored), ordered by their path relative to the root
 * so the order is the same on every machine.
 *
 * <p>All images must have the width and height of the first one. They are converted to the requested
 * number of channels (RGB to gray by luminance {@code 0.299 R + 0.587 G + 0.114 B}, gray to RGB by
 * replication; alpha is ignored) and kept in memory as one {@code byte[]}, image after image, each in CHW
 * layout.
 */
public final class ImageFolderDataset extends ByteImageDataset {

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
            convert(img, c, pixels, i * imageSize);
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

    static BufferedImage readImage(Path file) {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (NoSuchFileException e) {
            throw new DatasetNotFoundException(file + ": no such file", e);
        } catch (IOException | RuntimeException e) {
            throw new DatasetException(file + ": cannot read image (corrupt or unsupported PNG/JPEG: "
                    + e.getMessage() + ")", e);
        }
        if (img == null) {
            throw new DatasetException(file + ": not a readable image (no PNG/JPEG decoder recognises its"
                    + " contents)");
        }
        if (img.getWidth() <= 0 || img.getHeight() <= 0) {
            throw new DatasetException(file + ": empty image " + img.getWidth() + "x" + img.getHeight());
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

    /** Writes the image as {@code channels} x H x W unsigned bytes at {@code dst[offset..]}. */
    static void convert(BufferedImage img, int channels, byte[] dst, int offset) {
        int w = img.getWidth();
        int h = img.getHeight();
        int plane = w * h;
        ColorModel cm = img.getColorModel();
        if (!(cm instanceof IndexColorModel) && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            // Read the gray samples directly: getRGB would apply a linear-to-sRGB conversion to them.
            Raster raster = img.getRaster();
            int bits = raster.getSampleModel().getSampleSize(0);
            long max = (1L << bits) - 1;
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    int v = bits == 8 ? row[x] : (int) ((row[x] * 255L + max / 2) / max);
                    byte b = (byte) v;
                    int at = offset + y * w + x;
                    for (int c = 0; c < channels; c++) {
                        dst[at + c * plane] = b;
                    }
                }
            }
            return;
        }
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < plane; i++) {
            int p = argb[i];
            int r = (p >>> 16) & 0xFF;
            int g = (p >>> 8) & 0xFF;
            int b = p & 0xFF;
            if (channels == 1) {
                int lum = (int) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
                dst[offset + i] = (byte) Math.min(255, lum);
            } else {
                dst[offset + i] = (byte) r;
                dst[offset + plane + i] = (byte) g;
                dst[offset + 2 * plane + i] = (byte) b;
            }
        }
    }
}
