package io.vqtok.datasets;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Locates and loads Fashion-MNIST (28x28 grayscale clothing images, 60000 train / 10000 test) from a
 * directory holding its IDX files, each raw or gzip-compressed:
 * {@code train-images-idx3-ubyte[.gz]}, {@code train-labels-idx1-ubyte[.gz]},
 * {@code t10k-images-idx3-ubyte[.gz]}, {@code t10k-labels-idx1-ubyte[.gz]}.
 *
 * <p>Splits follow {@link Split}'s rule: {@link Split#TRAIN} is the first 55000 images of the training files,
 * {@link Split#VALIDATION} their last 5000, {@link Split#TEST} the 10000 {@code t10k} images; labels are carved
 * the same way, so {@code loadLabels(dir, s)[i]} is the label of {@code load(dir, s).image(i)}.
 */
public final class FashionMnist {

    /** Where the {@code dataset-fashion-mnist} package installs the files. */
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    private static final String TITLE = "Fashion-MNIST";

    private FashionMnist() {
    }

    /**
     * Loads the images of one split.
     *
     * @param dir the directory with the IDX files
     * @param split which split (TRAIN and VALIDATION are carved from the training file)
     * @return the images (1x28x28 for the real dataset), described as e.g.
     *         "Fashion-MNIST validation (last 5000 of train) from FILE (5000 images, 1x28x28)"
     * @throws DatasetNotFoundException if the image file is in neither raw nor .gz form in {@code dir}
     * @throws DatasetException if the file is malformed, or has fewer than 2 images to carve TRAIN or VALIDATION from
     */
    public static ImageDataset load(Path dir, Split split) {
        return IdxImages.read(find(dir, imagesName(split)), split, TITLE);
    }

    /**
     * The images of one split read from disk as they are asked for, in constant memory ({@link IdxImageStream});
     * the same images as {@link #load}.
     */
    public static IdxImageStream stream(Path dir, Split split) {
        return IdxImageStream.open(find(dir, imagesName(split)), split, TITLE);
    }

    /**
     * Loads the class labels (0..9) of one split.
     *
     * @param dir the directory with the IDX files
     * @param split which split (TRAIN and VALIDATION are carved from the training file, as the images are)
     * @return the labels, one per image of {@link #load(Path, Split)}
     * @throws DatasetNotFoundException if the label file is in neither raw nor .gz form in {@code dir}
     * @throws DatasetException if the file is malformed, or has fewer than 2 labels to carve TRAIN or VALIDATION from
     */
    public static int[] loadLabels(Path dir, Split split) {
        return IdxLabels.read(find(dir, labelsName(split)), split).labels();
    }

    /**
     * Tells whether a directory holds at least one Fashion-MNIST image file (train or test, raw or .gz).
     *
     * @param dir a directory
     * @return true if {@link #load} can be expected to find one of the splits there
     */
    public static boolean containsIdxFiles(Path dir) {
        for (Split s : Split.values()) {
            if (locate(dir, imagesName(s)) != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns the base name (without {@code .gz}) of the image file a split is read from.
     *
     * @param split the split
     * @return {@code train-images-idx3-ubyte} (TRAIN, VALIDATION) or {@code t10k-images-idx3-ubyte} (TEST)
     */
    public static String imagesName(Split split) {
        return prefix(split) + "-images-idx3-ubyte";
    }

    /**
     * Returns the base name (without {@code .gz}) of the label file a split is read from.
     *
     * @param split the split
     * @return {@code train-labels-idx1-ubyte} (TRAIN, VALIDATION) or {@code t10k-labels-idx1-ubyte} (TEST)
     */
    public static String labelsName(Split split) {
        return prefix(split) + "-labels-idx1-ubyte";
    }

    private static String prefix(Split split) {
        return Objects.requireNonNull(split, "split").stored() == Split.TRAIN ? "train" : "t10k";
    }

    /** Finds {@code name} or {@code name.gz} (the uncompressed one first) or throws a helpful not-found error. */
    private static Path find(Path dir, String name) {
        Objects.requireNonNull(dir, "dir");
        Path found = locate(dir, name);
        if (found == null) {
            throw new DatasetNotFoundException("Fashion-MNIST not found in " + dir + " (expected " + name
                    + "[.gz]). Install it with: sudo apt-get install dataset-fashion-mnist — or pass --data DIR");
        }
        return found;
    }

    private static Path locate(Path dir, String name) {
        for (String candidate : new String[] {name, name + ".gz"}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }
}
