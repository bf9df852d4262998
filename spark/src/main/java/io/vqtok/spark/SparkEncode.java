package io.vqtok.spark;

import io.vqtok.autoencoders.AudioTokenizer;
import io.vqtok.autoencoders.ImageTokenizer;
import io.vqtok.autoencoders.Tokenizer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import static org.apache.spark.sql.functions.col;

/**
 * The Spark job that encodes a dataset to code indices: a folder (or glob) of image or WAV files, or a Parquet table
 * with a column of file bytes, to a Parquet table with one row per item: {@code id} (the file's path or the id
 * column's value), {@code codes} (array&lt;int&gt;, row-major), {@code shape} (of the codes: {@code [h, w]} or
 * {@code [h, w, Q]} for images, {@code [frames, Q]} for audio, whose rows also carry {@code samples}) and
 * {@code error} (null, or why the item could not be encoded).
 *
 * <p>It runs the library code {@code vqtok encode} runs (the folder readers' decoding, {@link ImageTokenizer#encode},
 * {@link AudioTokenizer#encode(float[])}), so a row's codes are the ones {@code vqtok encode} writes for that file. The
 * model is read and checked on the driver (a missing or unreadable model, a model of the other modality than the
 * input's files, a missing column fail here, before any task), then broadcast as bytes; each executor JVM loads it once.
 * A file that cannot be decoded becomes a row with its error and is counted, without failing the job.
 */
public final class SparkEncode {
    /** About how many files a partition of a folder input holds when {@link SparkEncodeConfig#partitions()} is 0. */
    public static final int FILES_PER_PARTITION = 1000;

    private SparkEncode() {
    }

    /**
     * What a run did.
     *
     * @param out the table written
     * @param modality "image" or "audio"
     * @param rows rows written (one per input item)
     * @param ok rows with codes
     * @param errors rows with an error instead of codes
     * @param seconds wall time of the job, from reading the model to the committed table
     * @param firstErrors up to 5 of the errors, for the summary
     */
    public record Summary(String out, String modality, long rows, long ok, long errors, double seconds, List<String> firstErrors) {
        /** Items per second. */
        public double itemsPerSecond() {
            return rows / seconds;
        }

        public String json() {
            StringBuilder sb = new StringBuilder();
            sb.append(String.format(Locale.ROOT, "{\"out\":\"%s\",\"modality\":\"%s\",\"rows\":%d,\"ok\":%d,\"errors\":%d,\"seconds\":%.3f,\"items_per_s\":%.1f,\"first_errors\":[",
                    escape(out), modality, rows, ok, errors, seconds, itemsPerSecond()));
            for (int i = 0; i < firstErrors.size(); i++) sb.append(i > 0 ? "," : "").append('"').append(escape(firstErrors.get(i))).append('"');
            return sb.append("]}").toString();
        }

        private static String escape(String s) {
            StringBuilder sb = new StringBuilder();
            for (char c : s.toCharArray()) {
                if (c == '"' || c == '\\') sb.append('\\').append(c);
                else if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                else sb.append(c);
            }
            return sb.toString();
        }
    }

    /**
     * Encodes {@code config.input()} to {@code config.out()}.
     *
     * @throws IllegalArgumentException before any task runs: the model is missing, unreadable, or of the other modality
     *         than the input's files; the input holds no files to encode; a column is missing or not binary
     * @throws org.apache.spark.sql.AnalysisException before any task runs: the input does not exist, or the output
     *         exists and {@code overwrite} is not set
     */
    public static Summary run(SparkSession spark, SparkEncodeConfig config) {
        long t0 = System.nanoTime();
        byte[] modelBytes = readModel(spark, config.model());
        Tokenizer probe;
        try {
            probe = Tokenizer.load(modelBytes, config.model());
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(config.model() + ": not a usable model: " + message(e), e);
        }
        boolean audio = probe instanceof AudioTokenizer;
        if (probe instanceof ImageTokenizer it) {
            long floats = (long) config.batchSize() * it.autoencoderConfig().channels() * it.autoencoderConfig().height() * it.autoencoderConfig().width();
            if (floats > Integer.MAX_VALUE - 8)
                throw new IllegalArgumentException("a batch of " + config.batchSize() + " images of the model's size does not fit in one array; use a smaller batch");
        }
        probe.close();
        int[] files = {0};
        Dataset<Row> items = config.isTable() ? tableItems(spark, config) : fileItems(spark, config, audio, files);
        if (config.partitions() > 0) {
            int current = items.rdd().getNumPartitions();
            items = config.partitions() < current ? items.coalesce(config.partitions()) : items.repartition(config.partitions());
        } else if (files[0] > 0) {
            // Spark packs small files ~32 to a partition (each costs spark.sql.files.openCostInBytes, 4 MB): too few for a
            // batch and a task's overhead. Merge neighbouring partitions (no shuffle) to about FILES_PER_PARTITION files,
            // keeping at least one partition per core.
            int current = items.rdd().getNumPartitions();
            int target = Math.max(spark.sparkContext().defaultParallelism(), (files[0] + FILES_PER_PARTITION - 1) / FILES_PER_PARTITION);
            if (target < current) items = items.coalesce(target);
        }
        String hash = sha256(modelBytes);
        Broadcast<byte[]> model = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(modelBytes);
        try {
            Dataset<Row> encoded = audio
                    ? items.mapPartitions(new AudioPartitionEncoder(model, hash, config.model(), config.threadsPerTask()), Encoders.row(AudioPartitionEncoder.SCHEMA))
                    : items.mapPartitions(new ImagePartitionEncoder(model, hash, config.model(), config.batchSize(), config.threadsPerTask()), Encoders.row(ImagePartitionEncoder.SCHEMA));
            encoded.write().mode(config.overwrite() ? SaveMode.Overwrite : SaveMode.ErrorIfExists).parquet(config.out());
        } finally {
            model.destroy();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Dataset<Row> written = spark.read().parquet(config.out());
        long rows = written.count();
        Dataset<Row> failed = written.where(col("error").isNotNull());
        long errors = failed.count();
        List<String> first = failed.select("error").limit(5).collectAsList().stream().map(r -> r.getString(0)).toList();
        return new Summary(config.out(), audio ? "audio" : "image", rows, rows - errors, errors, seconds, first);
    }

    /** The model file's bytes, from the driver's local file system or any Hadoop file system URI. */
    static byte[] readModel(SparkSession spark, String model) {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(model);
        try {
            FileSystem fs = p.getFileSystem(conf);
            long length = fs.getFileStatus(p).getLen();
            if (length > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(model + ": " + length + " bytes, too large for a model file");
            byte[] bytes = new byte[(int) length];
            try (FSDataInputStream in = fs.open(p)) {
                in.readFully(bytes);
            }
            return bytes;
        } catch (FileNotFoundException e) {
            throw new IllegalArgumentException(model + ": model file not found", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(model + ": cannot read the model file (" + e.getMessage() + ")", e);
        }
    }

    /** (id, content) of the files of a folder or glob, filtered to the model's modality; checked on the driver. */
    private static Dataset<Row> fileItems(SparkSession spark, SparkEncodeConfig config, boolean audio, int[] count) {
        String glob = config.glob() != null ? config.glob() : audio ? SparkEncodeConfig.AUDIO_GLOB : SparkEncodeConfig.IMAGE_GLOB;
        Dataset<Row> files = binaryFiles(spark, config.input(), glob);
        count[0] = files.inputFiles().length;
        if (count[0] == 0) {
            String kind = audio ? "an audio" : "an image";
            if (config.glob() == null) {
                int other = binaryFiles(spark, config.input(), audio ? SparkEncodeConfig.IMAGE_GLOB : SparkEncodeConfig.AUDIO_GLOB).inputFiles().length;
                if (other > 0)
                    throw new IllegalArgumentException(config.model() + " is " + kind + " tokenizer, but " + config.input() + " holds "
                            + other + (audio ? " image files" : " WAV files") + " and no " + (audio ? "WAV" : "image") + " files");
            }
            throw new IllegalArgumentException(config.input() + ": no files matching " + glob + " (searched recursively)");
        }
        return files.select(col("path").as("id"), col("content"));
    }

    private static Dataset<Row> binaryFiles(SparkSession spark, String input, String glob) {
        return spark.read().format("binaryFile").option("pathGlobFilter", glob).option("recursiveFileLookup", "true").load(input);
    }

    /** (id, content) of a Parquet table's id and bytes columns; the columns are checked on the driver. */
    private static Dataset<Row> tableItems(SparkSession spark, SparkEncodeConfig config) {
        Dataset<Row> table = spark.read().parquet(config.input());
        Dataset<Row> items;
        try {
            items = table.select(col(config.idColumn()).cast("string").as("id"), col(config.bytesColumn()).as("content"));
        } catch (Exception e) {
            if (!(e instanceof org.apache.spark.sql.AnalysisException)) throw e;
            throw new IllegalArgumentException(config.input() + ": no column " + config.idColumn() + " or " + config.bytesColumn()
                    + " (columns: " + table.schema().simpleString() + ")", e);
        }
        DataType type = items.schema().apply("content").dataType();
        if (!(type instanceof BinaryType))
            throw new IllegalArgumentException(config.input() + ": column " + config.bytesColumn() + " is " + type.simpleString() + ", not binary (file bytes)");
        return items;
    }

    /** The ND4J threads a task uses: the configured count, else the task's CPUs (spark.task.cpus). */
    static int threadsOfThisTask(int configured) {
        if (configured > 0) return configured;
        TaskContext tc = TaskContext.get();
        return tc == null ? 1 : Math.max(1, tc.cpus());
    }

    /** One line saying what went wrong (the library's messages name the item). */
    static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.toString() : m;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
