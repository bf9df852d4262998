package io.vqtok.autoencoders;

import io.vqtok.codebook.CodebookInit;
import io.vqtok.codebook.ReseedConfig;
import io.vqtok.quantizers.EmaQuantizerConfig;
import io.vqtok.quantizers.FsqConfig;
import io.vqtok.quantizers.QuantizerConfig;
import io.vqtok.quantizers.ResidualQuantizerConfig;
import io.vqtok.quantizers.VectorQuantizerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImageTokenizerTest {
    private static final ImageAutoencoderConfig SMALL = new ImageAutoencoderConfig(1, 16, 16, 8, 4, 1, 8);

    /** Blurry random blobs: learnable structure, deterministic. */
    static INDArray images(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n * 16 * 16];
        for (int i = 0; i < n; i++) {
            double cx = 4 + r.nextDouble() * 8, cy = 4 + r.nextDouble() * 8, s = 2 + r.nextDouble() * 3;
            for (int y = 0; y < 16; y++)
                for (int x = 0; x < 16; x++)
                    v[i * 256 + y * 16 + x] = (float) Math.exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * s * s));
        }
        return Nd4j.create(v, new long[]{n, 1, 16, 16}, DataType.FLOAT);
    }

    static List<QuantizerConfig> quantizers() {
        return List.of(
                VectorQuantizerConfig.of(32, 8),
                VectorQuantizerConfig.of(32, 8).withEstimator(VectorQuantizerConfig.Estimator.ROTATION),
                EmaQuantizerConfig.of(32, 8).withInit(CodebookInit.DATA).withReseed(ReseedConfig.threshold(0.05)),
                new FsqConfig(new int[]{5, 5, 3}, 8),
                io.vqtok.quantizers.SimVqConfig.of(32, 8),
                io.vqtok.quantizers.SinkhornConfig.of(32, 8),
                io.vqtok.quantizers.LfqConfig.of(5, 8),
                new io.vqtok.quantizers.ProjectedQuantizerConfig(VectorQuantizerConfig.of(32, 3), 8),
                io.vqtok.quantizers.GroupedQuantizerConfig.of(EmaQuantizerConfig.of(16, 1).withInit(CodebookInit.DATA), 8, 2, true),
                VectorQuantizerConfig.of(32, 8).withClustering(io.vqtok.codebook.ClusteredCodebookConfig.of(
                        io.vqtok.codebook.ClusteredCodebookConfig.Anchor.PROBRANDOM)),
                new ResidualQuantizerConfig(EmaQuantizerConfig.of(16, 8).withInit(CodebookInit.DATA), 3),
                new ResidualQuantizerConfig(VectorQuantizerConfig.of(16, 8), 3).withDropout(ResidualQuantizerConfig.Dropout.SAMPLE, 0.5),
                io.vqtok.quantizers.IbqConfig.of(32, 8),
                VectorQuantizerConfig.of(32, 8).withCosine(true),
                EmaQuantizerConfig.of(32, 8).withInit(CodebookInit.DATA).withCosine(true).withClustering(
                        io.vqtok.codebook.ClusteredCodebookConfig.of(io.vqtok.codebook.ClusteredCodebookConfig.Anchor.CLOSEST)),
                new ResidualQuantizerConfig(EmaQuantizerConfig.of(16, 8).withInit(CodebookInit.DATA), 3).withSharedCodebook(true),
                ResidualQuantizerConfig.residualFsq(new int[]{5, 3}, 3, 8));
    }

    private static ImageTokenizer trained(QuantizerConfig q, int steps) {
        ImageTokenizer t = ImageTokenizer.create(new TokenizerConfig(SMALL, q), 7);
        TokenizerTrainer trainer = new TokenizerTrainer(t, new TrainConfig(steps, 32, 3e-3, 7, 0));
        int[] i = {0};
        List<StepReport> reports = new ArrayList<>();
        trainer.train(() -> images(32, 100 + (i[0]++ % 8)), "blobs", reports::add);
        assertThat(reports).hasSize(steps);
        return t;
    }

    @Test
    void everyQuantizerTrainsAndReducesReconstructionError() {
        for (QuantizerConfig q : quantizers()) {
            ImageTokenizer t = ImageTokenizer.create(new TokenizerConfig(SMALL, q), 7);
            INDArray x = images(64, 1);
            double before = t.reconstruct(x).squaredDistance(x);
            TokenizerTrainer trainer = new TokenizerTrainer(t, new TrainConfig(40, 32, 3e-3, 7, 0));
            int[] i = {0};
            List<StepReport> reports = new ArrayList<>();
            trainer.train(() -> images(32, 100 + (i[0]++ % 8)), "blobs", reports::add);
            double after = t.reconstruct(x).squaredDistance(x);
            assertThat(after).as(q.describe()).isLessThan(before * 0.8);
            assertThat(reports.get(reports.size() - 1).reconstruction()).as(q.describe()).isLessThan(reports.get(0).reconstruction());
            assertThat(t.provenance().steps()).isEqualTo(40);
        }
    }

    @Test
    void encodeDecodeShapesAndIndicesCodesIndices() {
        for (QuantizerConfig q : quantizers()) {
            ImageTokenizer t = trained(q, 5);
            INDArray x = images(10, 3);
            INDArray codes = t.encode(x);
            int channels = t.quantizer().indexChannels();
            assertThat(codes.shape()).containsExactly(channels == 1 ? new long[]{10, 4, 4} : new long[]{10, 4, 4, channels});
            assertThat(codes.dataType()).isEqualTo(DataType.INT32);
            assertThat(codes.minNumber().intValue()).isGreaterThanOrEqualTo(0);
            assertThat(codes.maxNumber().intValue()).isLessThan(t.quantizer().codebookSize());
            INDArray decoded = t.decode(codes);
            assertThat(decoded.shape()).containsExactly(10, 1, 16, 16);
            // the decoder sees exactly the code vectors of the indices
            INDArray flat = codes.reshape(-1, channels);
            INDArray vectors = t.quantizer().codes(flat);
            INDArray viaVectors = t.decodeVectors(vectors.reshape(10, 4, 4, 8).permute(0, 3, 1, 2).dup('c'));
            assertThat(viaVectors.equalsWithEps(decoded, 1e-5)).as(q.describe()).isTrue();
            // for a single codebook, code vectors map back to the same indices (indices -> codes -> indices);
            // FSQ's round trip lives at the level of its scalar codes, tested in the quantizers module
            if (q instanceof VectorQuantizerConfig || q instanceof EmaQuantizerConfig || q instanceof io.vqtok.quantizers.SimVqConfig
                    || q instanceof io.vqtok.quantizers.SinkhornConfig)
                assertThat(t.quantizer().indices(vectors)).as(q.describe()).isEqualTo(flat);
        }
    }

    @Test
    void saveLoadGivesIdenticalCodesAndImages(@TempDir Path dir) throws IOException {
        for (QuantizerConfig q : quantizers()) {
            ImageTokenizer t = trained(q, 5);
            Path file = dir.resolve("m.vqt");
            t.save(file);
            ImageTokenizer loaded = ImageTokenizer.load(file);
            INDArray x = images(20, 5);
            assertThat(loaded.encode(x)).as(q.describe()).isEqualTo(t.encode(x));
            assertThat(loaded.decode(t.encode(x))).isEqualTo(t.decode(t.encode(x)));
            assertThat(loaded.config()).isEqualTo(t.config());
            assertThat(loaded.provenance().steps()).isEqualTo(5);
            assertThat(loaded.provenance().seed()).isEqualTo(7);
            assertThat(loaded.provenance().data()).isEqualTo("blobs");
            try (var files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactly("m.vqt");
            }
        }
    }

    @Test
    void loadFromBytesGivesTheFilesTokenizerAndNamesTheSourceInErrors(@TempDir Path dir) throws IOException {
        ImageTokenizer t = trained(new ResidualQuantizerConfig(EmaQuantizerConfig.of(16, 8).withInit(CodebookInit.DATA), 3), 5);
        Path file = dir.resolve("m.vqt");
        t.save(file);
        byte[] bytes = Files.readAllBytes(file);
        try (Tokenizer loaded = Tokenizer.load(bytes, "hdfs://models/m.vqt")) {
            INDArray x = images(20, 5);
            assertThat(loaded).isInstanceOf(ImageTokenizer.class);
            assertThat(((ImageTokenizer) loaded).encode(x)).isEqualTo(t.encode(x));
            assertThat(loaded.config()).isEqualTo(t.config());
        }
        assertThatThrownBy(() -> Tokenizer.load(java.util.Arrays.copyOf(bytes, bytes.length / 2), "hdfs://models/cut.vqt"))
                .isInstanceOf(ModelFormatException.class).hasMessageStartingWith("hdfs://models/cut.vqt: ");
        assertThatThrownBy(() -> Tokenizer.load("text".getBytes(), "notes.txt"))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("notes.txt: not a vqtok model");
    }

    @Test
    void loadRejectsForeignTruncatedAndNewerFiles(@TempDir Path dir) throws IOException {
        Path text = dir.resolve("notes.vqt");
        Files.writeString(text, "hello");
        assertThatThrownBy(() -> ImageTokenizer.load(text)).isInstanceOf(ModelFormatException.class).hasMessageContaining("not a vqtok model");

        ImageTokenizer t = trained(VectorQuantizerConfig.of(16, 8), 2);
        Path good = dir.resolve("good.vqt");
        t.save(good);
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = dir.resolve("truncated.vqt");
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> ImageTokenizer.load(truncated)).isInstanceOf(ModelFormatException.class).hasMessageContaining("truncated");

        Path newer = dir.resolve("newer.vqt");
        rewriteHeader(good, newer, h -> h.replace("\"formatVersion\" : " + Version.FORMAT_VERSION, "\"formatVersion\" : 99"));
        assertThatThrownBy(() -> ImageTokenizer.load(newer)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("newer vqtok").hasMessageContaining("99");

        Path other = dir.resolve("other.vqt");
        rewriteHeader(good, other, h -> h.replace("vqtok-tokenizer", "something-else"));
        assertThatThrownBy(() -> ImageTokenizer.load(other)).hasMessageContaining("not a vqtok tokenizer");

        assertThatThrownBy(() -> ImageTokenizer.load(dir.resolve("missing.vqt"))).hasMessageContaining("not found");
    }

    private static void rewriteHeader(Path in, Path out, java.util.function.UnaryOperator<String> edit) throws IOException {
        try (ZipInputStream zin = new ZipInputStream(Files.newInputStream(in));
             ZipOutputStream zout = new ZipOutputStream(Files.newOutputStream(out))) {
            ZipEntry e;
            while ((e = zin.getNextEntry()) != null) {
                byte[] b = zin.readAllBytes();
                if (e.getName().equals("vqtok.json")) b = edit.apply(new String(b, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                zout.putNextEntry(new ZipEntry(e.getName()));
                zout.write(b);
                zout.closeEntry();
            }
        }
    }

    @Test
    void aCodebookLargerThanABatchIsInitialisedFromTheRowsOfSeveralBatches() {
        // 16 images of 4x4 latents = 256 rows a batch; 600 codes need the rows of batches 1-3, each code one of those rows
        // exactly (one batch would have left 344 codes as jittered copies of its rows)
        ImageTokenizer t = ImageTokenizer.create(new TokenizerConfig(SMALL, EmaQuantizerConfig.of(600, 8).withInit(CodebookInit.DATA)), 3);
        TokenizerTrainer trainer = new TokenizerTrainer(t, new TrainConfig(10, 16, 1e-3, 1, 0));
        TrainingBatches blobs = TrainingBatches.byStep("blobs", step -> images(16, 500 + step));
        float[][][] batchRows = new float[4][][];
        for (int b = 0; b < 4; b++) batchRows[b] = t.latentRows(blobs.batch(b + 1)).toFloatMatrix();
        trainer.initialize(blobs);
        float[][] codes = ((io.vqtok.quantizers.EmaVectorQuantizer) t.quantizer()).ema().codebook().toFloatMatrix();
        int[] fromBatch = new int[4];
        for (float[] c : codes) {
            int best = -1;
            double bestD = Double.MAX_VALUE;
            for (int b = 0; b < 4; b++)
                for (float[] r : batchRows[b]) {
                    double d = 0;
                    for (int j = 0; j < c.length; j++) d += (c[j] - r[j]) * (double) (c[j] - r[j]);
                    if (d < bestD) {
                        bestD = d;
                        best = b;
                    }
                }
            assertThat(bestD).as("distance of a code to the nearest latent row").isLessThan(1e-12);
            fromBatch[best]++;
        }
        assertThat(fromBatch[1]).as("codes from batch 2").isPositive();
        assertThat(fromBatch[2]).as("codes from batch 3").isPositive();
        assertThat(fromBatch[3]).as("codes from batch 4, which was not needed").isZero();
    }

    @Test
    void nonFiniteLossStopsBeforeUpdatingParameters() {
        ImageTokenizer t = ImageTokenizer.create(new TokenizerConfig(SMALL, VectorQuantizerConfig.of(16, 8)), 1);
        TokenizerTrainer trainer = new TokenizerTrainer(t, new TrainConfig(10, 8, 1e-3, 1, 0));
        trainer.step(images(8, 1));
        INDArray before = t.state().get("enc.out.w").dup();
        INDArray bad = images(8, 2);
        bad.putScalar(0, Float.NaN);
        assertThatThrownBy(() -> trainer.step(bad)).isInstanceOf(NonFiniteLossException.class).hasMessageContaining("step 2");
        assertThat(t.state().get("enc.out.w")).isEqualTo(before);
    }

    @Test
    void badShapesAndConfigsAreRejected() {
        ImageTokenizer t = ImageTokenizer.create(new TokenizerConfig(SMALL, VectorQuantizerConfig.of(16, 8)), 1);
        assertThatThrownBy(() -> t.encode(Nd4j.zeros(DataType.FLOAT, 2, 1, 28, 28))).hasMessageContaining("do not match [N, 1, 16, 16]");
        assertThatThrownBy(() -> t.decode(Nd4j.zeros(DataType.INT32, 2, 5, 5))).hasMessageContaining("do not match");
        assertThatThrownBy(() -> t.decode(Nd4j.zeros(DataType.INT32, 2, 4, 4).addi(16))).hasMessageContaining("out of range");
        assertThatThrownBy(() -> new TokenizerConfig(SMALL, VectorQuantizerConfig.of(16, 4))).hasMessageContaining("does not match the latent dimension");
        assertThatThrownBy(() -> new ImageAutoencoderConfig(1, 30, 30, 8, 4, 0, 8)).hasMessageContaining("multiple of the downsampling");
        assertThatThrownBy(() -> new ImageAutoencoderConfig(1, 32, 32, 8, 3, 0, 8)).hasMessageContaining("downsampling must be");
    }

    @Test
    void downsamplingEightAndRgbWork() {
        ImageAutoencoderConfig rgb = new ImageAutoencoderConfig(3, 32, 32, 8, 8, 1, 8);
        ImageTokenizer t = ImageTokenizer.create(new TokenizerConfig(rgb, VectorQuantizerConfig.of(16, 8)), 1);
        INDArray x = Nd4j.rand(DataType.FLOAT, 3, 3, 32, 32);
        assertThat(t.encode(x).shape()).containsExactly(3, 4, 4);
        assertThat(t.reconstruct(x).shape()).containsExactly(3, 3, 32, 32);
        TokenizerTrainer trainer = new TokenizerTrainer(t, new TrainConfig(2, 3, 1e-3, 1, 0));
        StepReport r = trainer.step(x);
        assertThat(r.loss()).isFinite();
    }

    @Test
    void trainingGraphAndInferenceAgreeAfterTrainingSteps() {
        for (QuantizerConfig q : quantizers()) {
            if (q instanceof io.vqtok.quantizers.SinkhornConfig) continue;  // assigns by a batch-dependent plan in training, by design
            ImageTokenizer t = ImageTokenizer.create(new TokenizerConfig(SMALL, q), 3);
            TokenizerTrainer trainer = new TokenizerTrainer(t, new TrainConfig(12, 32, 3e-3, 3, 0));
            int[] i = {0};
            trainer.train(() -> images(32, 200 + i[0]++), "blobs", r -> { });
            INDArray x = images(16, 999);
            int c = t.quantizer().indexChannels();
            INDArray inGraph = trainer.graphIndices(x).castTo(DataType.INT32).reshape(-1, c);
            INDArray inference = t.encode(x).reshape(-1, c);
            assertThat(inGraph).as(q.describe()).isEqualTo(inference);
        }
    }
}
