package io.vqtok.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vqtok.datasets.Npy;
import io.vqtok.datasets.NpyArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** End-to-end runs of the vqtok command on a small generated IDX dataset. */
class CliTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path model;

    record Run(int code, String out, String err) {
    }

    static Run vqtok(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true));
        System.setErr(new PrintStream(e, true));
        try {
            int code = Main.run(args);
            return new Run(code, o.toString(), e.toString());
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** Writes Fashion-MNIST-like IDX files (gzip) of 28x28 blobs. */
    static void writeIdx(Path file, int n, long seed) throws IOException {
        Random r = new Random(seed);
        try (OutputStream fo = Files.newOutputStream(file); DataOutputStream d = new DataOutputStream(new GZIPOutputStream(fo))) {
            d.writeInt(0x00000803);
            d.writeInt(n);
            d.writeInt(28);
            d.writeInt(28);
            for (int i = 0; i < n; i++) {
                double cx = 8 + r.nextDouble() * 12, cy = 8 + r.nextDouble() * 12, s = 3 + r.nextDouble() * 4;
                for (int y = 0; y < 28; y++)
                    for (int x = 0; x < 28; x++)
                        d.writeByte((int) (255 * Math.exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * s * s))));
            }
        }
    }

    @BeforeAll
    static void trainSmallModel() throws IOException {
        data = dir.resolve("idx");
        Files.createDirectories(data);
        writeIdx(data.resolve("train-images-idx3-ubyte.gz"), 256, 1);
        writeIdx(data.resolve("t10k-images-idx3-ubyte.gz"), 64, 2);
        model = dir.resolve("m.vqt");
        Run r = vqtok("train", "--data", data.toString(), "--quantizer", "ema", "--codebook-size", "32", "--dim", "16",
                "--steps", "12", "--batch", "32", "--checkpoint-every", "5", "--out", model.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out().trim());
        assertThat(j.get("steps").asInt()).isEqualTo(12);
        assertThat(j.get("train_img_per_s").asDouble()).isPositive();
        assertThat(j.get("test").get("images").asInt()).isEqualTo(64);
        assertThat(j.get("test").get("mse").asDouble()).isBetween(0.0, 0.5);
        assertThat(r.out().trim().lines().count()).as("--json prints exactly one line").isEqualTo(1);
        assertThat(ImageIO.read(dir.resolve("m.png").toFile())).isNotNull();
    }

    @Test
    void trainResumedAfterAStopEqualsTheUninterruptedRun() throws IOException {
        String[] common = {"train", "--data", data.toString(), "--quantizer", "ema", "--codebook-size", "32", "--dim", "16",
                "--batch", "32", "--checkpoint-every", "3", "--eval-limit", "16", "--json"};
        Path straight = dir.resolve("straight.vqt"), stopped = dir.resolve("stopped.vqt");
        Run a = vqtok(concat(common, "--steps", "9", "--out", straight.toString()));
        assertThat(a.code()).as(a.err()).isZero();
        Run b = vqtok(concat(common, "--steps", "6", "--out", stopped.toString()));
        assertThat(b.code()).as(b.err()).isZero();
        assertThat(dir.resolve("stopped.vqt.ckpt")).exists();
        // a fresh run would destroy the checkpoint: refused
        Run fresh = vqtok(concat(common, "--steps", "9", "--out", stopped.toString()));
        assertThat(fresh.code()).isEqualTo(2);
        assertThat(fresh.err()).contains("--resume");
        // other model flags: refused, naming the difference
        Run other = vqtok("train", "--data", data.toString(), "--quantizer", "ema", "--codebook-size", "64", "--dim", "16",
                "--batch", "32", "--steps", "9", "--resume", "--out", stopped.toString());
        assertThat(other.code()).isEqualTo(2);
        assertThat(other.err()).contains("quantizer.codebookSize 32 (checkpoint) vs 64 (now)");
        Run c = vqtok(concat(common, "--steps", "9", "--resume", "--out", stopped.toString()));
        assertThat(c.code()).as(c.err()).isZero();
        assertThat(c.err()).contains("resuming from").contains("at step 6");
        assertThat(new ObjectMapper().readTree(c.out().trim()).get("resumed_from_step").asInt()).isEqualTo(6);
        // the per-step log of the resumed run holds each step once, in order, as the uninterrupted run's does
        java.util.List<JsonNode> log = io.vqtok.autoencoders.TrainingLog.read(dir.resolve("stopped.vqt.log.jsonl"));
        assertThat(log.stream().map(n -> n.get("step").asInt()).toList()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
        java.util.List<JsonNode> straightLog = io.vqtok.autoencoders.TrainingLog.read(dir.resolve("straight.vqt.log.jsonl"));
        for (int i = 0; i < 9; i++) {
            assertThat(log.get(i).get("loss").asDouble()).isEqualTo(straightLog.get(i).get("loss").asDouble());
            assertThat(log.get(i).get("lr").asDouble()).isEqualTo(2e-3);
            assertThat(log.get(i).get("batch_utilization").asDouble()).isBetween(0.0, 1.0);
            assertThat(log.get(i).get("batch_perplexity").asDouble()).isGreaterThanOrEqualTo(1.0);
            assertThat(log.get(i).has("loss.commitment")).isTrue();
        }
        var x = io.vqtok.autoencoders.Tokenizer.load(straight).state();
        var y = io.vqtok.autoencoders.Tokenizer.load(stopped).state();
        for (String name : x.keySet())
            assertThat(y.get(name).data().asFloat()).as(name).containsExactly(x.get(name).data().asFloat());
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void evalPrintsJsonMetrics() throws IOException {
        Run r = vqtok("eval", "--model", model.toString(), "--data", data.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out().trim());
        assertThat(j.get("images").asInt()).isEqualTo(64);
        assertThat(j.get("utilization").asDouble()).isBetween(0.0, 1.0);
        assertThat(j.get("perplexity").asDouble()).isGreaterThanOrEqualTo(1.0);
        assertThat(j.get("psnr_db").asDouble()).isPositive();
    }

    @Test
    void encodeThenDecodeToPngsAndNpy() throws IOException {
        Path codes = dir.resolve("codes.npy");
        Run enc = vqtok("encode", "--model", model.toString(), "--data", data.toString(), "--out", codes.toString());
        assertThat(enc.code()).as(enc.err()).isZero();
        NpyArray a = Npy.read(codes);
        assertThat(a.dtype()).isEqualTo("<i4");
        assertThat(a.shape()).containsExactly(64, 7, 7);
        assertThat(java.util.Arrays.stream(a.asInts()).min().getAsInt()).isGreaterThanOrEqualTo(0);
        assertThat(java.util.Arrays.stream(a.asInts()).max().getAsInt()).isLessThan(32);

        Path pngs = dir.resolve("pngs");
        Run dec = vqtok("decode", "--model", model.toString(), "--codes", codes.toString(), "--out", pngs.toString());
        assertThat(dec.code()).as(dec.err()).isZero();
        try (Stream<Path> s = Files.list(pngs)) {
            assertThat(s.count()).isEqualTo(64);
        }
        assertThat(ImageIO.read(pngs.resolve("000000.png").toFile()).getWidth()).isEqualTo(28);

        Path npy = dir.resolve("decoded.npy");
        assertThat(vqtok("decode", "--model", model.toString(), "--codes", codes.toString(), "--out", npy.toString()).code()).isZero();
        assertThat(Npy.read(npy).shape()).containsExactly(64, 1, 28, 28);
    }

    @Test
    void badInputGivesShortErrorsNonZeroExitAndNoOutput() throws IOException {
        Run unknown = vqtok("train", "--data", data.toString(), "--quantizer", "nope", "--out", dir.resolve("x.vqt").toString());
        assertThat(unknown.code()).isNotZero();
        assertThat(unknown.err()).contains("unknown quantizer 'nope'").doesNotContain("\tat ");
        assertThat(dir.resolve("x.vqt")).doesNotExist();

        Run levels = vqtok("train", "--data", data.toString(), "--quantizer", "fsq", "--levels", "8,1,5", "--out", dir.resolve("x.vqt").toString());
        assertThat(levels.code()).isNotZero();
        assertThat(levels.err()).contains("level").doesNotContain("\tat ");

        Run groups = vqtok("train", "--data", data.toString(), "--groups", "3", "--dim", "16", "--out", dir.resolve("x.vqt").toString());
        assertThat(groups.code()).isNotZero();
        assertThat(groups.err()).contains("--groups 3 must divide --dim 16");

        Run missingData = vqtok("train", "--data", dir.resolve("nowhere").toString(), "--out", dir.resolve("x.vqt").toString());
        assertThat(missingData.code()).isNotZero();
        assertThat(missingData.err()).contains("nowhere");

        Path notModel = dir.resolve("bogus.vqt");
        Files.writeString(notModel, "not a model");
        Run bogus = vqtok("eval", "--model", notModel.toString(), "--data", data.toString());
        assertThat(bogus.code()).isNotZero();
        assertThat(bogus.err()).contains("not a vqtok model").doesNotContain("\tat ");

        Path floats = dir.resolve("floats.npy");
        Npy.writeFloats(floats, new float[49], 1, 7, 7);
        Run f = vqtok("decode", "--model", model.toString(), "--codes", floats.toString(), "--out", dir.resolve("o1").toString());
        assertThat(f.code()).isNotZero();
        assertThat(f.err()).contains("floating point");
        assertThat(dir.resolve("o1")).doesNotExist();

        Path range = dir.resolve("range.npy");
        int[] big = new int[49];
        big[10] = 32;
        Npy.writeInts(range, big, 1, 7, 7);
        Run rg = vqtok("decode", "--model", model.toString(), "--codes", range.toString(), "--out", dir.resolve("o2").toString());
        assertThat(rg.code()).isNotZero();
        assertThat(rg.err()).contains("range.npy").contains("code index 32 at flat index 10 out of range");
        assertThat(dir.resolve("o2")).doesNotExist();
        big[10] = 0;
        big[48] = -1;
        Npy.writeInts(range, big, 1, 7, 7);
        Run neg = vqtok("decode", "--model", model.toString(), "--codes", range.toString(), "--out", dir.resolve("o2").toString());
        assertThat(neg.code()).isNotZero();
        assertThat(neg.err()).contains("negative code index -1 at flat index 48");
        assertThat(dir.resolve("o2")).doesNotExist();

        Path shape = dir.resolve("shape.npy");
        Npy.writeInts(shape, new int[36], 1, 6, 6);
        Run sh = vqtok("decode", "--model", model.toString(), "--codes", shape.toString(), "--out", dir.resolve("o3.npy").toString());
        assertThat(sh.code()).isNotZero();
        assertThat(sh.err()).contains("do not match");
        assertThat(dir.resolve("o3.npy")).doesNotExist();
    }

    @Test
    void benchQuantizersWritesJsonMarkdownAndUpdatesTheSection() throws IOException {
        Path out = dir.resolve("bench");
        Path md = dir.resolve("BENCH.md");
        Files.writeString(md, "# Figures\n\n<!-- bench:tiny -->\nold\n<!-- /bench:tiny -->\n\ntail\n");
        Run r = vqtok("bench", "quantizers", "--quantizers", "vq,fsq", "--codebook-sizes", "16", "--steps", "3", "--data", data.toString(),
                "--out-dir", out.toString(), "--name", "tiny", "--markdown", md.toString(), "--train-args", "--batch 16 --dim 8");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(out.resolve("tiny.json").toFile());
        assertThat(j.get("runs")).hasSize(2);
        assertThat(j.get("runs").get(1).get("quantizer").asText()).isEqualTo("fsq");
        assertThat(j.get("runs").get(1).get("codebook_size").asInt()).isEqualTo(16);
        assertThat(j.get("runs").get(0).get("test").get("utilization").asDouble()).isBetween(0.0, 1.0);
        String text = Files.readString(md);
        assertThat(text).startsWith("# Figures").endsWith("tail\n").doesNotContain("old").contains("| vq | vq K=16 D=8");
        assertThat(Files.readString(out.resolve("tiny.md"))).contains("| fsq |");

        Run bad = vqtok("bench", "quantizers", "--quantizers", "vq,nope", "--out-dir", out.toString());
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("unknown quantizer 'nope'");
    }
}
