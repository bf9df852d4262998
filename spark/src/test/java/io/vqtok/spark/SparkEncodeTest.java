package io.vqtok.spark;

import io.vqtok.autoencoders.AudioAutoencoderConfig;
import io.vqtok.autoencoders.AudioTokenizer;
import io.vqtok.autoencoders.ImageAutoencoderConfig;
import io.vqtok.autoencoders.ImageTokenizer;
import io.vqtok.autoencoders.TokenizerConfig;
import io.vqtok.codebook.CodebookInit;
import io.vqtok.datasets.Batch;
import io.vqtok.datasets.Batcher;
import io.vqtok.datasets.DataSources;
import io.vqtok.datasets.ImageDataset;
import io.vqtok.datasets.ImageFileDataset;
import io.vqtok.datasets.ImageWriter;
import io.vqtok.datasets.Split;
import io.vqtok.datasets.audio.Audio;
import io.vqtok.datasets.audio.AudioFileStream;
import io.vqtok.datasets.audio.WavFile;
import io.vqtok.quantizers.EmaQuantizerConfig;
import io.vqtok.quantizers.ResidualQuantizerConfig;
import io.vqtok.quantizers.VectorQuantizerConfig;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Spark job in local[2] mode: its rows hold the codes {@code vqtok encode} computes for the same files (the CLI's
 * library path: the streamed image folder, the batcher, {@link ImageTokenizer#images(Batch)}, {@link ImageTokenizer#encode};
 * audio: the streamed WAV folder and {@link AudioTokenizer#encode(float[])}), bad files become counted error rows, and
 * bad models, modalities, columns and outputs fail before any task runs.
 */
class SparkEncodeTest {
    private static final ImageAutoencoderConfig IMAGES = new ImageAutoencoderConfig(1, 16, 16, 8, 4, 1, 8);
    private static final AudioAutoencoderConfig AUDIO = new AudioAutoencoderConfig(8000, 2048, 4, new int[]{4, 8}, 1, 8);
    private static final AtomicInteger JOBS = new AtomicInteger();

    @TempDir
    static Path dir;
    static SparkSession spark;
    static Path imageModel, audioModel, images, good, wavs;
    static ImageTokenizer imageTokenizer;
    /** What vqtok encode gives for each good image, by file name; computed before any Spark job changes ND4J's threads. */
    static Map<String, int[]> reference = new HashMap<>();

    @BeforeAll
    static void setUp() throws Exception {
        imageTokenizer = ImageTokenizer.create(new TokenizerConfig(IMAGES, new ResidualQuantizerConfig(VectorQuantizerConfig.of(16, 8), 2)), 3);
        imageModel = dir.resolve("images.vqt");
        imageTokenizer.save(imageModel);
        images = Files.createDirectories(dir.resolve("images"));
        good = Files.createDirectories(dir.resolve("good"));
        Random r = new Random(1);
        for (int i = 0; i < 7; i++) {
            float[] v = blob(r);
            String name = i == 6 ? "sub/g6.png" : "g" + i + ".png";
            Files.createDirectories(images.resolve(name).getParent());
            ImageWriter.writePng(images.resolve(name), v, 1, 16, 16);
            ImageWriter.writePng(good.resolve(name.replace("sub/", "")), v, 1, 16, 16);
        }
        byte[] png = Files.readAllBytes(images.resolve("g0.png"));
        Files.write(images.resolve("broken.png"), Arrays.copyOf(png, png.length / 2));     // truncated
        Files.writeString(images.resolve("notes.png"), "not an image");                     // not an image, named like one
        ImageWriter.writePng(images.resolve("wide.png"), new float[20 * 16], 1, 16, 20);     // another size than the model's
        Files.writeString(images.resolve("readme.txt"), "ignored: not an image file name");

        // vqtok encode's path (EncodeCommand: ModelData.open -> DataSources.openStreaming, Data.prefetched -> Batcher,
        // ImageTokenizer.images, ImageTokenizer.encode)
        ImageDataset d = DataSources.openStreaming(good.toString(), Split.TEST, IMAGES.channels());
        Batcher b = new Batcher(d, d.size(), 0, false, false);
        int[] codes = imageTokenizer.encode(ImageTokenizer.images(b.next())).reshape(-1).toIntVector();
        List<Path> files = ((ImageFileDataset) d).files();
        for (int i = 0; i < files.size(); i++)
            reference.put(files.get(i).getFileName().toString(), Arrays.copyOfRange(codes, i * 32, (i + 1) * 32));
        assertThat(new HashSet<>(reference.values().stream().map(Arrays::toString).toList())).as("distinct codes").hasSizeGreaterThan(3);

        AudioTokenizer audio = AudioTokenizer.create(new TokenizerConfig(AUDIO, new ResidualQuantizerConfig(
                EmaQuantizerConfig.of(16, 8).withInit(CodebookInit.DATA), 2)), 5);
        audioModel = dir.resolve("audio.vqt");
        audio.save(audioModel);
        wavs = Files.createDirectories(dir.resolve("wavs"));
        WavFile.write(wavs.resolve("a.wav"), new Audio(tone(440, 8000, 5000), 8000));
        WavFile.write(wavs.resolve("b.wav"), new Audio(tone(250, 16000, 9000), 16000));       // resampled to 8 kHz

        spark = SparkSession.builder().master("local[2]").appName("vqtok-spark-test")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").config("spark.sql.shuffle.partitions", "2")
                .config("spark.sql.warehouse.dir", dir.resolve("warehouse").toString()).getOrCreate();
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart jobStart) {
                JOBS.incrementAndGet();
            }
        });
    }

    @AfterAll
    static void tearDown() {
        if (spark != null) spark.stop();
        ExecutorTokenizers.clear();
    }

    private static float[] blob(Random r) {
        float[] v = new float[256];
        double cx = 3 + r.nextDouble() * 10, cy = 3 + r.nextDouble() * 10, s = 1.5 + r.nextDouble() * 3;
        for (int y = 0; y < 16; y++)
            for (int x = 0; x < 16; x++) v[y * 16 + x] = (float) Math.exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * s * s));
        return v;
    }

    private static float[] tone(double f, int rate, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (0.4 * Math.sin(2 * Math.PI * f * i / rate));
        return x;
    }

    private static String name(String id) {
        return id.substring(id.lastIndexOf('/') + 1);
    }

    private static int[] ints(Row r, String column) {
        List<Integer> l = r.getList(r.fieldIndex(column));
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    private static Map<String, Row> rowsById(String out) {
        Map<String, Row> m = new HashMap<>();
        for (Row r : spark.read().parquet(out).collectAsList()) m.put(r.getString(r.fieldIndex("id")), r);
        return m;
    }

    @Test
    void imageFolderRowsHoldTheCodesOfVqtokEncodeAndBadFilesAreCountedErrorRows() {
        String out = dir.resolve("image-codes").toString();
        // batches of 3: a partition's images span several batches, the last one partial
        SparkEncode.Summary s = SparkEncode.run(spark, SparkEncodeConfig.files(imageModel.toString(), images.toString(), out).withBatchSize(3));
        assertThat(s.rows()).isEqualTo(10);
        assertThat(s.ok()).isEqualTo(7);
        assertThat(s.errors()).isEqualTo(3);
        assertThat(s.modality()).isEqualTo("image");
        Map<String, Row> byName = new HashMap<>();
        rowsById(out).forEach((id, r) -> byName.put(name(id), r));
        assertThat(byName.keySet()).containsExactlyInAnyOrder("g0.png", "g1.png", "g2.png", "g3.png", "g4.png", "g5.png", "g6.png",
                "broken.png", "notes.png", "wide.png");
        for (Map.Entry<String, int[]> e : reference.entrySet()) {
            Row r = byName.get(e.getKey());
            assertThat(r.isNullAt(r.fieldIndex("error"))).as(e.getKey()).isTrue();
            assertThat(ints(r, "codes")).as(e.getKey()).containsExactly(e.getValue());
            assertThat(ints(r, "shape")).containsExactly(4, 4, 2);
        }
        assertThat(byName.get("broken.png").getString(3)).contains("broken.png");
        assertThat(byName.get("notes.png").getString(3)).contains("notes.png").contains("not a readable image");
        assertThat(byName.get("wide.png").getString(3)).contains("wide.png").contains("20x16");
        assertThat(byName.get("wide.png").isNullAt(1)).isTrue();
        assertThat(s.firstErrors()).hasSize(3);
        // loaded once in this JVM (the executor of local mode), threads capped to spark.task.cpus = 1 per task
        assertThat(ExecutorTokenizers.loaded()).isGreaterThanOrEqualTo(1);
        assertThat(Nd4jThreads.reported()).containsExactly(1, 1, 1);
    }

    @Test
    void parquetTableWithABytesColumnGivesTheSameCodes() throws Exception {
        StructType image = new StructType().add("bytes", DataTypes.BinaryType).add("path", DataTypes.StringType);
        StructType schema = new StructType().add("key", DataTypes.LongType).add("image", image);
        List<Row> rows = new ArrayList<>();
        List<String> names = new ArrayList<>(reference.keySet());
        for (int i = 0; i < names.size(); i++)
            rows.add(RowFactory.create((long) i, RowFactory.create(Files.readAllBytes(good.resolve(names.get(i))), names.get(i))));
        rows.add(RowFactory.create(100L, RowFactory.create(null, "missing")));
        rows.add(RowFactory.create(101L, RowFactory.create(new byte[]{(byte) 0x89, 'P', 'N', 'G'}, "cut")));
        String table = dir.resolve("table.parquet").toString();
        spark.createDataFrame(rows, schema).repartition(2).write().parquet(table);
        String out = dir.resolve("table-codes").toString();
        SparkEncode.Summary s = SparkEncode.run(spark, SparkEncodeConfig.table(imageModel.toString(), table, "image.bytes", "key", out));
        assertThat(s.rows()).isEqualTo(names.size() + 2);
        assertThat(s.errors()).isEqualTo(2);
        Map<String, Row> byId = rowsById(out);
        for (int i = 0; i < names.size(); i++) assertThat(ints(byId.get(String.valueOf(i)), "codes")).containsExactly(reference.get(names.get(i)));
        assertThat(byId.get("100").getString(3)).contains("no bytes");
        assertThat(byId.get("101").getString(3)).contains("101");
        assertThatThrownBy(() -> SparkEncode.run(spark, SparkEncodeConfig.table(imageModel.toString(), table, "image.path", "key", dir.resolve("x").toString())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not binary");
    }

    @Test
    void audioFolderRowsHoldTheCodesOfEachFile() throws Exception {
        Path withBad = Files.createDirectories(dir.resolve("wavs-bad"));
        for (String f : new String[]{"a.wav", "b.wav"}) Files.copy(wavs.resolve(f), withBad.resolve(f));
        Files.writeString(withBad.resolve("corrupt.wav"), "RIFF....WAVEnot really");
        String out = dir.resolve("audio-codes").toString();
        SparkEncode.Summary s = SparkEncode.run(spark, SparkEncodeConfig.files(audioModel.toString(), withBad.toString(), out));
        assertThat(s.modality()).isEqualTo("audio");
        assertThat(s.rows()).isEqualTo(3);
        assertThat(s.errors()).isEqualTo(1);
        Map<String, Row> byName = new HashMap<>();
        rowsById(out).forEach((id, r) -> byName.put(name(id), r));
        assertThat(byName.get("corrupt.wav").getString(byName.get("corrupt.wav").fieldIndex("error"))).contains("corrupt.wav");
        // vqtok encode's path for audio (AudioCodes.encode): the streamed WAV folder's clips, AudioTokenizer.encode
        AudioTokenizer t = AudioTokenizer.load(audioModel);
        AudioFileStream stream = AudioFileStream.openFolder(wavs, t.sampleRate());
        for (int i = 0; i < stream.size(); i++) {
            float[] x = stream.clip(i);
            INDArray codes = t.encode(x);
            Row r = byName.get(stream.files().get(i).getFileName().toString());
            assertThat(r.getInt(r.fieldIndex("samples"))).isEqualTo(x.length);
            assertThat(ints(r, "shape")).containsExactly((int) codes.size(0), 2);
            assertThat(ints(r, "codes")).containsExactly(codes.reshape(-1).toIntVector());
        }
        assertThat(byName.get("b.wav").getInt(1)).isEqualTo(4500);
    }

    @Test
    void badModelsModalitiesAndOutputsFailBeforeAnyTask() throws Exception {
        Files.writeString(dir.resolve("notes.vqt"), "not a model");
        Path existing = Files.createDirectories(dir.resolve("existing"));
        Files.writeString(existing.resolve("f"), "x");
        spark.sparkContext().listenerBus().waitUntilEmpty(10_000);
        int before = JOBS.get();
        String out = dir.resolve("never").toString();
        assertThatThrownBy(() -> SparkEncode.run(spark, SparkEncodeConfig.files(dir.resolve("missing.vqt").toString(), images.toString(), out)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.vqt: model file not found");
        assertThatThrownBy(() -> SparkEncode.run(spark, SparkEncodeConfig.files(dir.resolve("notes.vqt").toString(), images.toString(), out)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a vqtok model");
        assertThatThrownBy(() -> SparkEncode.run(spark, SparkEncodeConfig.files(audioModel.toString(), images.toString(), out)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is an audio tokenizer").hasMessageContaining("image files");
        assertThatThrownBy(() -> SparkEncode.run(spark, SparkEncodeConfig.files(imageModel.toString(), wavs.toString(), out)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is an image tokenizer").hasMessageContaining("WAV files");
        assertThatThrownBy(() -> SparkEncode.run(spark, SparkEncodeConfig.files(imageModel.toString(), dir.resolve("nowhere").toString(), out)))
                .hasMessageContaining("nowhere");
        assertThatThrownBy(() -> SparkEncode.run(spark, SparkEncodeConfig.files(imageModel.toString(), images.toString(), existing.toString())))
                .hasMessageContaining("already exists");
        spark.sparkContext().listenerBus().waitUntilEmpty(10_000);
        assertThat(JOBS.get()).as("Spark jobs started").isEqualTo(before);
        assertThat(Files.exists(Path.of(out))).isFalse();
    }
}
