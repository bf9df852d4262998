package io.vqtok.spark;

import io.vqtok.autoencoders.ImageAutoencoderConfig;
import io.vqtok.autoencoders.ImageTokenizer;
import io.vqtok.autoencoders.TokenizerConfig;
import io.vqtok.datasets.ImageWriter;
import io.vqtok.quantizers.VectorQuantizerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line: a summary JSON line and exit 0, exit 2 with one line for what fails before the job. */
class SparkEncodeMainTest {
    @Test
    void encodesAFolderAndPrintsTheSummaryOrExitsWith2(@TempDir Path dir) throws Exception {
        ImageTokenizer t = ImageTokenizer.create(new TokenizerConfig(new ImageAutoencoderConfig(1, 16, 16, 8, 4, 1, 8), VectorQuantizerConfig.of(16, 8)), 1);
        Path model = dir.resolve("m.vqt");
        t.save(model);
        Path images = Files.createDirectories(dir.resolve("images"));
        for (int i = 0; i < 3; i++) ImageWriter.writePng(images.resolve(i + ".png"), new float[256], 1, 16, 16);
        Files.writeString(images.resolve("bad.png"), "x");
        String out = dir.resolve("codes.parquet").toString();
        ByteArrayOutputStream stdout = new ByteArrayOutputStream(), stderr = new ByteArrayOutputStream();
        PrintStream oldOut = System.out, oldErr = System.err;
        int ok, again, missing, unpaired;
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
            ok = run("--model", model.toString(), "--input", images.toString(), "--out", out, "--master", "local[2]");
            again = run("--model", model.toString(), "--input", images.toString(), "--out", out, "--master", "local[2]");
            missing = run("--model", dir.resolve("none.vqt").toString(), "--input", images.toString(), "--out", dir.resolve("x").toString(), "--master", "local[2]");
            unpaired = run("--model", model.toString(), "--input", images.toString(), "--out", out, "--bytes-column", "b");
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        String printed = stdout.toString(StandardCharsets.UTF_8), errors = stderr.toString(StandardCharsets.UTF_8);
        assertThat(ok).as(errors).isZero();
        assertThat(printed.lines().filter(l -> l.startsWith("{"))).singleElement().asString()
                .contains("\"rows\":4").contains("\"ok\":3").contains("\"errors\":1").contains("bad.png");
        assertThat(again).as("existing --out without --overwrite").isEqualTo(2);
        assertThat(errors).contains("already exists");
        assertThat(missing).isEqualTo(2);
        assertThat(errors).contains("none.vqt: model file not found");
        assertThat(unpaired).isEqualTo(2);
        assertThat(errors).contains("needs both --bytes-column and --id-column");
    }

    private static int run(String... args) {
        return new CommandLine(new SparkEncodeMain()).execute(args);
    }
}
