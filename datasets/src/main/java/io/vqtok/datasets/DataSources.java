package io.vqtok.datasets;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Resolves a user's data specification (e.g. the value of a {@code --data} option) to an {@link ImageDataset}.
 *
 * <p>Accepted forms, tried in this order:
 * <ol>
 *   <li>{@code fashion-mnist} (any case): Fashion-MNIST from {@link FashionMnist#DEFAULT_DIR};</li>
 *   <li>a directory holding Fashion-MNIST-named IDX files ({@code train-images-idx3-ubyte[.gz]},
 *       {@code t10k-images-idx3-ubyte[.gz]}): read with {@link FashionMnist#load};</li>
 *   <li>any other directory: a folder of PNG/JPEG images read with
 *       {@link ImageFolderDataset#open(Path, Split, int)}; if it has both {@code train/} and {@code test/}
 *       subfolders, TEST is {@code test/} and TRAIN and VALIDATION are carved from {@code train/}, otherwise the
 *       whole folder is the training data (TRAIN and VALIDATION are carved from it) and also serves as TEST.</li>
 * </ol>
 *
 * <p>In every form {@link Split#VALIDATION} is the last {@code ceil(n/12)} of the {@code n} training items in their
 * natural order and {@link Split#TRAIN} the rest (see {@link Split}): 55000 / 5000 for Fashion-MNIST.
 */
public final class DataSources {

    /** The name that selects Fashion-MNIST from its default location. */
    public static final String FASHION_MNIST = "fashion-mnist";

    /** One-line description of the accepted forms, for error and help messages. */
    public static final String ACCEPTED_FORMS = "accepted forms: '" + FASHION_MNIST + "' (reads "
            + FashionMnist.DEFAULT_DIR + "), a directory with Fashion-MNIST IDX files"
            + " (train-images-idx3-ubyte[.gz], t10k-images-idx3-ubyte[.gz]), or a directory of PNG/JPEG images"
            + " (optionally with train/ and test/ subfolders)";

    private DataSources() {
    }

    /**
     * Opens a dataset, choosing the channel count of an image folder from its first image.
     *
     * @param spec {@code fashion-mnist} or a directory path
     * @param split the split wanted
     * @return the dataset
     * @throws DatasetNotFoundException if the path does not exist or the dataset is missing
     * @throws DatasetException if the data is malformed
     */
    public static ImageDataset open(String spec, Split split) {
        return open(spec, split, 0);
    }

    /**
     * Opens a dataset with a given channel count.
     *
     * @param spec {@code fashion-mnist} or a directory path
     * @param split the split wanted
     * @param channels 1, 3, or 0 (decide from the data); IDX data is gray, so only 0 or 1 are accepted for it
     * @return the dataset
     * @throws IllegalArgumentException if {@code channels} is not 0, 1 or 3
     * @throws DatasetNotFoundException if the path does not exist or the dataset is missing
     * @throws DatasetException if the data is malformed or IDX data is asked for with 3 channels
     */
    public static ImageDataset open(String spec, Split split, int channels) {
        return open(spec, split, channels, false);
    }

    /**
     * As {@link #open(String, Split, int)}, but the images stay on disk and are decoded as they are asked for
     * ({@link IdxImageStream}, {@link ImageFileDataset}): constant memory for any dataset size, for reading once in
     * order (encoding, evaluation).
     */
    public static ImageDataset openStreaming(String spec, Split split, int channels) {
        return open(spec, split, channels, true);
    }

    private static ImageDataset open(String spec, Split split, int channels, boolean streaming) {
        Objects.requireNonNull(split, "split");
        if (channels != 0 && channels != 1 && channels != 3) {
            throw new IllegalArgumentException("channels must be 1 (gray), 3 (RGB) or 0 (from the data), got "
                    + channels);
        }
        if (spec == null || spec.isBlank()) {
            throw new DatasetException("no dataset given; " + ACCEPTED_FORMS);
        }
        String s = spec.trim();
        if (s.toLowerCase(Locale.ROOT).equals(FASHION_MNIST)) {
            return idx(FashionMnist.DEFAULT_DIR, split, channels, streaming);
        }
        Path path;
        try {
            path = Path.of(s);
        } catch (InvalidPathException e) {
            throw new DatasetException("'" + s + "' is not a valid path; " + ACCEPTED_FORMS, e);
        }
        if (!Files.exists(path)) {
            throw new DatasetNotFoundException(path + ": no such file or directory; " + ACCEPTED_FORMS);
        }
        if (!Files.isDirectory(path)) {
            throw new DatasetException(path + ": is a file, not a directory; " + ACCEPTED_FORMS);
        }
        if (FashionMnist.containsIdxFiles(path)) {
            return idx(path, split, channels, streaming);
        }
        return streaming ? ImageFileDataset.open(path, split, channels) : ImageFolderDataset.open(path, split, channels);
    }

    private static ImageDataset idx(Path dir, Split split, int channels, boolean streaming) {
        if (channels == 3) {
            throw new DatasetException(dir + ": Fashion-MNIST IDX images are grayscale (1 channel); 3 channels"
                    + " were asked for");
        }
        return streaming ? FashionMnist.stream(dir, split) : FashionMnist.load(dir, split);
    }
}
