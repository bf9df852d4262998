package io.vqtok.datasets;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A dataset split: the training part, the validation part carved from the training data, or the held-out test part.
 *
 * <p><b>The validation rule</b>, the same for every image and audio source of this module: of the {@code n} items
 * of the training data in their natural order (IDX file order; sorted file order for image folders and for the
 * {@code train/} folder of an audio corpus), {@link #VALIDATION} is the <em>last</em>
 * {@link #validationCount(int) ceil(n/12)} items and {@link #TRAIN} the first {@code n - ceil(n/12)}, so the two
 * are disjoint and together are the training data in order. For Fashion-MNIST's 60000 training images: the first
 * 55000 train, the last 5000 validate. {@link #TEST} is the test data, whole and unchanged. Carving needs at least
 * 2 training items (one for each part); fewer is a {@link DatasetException}.
 *
 * <p>Readers apply the rule with {@link #slice(int, Object)}: they read the stored data of {@link #stored()} (the
 * training files for TRAIN and VALIDATION) and keep the items of the returned {@link Slice}.
 */
public enum Split {
    /** The training split: the training data less its last {@link #validationCount(int) ceil(n/12)} items. */
    TRAIN,
    /** The validation split: the last {@link #validationCount(int) ceil(n/12)} items of the training data. */
    VALIDATION,
    /** The held-out test split. */
    TEST;

    /** One item in this many (rounded up) of the training data is held out for validation. */
    public static final int VALIDATION_DIVISOR = 12;

    /**
     * Parses a split name case-insensitively: {@code "train"}, {@code "validation"} (or {@code "val"}),
     * {@code "test"}.
     *
     * @param name the split name
     * @return the split
     * @throws IllegalArgumentException if the name is none of these
     */
    public static Split parse(String name) {
        if (name != null) {
            switch (name.trim().toLowerCase(Locale.ROOT)) {
                case "train":
                    return TRAIN;
                case "validation":
                case "val":
                    return VALIDATION;
                case "test":
                    return TEST;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("unknown split '" + name + "'; expected train, validation (val) or test");
    }

    /**
     * The number of training items the validation split takes: {@code ceil(n / 12)}.
     *
     * @param trainingItems {@code n}, the number of items of the training data, at least 0
     * @return {@code ceil(n / 12)}: 0 for 0 items, 1 for 1..12, 5000 for 60000
     * @throws IllegalArgumentException if {@code trainingItems} is negative
     */
    public static int validationCount(int trainingItems) {
        if (trainingItems < 0) {
            throw new IllegalArgumentException("negative item count " + trainingItems);
        }
        return trainingItems / VALIDATION_DIVISOR + (trainingItems % VALIDATION_DIVISOR == 0 ? 0 : 1);
    }

    /**
     * The split whose stored data holds this split's items: {@link #TRAIN} for TRAIN and VALIDATION (both are
     * carved from the training files), {@link #TEST} for TEST.
     *
     * @return the split of the files to read
     */
    public Split stored() {
        return this == TEST ? TEST : TRAIN;
    }

    /**
     * Applies the validation rule to the {@code items} items of {@link #stored()}'s data.
     *
     * @param items the number of items in the stored data (the training data for TRAIN and VALIDATION)
     * @param source what holds them (a file or a folder), named in the error message
     * @return the part of the items this split takes: all of them for TEST, the first {@code n - ceil(n/12)} for
     *         TRAIN, the last {@code ceil(n/12)} for VALIDATION
     * @throws DatasetException if this is TRAIN or VALIDATION and there are fewer than 2 items to carve
     * @throws IllegalArgumentException if {@code items} is negative
     */
    public Slice slice(int items, Object source) {
        if (items < 0) {
            throw new IllegalArgumentException("negative item count " + items);
        }
        if (this == TEST) {
            return new Slice(this, items, 0, items);
        }
        if (items < 2) {
            throw new DatasetException(source + ": " + items + " training item" + (items == 1 ? "" : "s")
                    + ", too few to carve a " + this + " split (the validation split is the last ceil(n/"
                    + VALIDATION_DIVISOR + ") of the n training items, the train split the rest; at least 2 are"
                    + " needed)");
        }
        int cut = items - validationCount(items);
        return this == TRAIN ? new Slice(this, items, 0, cut) : new Slice(this, items, cut, items);
    }

    /** @return the lower-case name: {@code train}, {@code validation} or {@code test} */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The items {@code [from, to)} a split takes of the {@code total} items of its stored data.
     *
     * @param split the split
     * @param total the number of items in the stored data
     * @param from the first item taken
     * @param to one past the last item taken
     */
    public record Slice(Split split, int total, int from, int to) {

        /**
         * Validates the range.
         *
         * @throws IllegalArgumentException unless {@code 0 <= from <= to <= total}
         */
        public Slice {
            Objects.requireNonNull(split, "split");
            if (from < 0 || from > to || to > total) {
                throw new IllegalArgumentException("bad slice [" + from + ", " + to + ") of " + total);
            }
        }

        /** @return the number of items taken, {@code to - from} */
        public int size() {
            return to - from;
        }

        /** @return whether the slice is all of the stored data */
        public boolean isWhole() {
            return from == 0 && to == total;
        }

        /**
         * The slice's elements of a list of the stored items.
         *
         * @param items the stored items, {@link #total()} of them
         * @param <T> the item type
         * @return an unmodifiable copy of {@code items[from, to)}
         * @throws IllegalArgumentException if the list does not have {@link #total()} elements
         */
        public <T> List<T> of(List<T> items) {
            if (items.size() != total) {
                throw new IllegalArgumentException("expected " + total + " items, got " + items.size());
            }
            return List.copyOf(items.subList(from, to));
        }

        /**
         * Says which split this is and how it was carved, for descriptions: {@code "test"},
         * {@code "train (first 55000 of train)"}, {@code "validation (last 5000 of train)"}.
         *
         * @return the text
         */
        public String describe() {
            return switch (split) {
                case TEST -> "test";
                case TRAIN -> "train (first " + size() + " of train)";
                case VALIDATION -> "validation (last " + size() + " of train)";
            };
        }
    }
}
