package io.vqtok.spark;

import java.io.Serializable;
import java.util.Objects;

/**
 * What {@link SparkEncode} encodes and how.
 *
 * @param model the model file ({@code .vqt}): a local path or any Hadoop file system URI ({@code hdfs://}, {@code s3a://}),
 *        read once on the driver and shipped to the executors as bytes
 * @param input a folder of image or WAV files (searched recursively), a glob of files, or, with {@code bytesColumn},
 *        a Parquet table
 * @param out the Parquet table to write
 * @param bytesColumn the column of a Parquet input holding each item's file bytes (e.g. {@code image.bytes}); null for a
 *        folder of files
 * @param idColumn the column of a Parquet input that identifies a row (written as the {@code id} column, as a string)
 * @param glob the file names a folder input is filtered by; null for the model's modality ({@link #IMAGE_GLOB},
 *        {@link #AUDIO_GLOB})
 * @param batchSize images decoded and encoded together within a partition (audio: one file at a time)
 * @param threadsPerTask ND4J threads of each task; 0 for {@code spark.task.cpus}, so the tasks of an executor share its
 *        cores without oversubscribing them
 * @param partitions the number of partitions to encode in; 0 keeps a table's and merges a folder's to about
 *        {@link SparkEncode#FILES_PER_PARTITION} files each (at least one partition per core)
 * @param overwrite replace an existing {@code out}; otherwise an existing one fails the job before it starts
 */
public record SparkEncodeConfig(String model, String input, String out, String bytesColumn, String idColumn, String glob,
                                int batchSize, int threadsPerTask, int partitions, boolean overwrite) implements Serializable {
    /** The image files a folder input is read for, by default. */
    public static final String IMAGE_GLOB = "*.{png,jpg,jpeg,PNG,JPG,JPEG}";
    /** The audio files a folder input is read for, by default. */
    public static final String AUDIO_GLOB = "*.{wav,WAV}";
    /** Images per batch unless set otherwise. */
    public static final int DEFAULT_BATCH = 256;

    public SparkEncodeConfig {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(out, "out");
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        if (threadsPerTask < 0) throw new IllegalArgumentException("threads per task must be >= 0, got " + threadsPerTask);
        if (partitions < 0) throw new IllegalArgumentException("partitions must be >= 0, got " + partitions);
        if ((bytesColumn == null) != (idColumn == null))
            throw new IllegalArgumentException("a Parquet input needs both a bytes column and an id column");
    }

    /** A folder (or glob) of files, encoded with the defaults. */
    public static SparkEncodeConfig files(String model, String input, String out) {
        return new SparkEncodeConfig(model, input, out, null, null, null, DEFAULT_BATCH, 0, 0, false);
    }

    /** A Parquet table with a bytes column and an id column, encoded with the defaults. */
    public static SparkEncodeConfig table(String model, String input, String bytesColumn, String idColumn, String out) {
        return new SparkEncodeConfig(model, input, out, Objects.requireNonNull(bytesColumn, "bytesColumn"),
                Objects.requireNonNull(idColumn, "idColumn"), null, DEFAULT_BATCH, 0, 0, false);
    }

    /** Whether the input is a Parquet table (else files). */
    public boolean isTable() {
        return bytesColumn != null;
    }

    public SparkEncodeConfig withBatchSize(int n) {
        return new SparkEncodeConfig(model, input, out, bytesColumn, idColumn, glob, n, threadsPerTask, partitions, overwrite);
    }

    public SparkEncodeConfig withThreadsPerTask(int n) {
        return new SparkEncodeConfig(model, input, out, bytesColumn, idColumn, glob, batchSize, n, partitions, overwrite);
    }

    public SparkEncodeConfig withPartitions(int n) {
        return new SparkEncodeConfig(model, input, out, bytesColumn, idColumn, glob, batchSize, threadsPerTask, n, overwrite);
    }

    public SparkEncodeConfig withGlob(String g) {
        return new SparkEncodeConfig(model, input, out, bytesColumn, idColumn, g, batchSize, threadsPerTask, partitions, overwrite);
    }

    public SparkEncodeConfig withOverwrite(boolean o) {
        return new SparkEncodeConfig(model, input, out, bytesColumn, idColumn, glob, batchSize, threadsPerTask, partitions, o);
    }
}
