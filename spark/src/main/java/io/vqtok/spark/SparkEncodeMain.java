package io.vqtok.spark;

import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code vqtok spark-encode}: the command line of {@link SparkEncode}, for {@code spark-submit --class
 * io.vqtok.spark.SparkEncodeMain} (or {@code scripts/spark-encode.sh} locally). Prints the summary as one JSON line on
 * stdout; exit code 2 when the job could not start (bad model, input or flags).
 */
@Command(name = "spark-encode", mixinStandardHelpOptions = true,
        description = {"Encode a folder of images or WAV files, or a Parquet table of file bytes, to a Parquet table of codes on Spark.",
                "Columns: id, codes (array<int>, row-major), shape (array<int>), error (null when encoded); audio rows also have samples."})
public final class SparkEncodeMain implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model file (.vqt): local path or Hadoop URI (hdfs://, s3a://)")
    String model;

    @Option(names = "--input", required = true, description = "folder or glob of image/WAV files, or a Parquet table (with --bytes-column)")
    String input;

    @Option(names = "--out", required = true, description = "output Parquet table (a folder)")
    String out;

    @Option(names = "--bytes-column", description = "Parquet input: the column of file bytes (nested fields as a.b, e.g. image.bytes)")
    String bytesColumn;

    @Option(names = "--id-column", description = "Parquet input: the column that identifies a row (written as id)")
    String idColumn;

    @Option(names = "--glob", description = "file names to read from a folder (default: the model's modality: "
            + SparkEncodeConfig.IMAGE_GLOB + " or " + SparkEncodeConfig.AUDIO_GLOB + ")")
    String glob;

    @Option(names = "--batch", description = "images encoded together in a task (default: ${DEFAULT-VALUE})")
    int batch = SparkEncodeConfig.DEFAULT_BATCH;

    @Option(names = "--threads-per-task", description = "ND4J threads per task (default 0: spark.task.cpus)")
    int threadsPerTask;

    @Option(names = "--partitions", description = "partitions to encode in (default 0: a table's own; a folder's about " + SparkEncode.FILES_PER_PARTITION + " files each)")
    int partitions;

    @Option(names = "--overwrite", description = "replace an existing --out")
    boolean overwrite;

    @Option(names = "--repeat", description = "benchmarking: run the job this many times in one JVM (later runs replace the first one's --out)")
    int repeat = 1;

    @Option(names = "--master", description = "Spark master when not run by spark-submit (default: spark-submit's, else local[*])")
    String master;

    @Override
    public Integer call() {
        if ((bytesColumn == null) != (idColumn == null)) {
            System.err.println("spark-encode: a Parquet input needs both --bytes-column and --id-column");
            return 2;
        }
        SparkEncodeConfig config = new SparkEncodeConfig(model, input, out, bytesColumn, idColumn, glob, batch, threadsPerTask, partitions, overwrite);
        SparkSession.Builder b = SparkSession.builder().appName("vqtok spark-encode");
        if (master != null) b.master(master);
        else if (System.getProperty("spark.master") == null) b.master("local[*]");
        SparkSession spark = b.getOrCreate();
        try {
            for (int run = 0; run < Math.max(1, repeat); run++) {
                SparkEncode.Summary s = SparkEncode.run(spark, run == 0 ? config : config.withOverwrite(true));
                System.out.println(s.json());
                System.err.printf(java.util.Locale.ROOT, "encoded %d %s items to %s in %.2f s (%.0f items/s): %d ok, %d errors%n",
                        s.rows(), s.modality(), s.out(), s.seconds(), s.itemsPerSecond(), s.ok(), s.errors());
                for (String e : s.firstErrors()) System.err.println("  error: " + e);
            }
            return 0;
        } catch (IllegalArgumentException e) {
            System.err.println("spark-encode: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            if (!(e instanceof org.apache.spark.sql.AnalysisException)) throw e;
            System.err.println("spark-encode: " + e.getMessage());
            return 2;
        } finally {
            spark.stop();
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new SparkEncodeMain()).execute(args));
    }
}
