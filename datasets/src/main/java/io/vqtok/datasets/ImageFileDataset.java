package io.vqtok.datasets;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The images of a folder, decoded from their files as they are asked for: the streaming counterpart of
 * {@link ImageFolderDataset} (same files, order, split rule, size checks and channel conversion), holding only the
 * file list, so a folder larger than memory can be encoded. Safe for one reader at a time.
 */
public final class ImageFileDataset implements ImageDataset {
    private final Path root;
    private final List<Path> files;
    private final Split.Slice slice;
    private final int channels, height, width;
    private final ImageDecoder decoder;

    private ImageFileDataset(Path root, List<Path> files, Split.Slice slice, int channels, int height, int width) {
        this.root = root;
        this.files = List.copyOf(files);
        this.slice = slice;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.decoder = new ImageDecoder(channels, height, width);
    }

    /**
     * Lists the images under a directory and reads the first one for the size (and the channel count when 0).
     *
     * @param channels 1 (gray), 3 (RGB) or 0 (1 if the first image is grayscale, else 3)
     * @throws DatasetNotFoundException if {@code dir} does not exist
     * @throws DatasetException if it is not a directory, holds no images, or the first image is unreadable
     */
    public static ImageFileDataset open(Path dir, int channels) {
        ImageFolderDataset.checkChannels(channels);
        return open(dir, ImageFolderDataset.imagesIn(dir), null, channels);
    }

    /**
     * The images of one split of a folder, resolved and carved as {@link ImageFolderDataset#open(Path, Split, int)}
     * does (the same files, in the same order).
     *
     * @param channels 1 (gray), 3 (RGB) or 0 (1 if the split's first image is grayscale, else 3)
     * @throws DatasetNotFoundException if {@code root} does not exist
     * @throws DatasetException as {@link #open(Path, int)}, and if there are fewer than 2 training images to carve
     *         TRAIN or VALIDATION from
     */
    public static ImageFileDataset open(Path root, Split split, int channels) {
        ImageFolderDataset.checkChannels(channels);
        Path folder = ImageFolderDataset.splitFolder(root, split);
        List<Path> all = ImageFolderDataset.imagesIn(folder);
        Split.Slice slice = split.slice(all.size(), folder);
        return open(folder, slice.of(all), slice, channels);
    }

    private static ImageFileDataset open(Path dir, List<Path> files, Split.Slice slice, int channels) {
        BufferedImage first = ImageFolderDataset.readImage(files.get(0));
        int c = channels != 0 ? channels : (ImageFolderDataset.isGray(first) ? 1 : 3);
        return new ImageFileDataset(dir, files, slice, c, first.getHeight(), first.getWidth());
    }

    /** @return the image files, in dataset order */
    public List<Path> files() {
        return files;
    }

    @Override
    public int size() {
        return files.size();
    }

    @Override
    public int channels() {
        return channels;
    }

    @Override
    public int height() {
        return height;
    }

    @Override
    public int width() {
        return width;
    }

    /** Says where the images are from, as {@link ImageFolderDataset#description()} does, marked "streamed". */
    @Override
    public String description() {
        return "image folder " + root + (slice == null ? "" : ", " + slice.describe()) + " (" + size() + " images, "
                + channels + "x" + height + "x" + width + ", streamed)";
    }

    /** Decodes image {@code index}; a file of another size than the first is a {@link DatasetException} naming both. */
    @Override
    public void copyImage(int index, float[] dst, int offset) {
        Objects.checkIndex(index, files.size());
        Objects.checkFromIndexSize(offset, decoder.imageSize(), dst.length);
        Path file = files.get(index);
        BufferedImage img = ImageFolderDataset.readImage(file);
        if (img.getWidth() != width || img.getHeight() != height)
            throw new DatasetException(String.format("%s: size %dx%d (WxH) differs from %dx%d of the first image %s; all images in a"
                    + " folder must have the same size", file, img.getWidth(), img.getHeight(), width, height, files.get(0)));
        decoder.toFloats(file, img, dst, offset);
    }
}
