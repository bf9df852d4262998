package io.vqtok.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vqtok.autoencoders.TrainingLog;
import io.vqtok.datasets.DataSources;
import io.vqtok.datasets.ImageDataset;
import io.vqtok.datasets.ImageWriter;
import io.vqtok.datasets.Split;
import io.vqtok.datasets.audio.Audio;
import io.vqtok.datasets.audio.AudioFolderDataset;
import io.vqtok.datasets.audio.WavFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.vqtok.cli.CliTest.vqtok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code vqtok report} on a tiny image model (and a tiny audio one): what the page holds, and what it refuses. */
class ReportTest {
    private static final Pattern IMG = Pattern.compile("<img alt=\"([^\"]*)\" src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\">");
    private static final Pattern DATA = Pattern.compile("<script type=\"application/json\" id=\"" + Report.DATA_ID + "\">(.*?)</script>", Pattern.DOTALL);

    @TempDir
    static Path dir;
    /** IDX data in a folder whose name holds markup characters: they reach the page through provenance and data descriptions. */
    static Path data;
    static Path model;
    static String page;

    @BeforeAll
    static void trainAndReport() throws IOException {
        data = dir.resolve("idx <b>&\"'");
        Files.createDirectories(data);
        CliTest.writeIdx(data.resolve("train-images-idx3-ubyte.gz"), 256, 1);
        CliTest.writeIdx(data.resolve("t10k-images-idx3-ubyte.gz"), 64, 2);
        model = dir.resolve("m.vqt");
        CliTest.Run t = vqtok("train", "--data", data.toString(), "--quantizer", "ema", "--codebook-size", "32", "--dim", "16",
                "--steps", "12", "--batch", "32", "--checkpoint-every", "0", "--eval-limit", "16", "--out", model.toString(), "--json");
        assertThat(t.code()).as(t.err()).isZero();
        Path out = dir.resolve("report.html");
        CliTest.Run r = vqtok("report", "--model", model.toString(), "--data", data.toString(), "--split", "validation", "--limit", "20",
                "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err().trim()).startsWith("wrote " + out).contains("12 logged steps").contains("evaluated 20 item(s)");
        page = Files.readString(out);
    }

    static JsonNode embedded(String html) throws IOException {
        Matcher m = DATA.matcher(html);
        assertThat(m.find()).as("the page embeds its numbers as JSON").isTrue();
        return new ObjectMapper().readTree(m.group(1));
    }

    /** Every {@code <img>} of the page, decoded; each must be an inline PNG. */
    static List<BufferedImage> images(String html) throws IOException {
        List<BufferedImage> out = new ArrayList<>();
        Matcher m = IMG.matcher(html);
        while (m.find()) {
            byte[] png = Base64.getDecoder().decode(m.group(2));
            assertThat(png).as(m.group(1)).startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
            assertThat(img).as(m.group(1)).isNotNull();
            out.add(img);
        }
        assertThat(html.split("<img ", -1).length - 1).as("every <img> is an inline PNG").isEqualTo(out.size());
        return out;
    }

    /** The value cell of a metrics table row. */
    static String cell(String html, String key) {
        Matcher m = Pattern.compile("<tr data-key=\"" + Pattern.quote(key) + "\"><th>[^<]*</th><td>([^<]*)</td></tr>").matcher(html);
        assertThat(m.find()).as("row " + key).isTrue();
        return m.group(1);
    }

    @Test
    void pageHasEverySectionAndOnlyInlineResources() throws IOException {
        for (String id : List.of("curves", "eval", "usage", "reconstructions", "config", "provenance"))
            assertThat(page).contains("<section id=\"" + id + "\">");
        assertThat(page).startsWith("<!DOCTYPE html>").endsWith("</html>\n");
        assertThat(page).doesNotContain("src=\"http").doesNotContain("href=\"http").doesNotContain("<script src").doesNotContain("<link rel=\"stylesheet\"");
        List<BufferedImage> imgs = images(page);
        assertThat(imgs).hasSize(5);   // 3 curves, 1 usage histogram, 1 reconstruction grid
        for (BufferedImage chart : imgs.subList(0, 4)) {
            assertThat(chart.getWidth()).isEqualTo(Report.CHART_WIDTH);
            assertThat(chart.getHeight()).isEqualTo(Report.CHART_HEIGHT);
        }
        // the grid: the first 16 validation images above their reconstructions, 3x magnified, 2-pixel gaps
        BufferedImage grid = imgs.get(4);
        assertThat(grid.getWidth()).isEqualTo(16 * 28 * 3 + 15 * ImageWriter.GRID_GAP);
        assertThat(grid.getHeight()).isEqualTo(2 * 28 * 3 + ImageWriter.GRID_GAP);
        ImageDataset validation = DataSources.open(data.toString(), Split.VALIDATION, 1);
        float[] first = new float[28 * 28], second = new float[28 * 28];
        validation.copyImage(0, first, 0);
        validation.copyImage(1, second, 0);
        for (int y = 0; y < 28; y += 3)
            for (int x = 0; x < 28; x += 3) {
                assertThat(grid.getRaster().getSample(x * 3 + 1, y * 3 + 1, 0)).isEqualTo(ImageWriter.toLevel(first[y * 28 + x]));
                assertThat(grid.getRaster().getSample(84 + ImageWriter.GRID_GAP + x * 3, y * 3, 0)).isEqualTo(ImageWriter.toLevel(second[y * 28 + x]));
            }
    }

    @Test
    void curvesHoldOnePointPerLoggedStep() throws IOException {
        List<JsonNode> log = TrainingLog.read(dir.resolve("m.vqt.log.jsonl"));
        assertThat(log).hasSize(12);
        JsonNode curves = embedded(page).get("curves");
        for (String series : List.of("step", "loss", "reconstruction", "batch_utilization", "batch_perplexity")) {
            assertThat(curves.get(series)).as(series).hasSize(log.size());
            for (int i = 0; i < log.size(); i++)
                assertThat(curves.get(series).get(i).asDouble()).as(series + " " + i).isEqualTo(log.get(i).get(series).asDouble());
        }
        assertThat(curves.get("step").get(11).asInt()).isEqualTo(12);
        assertThat(page).contains("m.vqt.log.jsonl: 12 steps.");
    }

    @Test
    void evalTableMatchesVqtokEvalAndUsageCountsEveryCode() throws IOException {
        CliTest.Run e = vqtok("eval", "--model", model.toString(), "--data", data.toString(), "--split", "validation", "--limit", "20", "--json");
        assertThat(e.code()).as(e.err()).isZero();
        JsonNode eval = new ObjectMapper().readTree(e.out().trim());
        assertThat(eval.get("images").asInt()).isEqualTo(20);
        assertThat(Double.parseDouble(cell(page, "mse"))).isEqualTo(eval.get("mse").asDouble());
        assertThat(Double.parseDouble(cell(page, "psnr_db"))).isEqualTo(eval.get("psnr_db").asDouble());
        assertThat(Double.parseDouble(cell(page, "utilization"))).isEqualTo(eval.get("utilization").asDouble());
        assertThat(Double.parseDouble(cell(page, "perplexity"))).isEqualTo(eval.get("perplexity").asDouble());
        assertThat(Integer.parseInt(cell(page, "dead_codes"))).isEqualTo(eval.get("dead_codes").asInt());
        assertThat(cell(page, "images")).isEqualTo("20");
        assertThat(page).contains("validation split: Fashion-MNIST validation (last 22 of train)");

        JsonNode usage = embedded(page).get("usage");
        assertThat(usage).hasSize(1);
        JsonNode u = usage.get(0);
        assertThat(u.get("codebook_size").asInt()).isEqualTo(32);
        assertThat(u.get("assignments").asLong()).isEqualTo(20 * 7 * 7);
        long sum = 0, previous = Long.MAX_VALUE;
        for (JsonNode c : u.get("counts")) {
            assertThat(c.asLong()).isPositive().isLessThanOrEqualTo(previous);
            previous = c.asLong();
            sum += previous;
        }
        assertThat(sum).isEqualTo(20 * 7 * 7);
        assertThat(u.get("counts")).hasSize(u.get("used").asInt());
        assertThat(u.get("used").asInt()).isEqualTo(32 - eval.get("dead_codes").asInt());
        assertThat(u.get("used").asDouble() / 32).isCloseTo(eval.get("utilization").asDouble(), within(1e-4));
    }

    @Test
    void stringsFromFilesAreEscaped() {
        String escaped = "idx &lt;b&gt;&amp;&quot;&#39;";
        assertThat(page).doesNotContain("<b>").doesNotContain("idx <b>");
        assertThat(cell(page, "data")).contains(escaped).startsWith("Fashion-MNIST train (first 234 of train) from ");
        assertThat(page).contains("validation split: Fashion-MNIST validation (last 22 of train) from " + dir.toString().replace("&", "&amp;") + "/" + escaped);
        assertThat(page).contains("&quot;codebookSize&quot; : 32").contains("&quot;type&quot; : &quot;ema&quot;").doesNotContain("\"codebookSize\"");
        assertThat(cell(page, "steps")).isEqualTo("12");
        assertThat(cell(page, "batchSize")).isEqualTo("32");
    }

    @Test
    void dataDefaultsToTheIdxFilesNamedInTheProvenance() throws IOException {
        Path out = dir.resolve("default-data.html");
        CliTest.Run r = vqtok("report", "--model", model.toString(), "--limit", "20", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        String html = Files.readString(out);
        assertThat(html).contains("validation split: Fashion-MNIST validation (last 22 of train)");
        assertThat(cell(html, "mse")).isEqualTo(cell(page, "mse"));
    }

    @Test
    void aModelWithoutALogNeedsNoLog() throws IOException {
        Path alone = dir.resolve("alone");
        Files.createDirectories(alone);
        Path copy = Files.copy(model, alone.resolve("m2.vqt"));
        Path out = alone.resolve("r.html");
        CliTest.Run refused = vqtok("report", "--model", copy.toString(), "--data", data.toString(), "--out", out.toString());
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err().trim()).contains("no training log at " + alone.resolve("m2.vqt.log.jsonl")).contains("--no-log");
        assertThat(refused.err().trim().lines()).hasSize(1);
        assertThat(out).doesNotExist();

        CliTest.Run r = vqtok("report", "--model", copy.toString(), "--data", data.toString(), "--limit", "20", "--no-log", "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        String html = Files.readString(out);
        assertThat(html).contains("<section id=\"curves\">").contains("No training log (--no-log): no curves.");
        assertThat(images(html)).hasSize(2);   // usage and grid
        assertThat(embedded(html).has("curves")).isFalse();

        // another log given with --log
        Path other = alone.resolve("other.html");
        CliTest.Run withLog = vqtok("report", "--model", copy.toString(), "--data", data.toString(), "--limit", "20",
                "--log", dir.resolve("m.vqt.log.jsonl").toString(), "--out", other.toString());
        assertThat(withLog.code()).as(withLog.err()).isZero();
        assertThat(embedded(Files.readString(other)).get("curves").get("step")).hasSize(12);
    }

    @Test
    void badInputExitsTwoWithOneLineAndNoOutput() throws IOException {
        Path out = dir.resolve("bad.html");
        Path notJson = dir.resolve("broken.log.jsonl");
        Files.writeString(notJson, "{\"step\": 1, \"loss\": 0.5}\nnot json\n");
        String[][] cases = {
                {"file not found", "report", "--model", dir.resolve("missing.vqt").toString(), "--no-log", "--out", out.toString()},
                {"file not found", "report", "--model", dir.resolve("missing.vqt").toString(), "--out", out.toString()},
                {"--split must be validation or test, got 'train'", "report", "--model", model.toString(), "--split", "train", "--out", out.toString()},
                {"--split must be validation or test, got 'bogus'", "report", "--model", model.toString(), "--split", "bogus", "--out", out.toString()},
                {"nowhere.jsonl: no such training log", "report", "--model", model.toString(), "--log", dir.resolve("nowhere.jsonl").toString(), "--out", out.toString()},
                {"broken.log.jsonl: not a training log (line 2", "report", "--model", model.toString(), "--log", notJson.toString(), "--out", out.toString()},
                {"--log and --no-log exclude each other", "report", "--model", model.toString(), "--log", notJson.toString(), "--no-log", "--out", out.toString()},
                {"--limit must be >= 0", "report", "--model", model.toString(), "--limit", "-1", "--out", out.toString()},
                {"nowhere", "report", "--model", model.toString(), "--data", dir.resolve("nowhere").toString(), "--out", out.toString()},
        };
        for (String[] c : cases) {
            CliTest.Run r = vqtok(java.util.Arrays.copyOfRange(c, 1, c.length));
            assertThat(r.code()).as(c[0] + ": " + r.err()).isEqualTo(2);
            assertThat(r.err().trim()).as(c[0]).startsWith("vqtok report: error: ").contains(c[0]).doesNotContain("\tat ");
            assertThat(r.err().trim().lines()).as(c[0]).hasSize(1);
            assertThat(out).doesNotExist();
        }
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".bad.html"));
        }
    }

    @Test
    void audioReportHasPlayersAndSpectrograms() throws IOException {
        Path corpus = dir.resolve("tones");
        Files.createDirectories(corpus.resolve("train"));
        Files.createDirectories(corpus.resolve("test"));
        AudioCliTest.writeTones(corpus.resolve("train"), 6, 1);
        AudioCliTest.writeTones(corpus.resolve("test"), 2, 2);
        Path a = dir.resolve("a.vqt");
        CliTest.Run t = vqtok("train", "--data", corpus.toString(), "--quantizer", "rvq", "--stages", "2", "--codebook-size", "16", "--dim", "8",
                "--sample-rate", "8000", "--segment", "2048", "--strides", "4,8", "--base-channels", "4", "--steps", "3", "--batch", "2",
                "--checkpoint-every", "0", "--out", a.toString());
        assertThat(t.code()).as(t.err()).isZero();
        Path out = dir.resolve("audio.html");
        CliTest.Run noData = vqtok("report", "--model", a.toString(), "--out", out.toString());
        assertThat(noData.code()).isEqualTo(2);
        assertThat(noData.err()).contains("--data is required").contains("audio folder");
        assertThat(out).doesNotExist();

        CliTest.Run r = vqtok("report", "--model", a.toString(), "--data", corpus.toString(), "--out", out.toString());
        assertThat(r.code()).as(r.err()).isZero();
        String html = Files.readString(out);
        List<BufferedImage> imgs = images(html);
        assertThat(imgs).hasSize(3 + 2 + 2);   // curves, one usage histogram per stage, two spectrograms
        assertThat(imgs.get(5).getWidth()).isEqualTo(imgs.get(6).getWidth());
        assertThat(imgs.get(5).getHeight()).isEqualTo(64 * 3);
        Matcher m = Pattern.compile("<audio controls preload=\"auto\" src=\"data:audio/wav;base64,([A-Za-z0-9+/=]+)\"></audio>").matcher(html);
        AudioFolderDataset validation = AudioFolderDataset.open(corpus, Split.VALIDATION, 8000);
        int clips = 0;
        while (m.find()) {
            Audio wav = WavFile.decode(Base64.getDecoder().decode(m.group(1)), "player " + clips);
            assertThat(wav.sampleRate()).isEqualTo(8000);
            assertThat(wav.length()).isEqualTo(validation.clip(0).length);
            clips++;
        }
        assertThat(clips).isEqualTo(2);
        JsonNode eval = embedded(html).get("eval");
        assertThat(eval.get("files").asInt()).isEqualTo(1);
        assertThat(eval.get("per_stages")).hasSize(2);
        assertThat(html).contains("<tr data-stages=\"1\">").contains("<tr data-stages=\"2\">");
        assertThat(embedded(html).get("usage")).hasSize(2);
        assertThat(cell(html, "dead_codes")).isEqualTo(eval.get("dead_codes").asText());
    }
}
