package io.vqtok.datasets;

import java.util.Locale;

/** A dataset split: the training part or the held-out test part. */
public enum Split {
    /** The training split. */
    TRAIN,
    /** The held-out test split. */
    TEST;

    /**
     * Parses a split name case-insensitively ({@code "train"}, {@code "test"}).
     *
     * @param name the split name
     * @return the split
     * @throws IllegalArgumentException if the name is neither train nor test
     */
    public static Split parse(String name) {
        if (name != null) {
            switch (name.trim().toLowerCase(Locale.ROOT)) {
                case "train":
                    return TRAIN;
                case "test":
                    return TEST;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("unknown split '" + name + "'; expected train or test");
    }

    /** @return the lower-case name, {@code train} or {@code test} */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
