package io.vqtok.cli;

import io.vqtok.autoencoders.Tokenizer;
import io.vqtok.datasets.Npy;
import io.vqtok.datasets.NpyArray;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static io.vqtok.cli.CliTest.vqtok;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code vqtok export} and {@code vqtok import}: the round trip through safetensors, and bad input. */
class ExportCliTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path model;

    @BeforeAll
    static void trainTinyModel() throws IOException {
        data = dir.resolve("idx");
        Files.createDirectories(data);
        CliTest.writeIdx(data.resolve("train-images-idx3-ubyte.gz"), 96, 1);
        CliTest.writeIdx(data.resolve("t10k-images-idx3-ubyte.gz"), 32, 2);
        model = dir.resolve("m.vqt");
        CliTest.Run r = vqtok("train", "--data", data.toString(), "--quantizer", "ema", "--codebook-size", "32", "--dim", "16",
                "--steps", "12", "--batch", "32", "--eval-limit", "8", "--out", model.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
    }

    @Test
    void exportThenImportGivesTheSameArraysAndCodes() throws IOException {
        Path st = dir.resolve("m.safetensors"), back = dir.resolve("back.vqt");
        CliTest.Run ex = vqtok("export", "--format", "safetensors", "--model", model.toString(), "--out", st.toString());
        assertThat(ex.code()).as(ex.err()).isZero();
        assertThat(ex.err().trim()).startsWith("exported " + model + " (ema K=32 D=16 ").contains(", 15 arrays) to " + st).contains(" to " + st).doesNotContain("\n");
        CliTest.Run im = vqtok("import", "--model", st.toString(), "--out", back.toString());
        assertThat(im.code()).as(im.err()).isZero();
        assertThat(im.err().trim()).startsWith("imported " + st).contains(" to " + back).doesNotContain("\n");

        Map<String, INDArray> a = Tokenizer.load(model).state(), b = Tokenizer.load(back).state();
        assertThat(b.keySet()).containsExactlyElementsOf(a.keySet());
        for (String name : a.keySet()) {
            assertThat(b.get(name).shape()).as(name).containsExactly(a.get(name).shape());
            assertThat(b.get(name).data().asFloat()).as(name).containsExactly(a.get(name).data().asFloat());
        }
        Path codesA = dir.resolve("a.npy"), codesB = dir.resolve("b.npy");
        assertThat(vqtok("encode", "--model", model.toString(), "--data", data.toString(), "--out", codesA.toString()).code()).isZero();
        assertThat(vqtok("encode", "--model", back.toString(), "--data", data.toString(), "--out", codesB.toString()).code()).isZero();
        NpyArray x = Npy.read(codesA), y = Npy.read(codesB);
        assertThat(x.shape()).containsExactly(32, 7, 7);
        assertThat(y.shape()).containsExactly(32, 7, 7);
        assertThat(y.asInts()).containsExactly(x.asInts());
        long distinct = Arrays.stream(x.asInts()).distinct().count();
        assertThat(distinct).as("distinct codes").isGreaterThan(4);
    }

    @Test
    void badInputGivesOneLineErrorsExitCode2AndNoOutput() throws IOException {
        Path out = dir.resolve("out.file");
        CliTest.Run format = vqtok("export", "--format", "onnx", "--model", model.toString(), "--out", out.toString());
        assertThat(format.code()).isEqualTo(2);
        assertThat(format.err().trim()).isEqualTo("vqtok export: error: unknown --format 'onnx' (supported: safetensors)");

        CliTest.Run missing = vqtok("export", "--model", dir.resolve("nowhere.vqt").toString(), "--out", out.toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err().trim()).contains("nowhere.vqt").contains("not found").doesNotContain("\n");

        Path st = dir.resolve("bad-input.safetensors");
        assertThat(vqtok("export", "--model", model.toString(), "--out", st.toString()).code()).isZero();
        CliTest.Run notVqt = vqtok("export", "--model", st.toString(), "--out", out.toString());
        assertThat(notVqt.code()).isEqualTo(2);
        assertThat(notVqt.err().trim()).contains("bad-input.safetensors: not a vqtok model").doesNotContain("\n");

        CliTest.Run notSt = vqtok("import", "--model", model.toString(), "--out", out.toString());
        assertThat(notSt.code()).isEqualTo(2);
        assertThat(notSt.err().trim()).isEqualTo("vqtok import: error: " + model + ": a ZIP archive (a .vqt model?), not a safetensors file");

        byte[] whole = Files.readAllBytes(st);
        Path cut = dir.resolve("cut.safetensors");
        Files.write(cut, Arrays.copyOf(whole, whole.length - 100));
        CliTest.Run truncated = vqtok("import", "--model", cut.toString(), "--out", out.toString());
        assertThat(truncated.code()).isEqualTo(2);
        assertThat(truncated.err().trim()).contains("cut.safetensors").contains("beyond the end of the file").doesNotContain("\n");

        CliTest.Run importFormat = vqtok("import", "--format", "npz", "--model", st.toString(), "--out", out.toString());
        assertThat(importFormat.code()).isEqualTo(2);
        assertThat(importFormat.err()).contains("unknown --format 'npz'");
        assertThat(out).doesNotExist();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }
}
