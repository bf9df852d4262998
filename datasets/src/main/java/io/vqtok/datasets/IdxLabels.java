package io.vqtok.datasets;

import java.nio.file.Path;

/**
 * Class labels read from an IDX label file (the MNIST / Fashion-MNIST format), raw or gzip-compressed.
 *
 * <p>File layout (big-endian): magic {@code 0x00000801} (unsigned bytes, 1 dimension), the label count
 * {@code N}, then exactly {@code N} label bytes (0..255).
 *
 * @param file the file the labels were read from
 * @param labels the labels, one per image, each 0..255
 */
public record IdxLabels(Path file, int[] labels) {

    private static final String KIND = "IDX unsigned-byte labels";

    /**
     * Validates the components.
     *
     * @param file the source file
     * @param labels the labels
     */
    public IdxLabels {
        java.util.Objects.requireNonNull(file, "file");
        java.util.Objects.requireNonNull(labels, "labels");
        labels = labels.clone();
    }

    /**
     * Reads an IDX label file.
     *
     * @param file the file, raw or gzip-compressed (detected from its first bytes)
     * @return the labels
     * @throws DatasetNotFoundException if the file does not exist
     * @throws DatasetException if the magic, the size or the payload length are wrong
     */
    public static IdxLabels read(Path file) {
        return labels(file, Idx.read(file, Idx.LABELS_MAGIC, KIND));
    }

    /**
     * Reads one split's labels of an IDX label file, carved as {@link IdxImages#read(Path, Split)} carves the
     * images: all of them for {@link Split#TEST}, the first {@code N - ceil(N/12)} of a training file for
     * {@link Split#TRAIN}, its last {@code ceil(N/12)} for {@link Split#VALIDATION}.
     *
     * @param file the file holding the labels of {@code split.stored()}, raw or gzip-compressed
     * @param split the split wanted
     * @return the split's labels, in file order
     * @throws DatasetNotFoundException if the file does not exist
     * @throws DatasetException if the magic, the size or the payload length are wrong, or the file has fewer than 2
     *         labels to carve TRAIN or VALIDATION from
     */
    public static IdxLabels read(Path file, Split split) {
        java.util.Objects.requireNonNull(split, "split");
        return labels(file, Idx.read(file, Idx.LABELS_MAGIC, KIND, split));
    }

    private static IdxLabels labels(Path file, Idx.Contents c) {
        byte[] data = c.data();
        int[] labels = new int[data.length];
        for (int i = 0; i < data.length; i++) {
            labels[i] = data[i] & 0xFF;
        }
        return new IdxLabels(file, labels);
    }

    /** @return the number of labels */
    public int size() {
        return labels.length;
    }

    /** @return a copy of the labels */
    @Override
    public int[] labels() {
        return labels.clone();
    }

    /**
     * Returns one label.
     *
     * @param index the label index
     * @return the label, 0..255
     */
    public int label(int index) {
        return labels[index];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdxLabels other && file.equals(other.file)
                && java.util.Arrays.equals(labels, other.labels);
    }

    @Override
    public int hashCode() {
        return 31 * file.hashCode() + java.util.Arrays.hashCode(labels);
    }

    @Override
    public String toString() {
        return "IdxLabels[" + file + ", " + labels.length + " labels]";
    }
}
