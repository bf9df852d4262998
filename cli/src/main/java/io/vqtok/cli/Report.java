package io.vqtok.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vqtok.autoencoders.AudioTokenizer;
import io.vqtok.autoencoders.EvalResult;
import io.vqtok.autoencoders.Evaluator;
import io.vqtok.autoencoders.ImageTokenizer;
import io.vqtok.autoencoders.ModelFormatException;
import io.vqtok.autoencoders.Tokenizer;
import io.vqtok.autoencoders.TrainingLog;
import io.vqtok.codebook.UsageStats;
import io.vqtok.datasets.AtomicFiles;
import io.vqtok.datasets.FashionMnist;
import io.vqtok.datasets.ImageDataset;
import io.vqtok.datasets.ImageWriter;
import io.vqtok.datasets.Split;
import io.vqtok.datasets.audio.Audio;
import io.vqtok.datasets.audio.AudioFolderDataset;
import io.vqtok.datasets.audio.MelFilterbank;
import io.vqtok.datasets.audio.Stft;
import io.vqtok.datasets.audio.WavFile;
import io.vqtok.quantizers.ResidualQuantizerConfig;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A self-contained HTML report on a trained tokenizer ({@code vqtok report}): training curves from its per-step log
 * ({@link TrainingLog}), the evaluation metrics and sorted code-usage histograms per index channel on a data split
 * (from the same evaluation {@code vqtok eval} runs), reconstructions (an image grid, or audio players with
 * spectrograms), the config and the provenance. Plots are PNG data URIs drawn with XChart and audio is a WAV data URI,
 * so the page needs no network and runs no script; every string taken from a file is HTML-escaped. The page is written
 * to a temporary file next to the target and renamed, so a failed run leaves no output.
 */
final class Report {
    /** Images in the reconstruction grid (originals above their reconstructions). */
    static final int GRID_IMAGES = 16;
    /** Magnification of the grid's pixels. */
    static final int GRID_SCALE = 3;
    /** The longest stretch of the first clip put into an audio report, in seconds. */
    static final int MAX_AUDIO_SECONDS = 10;
    static final int CHART_WIDTH = 560, CHART_HEIGHT = 320;
    /** The element holding the report's numbers as JSON (curves, metrics, usage), for tools and tests. */
    static final String DATA_ID = "vqtok-report-data";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** The training file named in the provenance of a model trained on Fashion-MNIST-style IDX files. */
    private static final Pattern IDX_TRAINING_FILE = Pattern.compile(
            "^(?:Fashion-MNIST \\S+ \\([^)]*\\) from |IDX images )(.+?train-images-idx3-ubyte(?:\\.gz)?) \\(\\d+ images");

    private Report() {
    }

    /**
     * What to report on.
     *
     * @param model a model file written by {@code vqtok train}
     * @param out   the HTML file to write
     * @param data  a {@code --data} spec, or null for the Fashion-MNIST/IDX data named in the model's provenance
     * @param split validation or test
     * @param log   the per-step training log, or null for {@code <model>.log.jsonl}
     * @param noLog report without training curves
     * @param limit evaluate the first {@code limit} images or files only (0: all)
     */
    record Options(Path model, Path out, String data, String split, Path log, boolean noLog, int limit) {
    }

    /** What was written: the file, its size, the log steps plotted, the data evaluated and how many items. */
    record Written(Path out, long bytes, int steps, String data, long items) {
    }

    /**
     * The curves of a training log, one entry per line in order.
     *
     * @param steps          the step of each line
     * @param loss           total training loss
     * @param reconstruction reconstruction MSE of the batch
     * @param utilization    fraction of the codebook the batch used
     * @param perplexity     perplexity of the batch's codes
     */
    record Curves(long[] steps, double[] loss, double[] reconstruction, double[] utilization, double[] perplexity) {
        int size() {
            return steps.length;
        }

        /** Reads a log written by {@link TrainingLog}; a line without a numeric step is a {@link ModelFormatException}. */
        static Curves read(Path file) throws IOException {
            List<JsonNode> lines = TrainingLog.read(file);
            int n = lines.size();
            long[] steps = new long[n];
            double[] loss = new double[n], rec = new double[n], use = new double[n], ppl = new double[n];
            for (int i = 0; i < n; i++) {
                JsonNode l = lines.get(i);
                if (l == null || !l.path("step").canConvertToLong())
                    throw new ModelFormatException(file + ": line " + (i + 1) + " has no numeric 'step'; not a training log");
                steps[i] = l.path("step").asLong();
                loss[i] = number(l, "loss");
                rec[i] = number(l, "reconstruction");
                use[i] = number(l, "batch_utilization");
                ppl[i] = number(l, "batch_perplexity");
            }
            return new Curves(steps, loss, rec, use, ppl);
        }

        /** A field's value; NaN where it is missing or not a number (the plots leave a gap). */
        private static double number(JsonNode line, String field) {
            JsonNode v = line.get(field);
            return v == null || v.isNull() ? Double.NaN : v.asDouble(Double.NaN);
        }
    }

    /** Checks the options, evaluates the model and writes the page. */
    static Written write(Options o) throws IOException {
        Split split = split(o.split());
        if (o.limit() < 0) throw new IllegalArgumentException("--limit must be >= 0, got " + o.limit());
        if (o.noLog() && o.log() != null) throw new IllegalArgumentException("--log and --no-log exclude each other");
        if (!Files.isRegularFile(o.model())) throw new java.nio.file.NoSuchFileException(o.model().toString());
        Path logFile = o.noLog() ? null : o.log() != null ? o.log() : o.model().resolveSibling(o.model().getFileName() + ".log.jsonl");
        if (logFile != null && !Files.isRegularFile(logFile))
            throw new IllegalArgumentException(o.log() != null ? logFile + ": no such training log"
                    : o.model() + ": no training log at " + logFile + " (give --log FILE, or --no-log for a report without curves)");
        Curves curves = logFile == null ? null : Curves.read(logFile);
        Tokenizer t = Tokenizer.load(o.model());
        String spec = o.data() != null ? o.data() : trainingData(o.model(), t);

        Page page = new Page(o, t, logFile, curves);
        String described;
        long items;
        if (t instanceof AudioTokenizer a) {
            AudioFolderDataset d = Data.openAudio(spec, split, a.sampleRate());
            io.vqtok.autoencoders.AudioEvaluator.Result r = AudioEval.evaluate(a, d, AudioEval.defaultStages(a.quantizer().indexChannels()), o.limit());
            described = d.description();
            items = r.files();
            page.evaluation(described, split, AudioEval.json(r), r.usage());
            page.audio(a, d);
        } else {
            ImageTokenizer im = (ImageTokenizer) t;
            ImageDataset d = ModelData.open(spec, split, im);
            EvalResult r;
            try (Data.Batches batches = Data.prefetched(d, ImageTokenizer.INFERENCE_BATCH, o.limit())) {
                r = Evaluator.evaluate(im, batches);
            }
            described = d.description();
            items = r.images();
            page.evaluation(described, split, Json.eval(r), r.usage());
            page.grid(im, ModelData.open(spec, split, im), o.limit());
        }
        byte[] html = page.finish().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(o.out(), s -> s.write(html));
        return new Written(o.out(), html.length, curves == null ? 0 : curves.size(), described, items);
    }

    /** validation (or val) and test; a report on the training split is refused. */
    static Split split(String name) {
        String s = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("validation") || s.equals("val")) return Split.VALIDATION;
        if (s.equals("test")) return Split.TEST;
        throw new IllegalArgumentException("--split must be validation or test, got '" + name + "'");
    }

    /**
     * The {@code --data} spec of the data a model was trained on, when its provenance names a Fashion-MNIST-style IDX
     * training file: {@code fashion-mnist} for the system copy, else that file's folder.
     */
    static String trainingData(Path model, Tokenizer t) {
        String data = t.provenance().data() == null ? "" : t.provenance().data();
        Matcher m = IDX_TRAINING_FILE.matcher(data);
        if (!m.find())
            throw new IllegalArgumentException("--data is required: " + model + " was trained on '" + oneLine(data)
                    + "', not on Fashion-MNIST IDX files");
        Path dir = Path.of(m.group(1)).toAbsolutePath().getParent();
        if (dir.equals(FashionMnist.DEFAULT_DIR.toAbsolutePath())) return io.vqtok.datasets.DataSources.FASHION_MNIST;
        if (!Files.isDirectory(dir) || !FashionMnist.containsIdxFiles(dir))
            throw new IllegalArgumentException("--data is required: " + model + " was trained on the IDX files in " + oneLine(dir.toString())
                    + ", which are not there");
        return dir.toString();
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\p{Cntrl}", " ");
    }

    /** The page as it is built, section by section. */
    private static final class Page {
        private final StringBuilder body = new StringBuilder();
        private final ObjectNode numbers = JSON.createObjectNode();
        private final Tokenizer t;
        private final Options o;

        Page(Options o, Tokenizer t, Path logFile, Curves curves) throws IOException {
            this.o = o;
            this.t = t;
            body.append("<header><h1>vqtok report: ").append(esc(o.model().getFileName().toString())).append("</h1>\n<p>")
                    .append(t instanceof AudioTokenizer ? "audio" : "image").append(" tokenizer, ")
                    .append(esc(t.config().quantizer().describe())).append("; model ").append(esc(o.model().toString()))
                    .append("; report written ").append(esc(Instant.now().toString())).append("</p>\n")
                    .append("<nav>").append(link("curves", "Training curves")).append(link("eval", "Evaluation"))
                    .append(link("usage", "Code usage")).append(link("reconstructions", "Reconstructions"))
                    .append(link("config", "Config")).append(link("provenance", "Provenance")).append("</nav></header>\n");
            curves(logFile, curves);
        }

        private static String link(String id, String title) {
            return "<a href=\"#" + id + "\">" + title + "</a> ";
        }

        private void curves(Path logFile, Curves c) {
            body.append("<section id=\"curves\"><h2>Training curves</h2>\n");
            if (logFile == null) {
                body.append("<p class=\"note\">No training log (--no-log): no curves.</p></section>\n");
                return;
            }
            body.append("<p>From ").append(esc(logFile.toString())).append(": ").append(c.size()).append(" steps.</p>\n");
            ObjectNode series = numbers.putObject("curves");
            put(series.putArray("step"), c.steps());
            put(series.putArray("loss"), c.loss());
            put(series.putArray("reconstruction"), c.reconstruction());
            put(series.putArray("batch_utilization"), c.utilization());
            put(series.putArray("batch_perplexity"), c.perplexity());
            if (c.size() == 0) {
                body.append("<p class=\"note\">The log has no steps.</p></section>\n");
                return;
            }
            double[] x = Arrays.stream(c.steps()).asDoubleStream().toArray();
            body.append("<div class=\"plots\">\n");
            img(lineChart("Training loss", "loss", true, x, new String[]{"loss", "reconstruction MSE"}, c.loss(), c.reconstruction()),
                    "training loss and reconstruction MSE over steps");
            img(lineChart("Batch codebook utilization", "fraction of codes used", false, x, new String[]{"utilization"}, c.utilization()),
                    "batch codebook utilization over steps");
            img(lineChart("Batch perplexity", "perplexity", false, x, new String[]{"perplexity"}, c.perplexity()),
                    "batch code perplexity over steps");
            body.append("</div></section>\n");
        }

        /** The metrics table and the usage histograms of one evaluation. */
        void evaluation(String data, Split split, Map<String, Object> metrics, List<UsageStats> usage) {
            numbers.set("eval", JSON.valueToTree(metrics));
            body.append("<section id=\"eval\"><h2>Evaluation</h2>\n<p>").append(esc(split.toString())).append(" split: ")
                    .append(esc(data)).append(o.limit() > 0 ? " (first " + o.limit() + " at most)" : "").append("</p>\n");
            if (metrics.get("per_stages") instanceof List<?> per) {   // audio: quality per number of stages decoded
                body.append("<table class=\"metrics\"><tr><th>stages</th><th>kbps</th><th>STOI</th><th>ESTOI</th><th>SI-SNR dB</th><th>mel distance (80 bands)</th><th>mel distance (DAC, 7 scales)</th><th>STFT distance</th></tr>\n");
                for (Object row : per) {
                    Map<?, ?> r = (Map<?, ?>) row;
                    body.append("<tr data-stages=\"").append(r.get("stages")).append("\">");
                    for (String k : List.of("stages", "kbps", "stoi", "estoi", "si_snr_db", "mel_distance", "multiscale_mel_distance", "stft_distance")) body.append("<td>").append(plain(r.get(k))).append("</td>");
                    body.append("</tr>\n");
                }
                body.append("</table>\n");
            }
            body.append("<table class=\"metrics\">\n");
            for (Map.Entry<String, Object> e : metrics.entrySet()) {
                if (e.getKey().equals("per_stages")) continue;
                body.append("<tr data-key=\"").append(esc(e.getKey())).append("\"><th>").append(esc(label(e.getKey()))).append("</th><td>")
                        .append(esc(plain(e.getValue()))).append("</td></tr>\n");
            }
            body.append("</table></section>\n");
            histograms(usage);
        }

        private void histograms(List<UsageStats> usage) {
            boolean residual = t.config().quantizer() instanceof ResidualQuantizerConfig;
            String name = usage.size() == 1 ? "codes" : residual ? "stage" : "index channel";
            body.append("<section id=\"usage\"><h2>Code usage</h2>\n<p>Codes sorted by how often the evaluated data used them, per ")
                    .append(usage.size() == 1 ? "codebook" : residual ? "residual stage" : "index channel").append(".</p>\n<div class=\"plots\">\n");
            ArrayNode all = numbers.putArray("usage");
            for (int c = 0; c < usage.size(); c++) {
                UsageStats u = usage.get(c);
                long[] sorted = u.histogram();
                Arrays.sort(sorted);
                double[] counts = new double[sorted.length], rank = new double[sorted.length];
                for (int i = 0; i < sorted.length; i++) {
                    counts[i] = sorted[sorted.length - 1 - i];
                    rank[i] = i + 1;
                }
                ObjectNode j = all.addObject();
                j.put("channel", c);
                j.put("codebook_size", u.codebookSize());
                j.put("assignments", u.assignments());
                j.put("used", u.usedCodes());
                j.put("perplexity", u.perplexity());
                put(j.putArray("counts"), Arrays.copyOf(counts, u.usedCodes()));
                String title = (usage.size() == 1 ? "Code usage" : name + " " + (c + 1))
                        + String.format(java.util.Locale.ROOT, ": %d of %d used, perplexity %.1f", u.usedCodes(), u.codebookSize(), u.perplexity());
                XYChart chart = chart(title, "code rank", "assignments");
                XYSeries s = chart.addSeries("assignments", rank, counts);
                s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Area);
                s.setMarker(SeriesMarkers.NONE);
                roundTicks(chart, 0, counts[0]);
                chart.getStyler().setYAxisDecimalPattern(yPattern(0, counts[0], false));
                chart.getStyler().setLegendVisible(false);
                img(png(chart), "sorted code usage of " + name + " " + (c + 1));
            }
            body.append("</div></section>\n");
        }

        /** The first images of the split above their reconstructions, as {@code vqtok train} draws them. */
        void grid(ImageTokenizer im, ImageDataset d, int limit) throws IOException {
            int n = Math.min(GRID_IMAGES, limit > 0 ? Math.min(limit, d.size()) : d.size());
            INDArray x = Data.inOrder(d, n, n).next();
            INDArray both = Nd4j.concat(0, x, im.reconstruct(x)).dup('c');
            Path tmp = Files.createTempFile("vqtok-report-", ".png");
            byte[] png;
            try {
                ImageWriter.writeGrid(tmp, both.data().asFloat(), 2 * n, d.channels(), d.height(), d.width(), n, GRID_SCALE);
                png = Files.readAllBytes(tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
            body.append("<section id=\"reconstructions\"><h2>Reconstructions</h2>\n<p>The first ").append(n)
                    .append(" images of the split (top) and their reconstructions (bottom).</p>\n");
            img(png, n + " images above their reconstructions");
            body.append("</section>\n");
        }

        /** The first clip and its reconstruction: players and log-mel spectrograms on one colour scale. */
        void audio(AudioTokenizer a, AudioFolderDataset d) {
            float[] clip = d.clip(0);
            int rate = a.sampleRate();
            float[] x = Arrays.copyOf(clip, Math.min(clip.length, MAX_AUDIO_SECONDS * rate));
            float[] y = AudioTraining.clip(a.reconstruct(x, a.quantizer().indexChannels()));
            double[][] sx = logMel(x, rate), sy = logMel(y, rate);
            double top = Math.max(max(sx), max(sy));
            body.append("<section id=\"reconstructions\"><h2>Reconstructions</h2>\n<p>")
                    .append(esc(d.files().get(0).getFileName().toString()))
                    .append(String.format(java.util.Locale.ROOT, " (%.2f s%s at %d Hz) and its reconstruction with all %d stage(s).</p>\n",
                            x.length / (double) rate, x.length < clip.length ? ", the first " + MAX_AUDIO_SECONDS + " s of " + clip.length / rate + " s" : "",
                            rate, a.quantizer().indexChannels()));
            body.append("<div class=\"plots\">\n");
            for (int i = 0; i < 2; i++) {
                float[] w = i == 0 ? x : y;
                String what = i == 0 ? "original" : "reconstruction";
                body.append("<figure><figcaption>").append(what).append("</figcaption>\n<audio controls preload=\"auto\" src=\"data:audio/wav;base64,")
                        .append(Base64.getEncoder().encodeToString(WavFile.encode(new Audio(w, rate), WavFile.Encoding.PCM_16))).append("\"></audio>\n");
                img(spectrogram(i == 0 ? sx : sy, top), "log-mel spectrogram of the " + what);
                body.append("</figure>\n");
            }
            body.append("<p class=\"note\">Log-mel spectrograms (64 bands, low frequencies at the bottom), 80 dB range below the louder one's peak.</p>\n");
            body.append("</div></section>\n");
        }

        String finish() throws IOException {
            body.append("<section id=\"config\"><h2>Config</h2>\n<pre>").append(esc(PRETTY.writeValueAsString(t.config()))).append("</pre></section>\n");
            body.append("<section id=\"provenance\"><h2>Provenance</h2>\n<table class=\"metrics\">\n");
            flatten("", JSON.valueToTree(t.provenance()));
            body.append("</table></section>\n");
            String data = JSON.writeValueAsString(numbers).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
            return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>vqtok report: "
                    + esc(o.model().getFileName().toString()) + "</title>\n<link rel=\"icon\" href=\"data:,\">\n<style>" + STYLE + "</style>\n</head>\n<body>\n"
                    + body + "<script type=\"application/json\" id=\"" + DATA_ID + "\">" + data + "</script>\n</body></html>\n";
        }

        private void flatten(String prefix, JsonNode n) {
            if (n.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    flatten(prefix + e.getKey() + ".", e.getValue());
                }
                return;
            }
            String key = prefix.substring(0, Math.max(0, prefix.length() - 1));
            body.append("<tr data-key=\"").append(esc(key)).append("\"><th>").append(esc(key)).append("</th><td>")
                    .append(esc(n.isValueNode() ? n.asText() : n.toString())).append("</td></tr>\n");
        }

        private void img(byte[] png, String alt) {
            body.append("<img alt=\"").append(esc(alt)).append("\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(png)).append("\">\n");
        }
    }

    private static final String STYLE = """
            body{font-family:sans-serif;margin:1.5em auto;max-width:1160px;padding:0 1em;color:#222}
            h1{font-size:1.5em} h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.5em}
            nav a{margin-right:1em} img{max-width:100%;image-rendering:pixelated}
            .plots{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}
            figure{margin:0} figcaption{font-weight:bold;margin-bottom:.3em} audio{display:block;margin-bottom:.5em}
            table.metrics{border-collapse:collapse;margin:.5em 0} table.metrics th,table.metrics td{border:1px solid #ccc;padding:.2em .6em;text-align:left}
            table.metrics td{font-family:monospace} pre{background:#f6f6f6;padding:1em;overflow:auto} .note{color:#666}
            """;

    /**
     * A line chart of one or more series over steps; with {@code logIfWide} (losses), log-scaled when every value is
     * positive and they span more than 10x.
     */
    static byte[] lineChart(String title, String yTitle, boolean logIfWide, double[] x, String[] names, double[]... ys) {
        XYChart chart = chart(title, "step", yTitle);
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < ys.length; i++) {
            XYSeries s = chart.addSeries(names[i], x, finiteOrNaN(ys[i]));
            s.setMarker(x.length == 1 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            for (double v : ys[i]) {
                if (!Double.isFinite(v)) continue;
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        boolean log = logIfWide && lo > 0 && hi / lo > 10;
        chart.getStyler().setYAxisLogarithmic(log);
        chart.getStyler().setYAxisDecimalPattern(yPattern(lo, hi, log));
        chart.getStyler().setLegendVisible(ys.length > 1);
        if (lo <= hi) roundTicks(chart, lo, hi);
        return png(chart);
    }

    /**
     * Gives the axes round tick values (0, 20, 40, ...). XChart places ticks only at the data's own values when they are
     * equally spaced (steps and code ranks on x; the two values 0 and n of a histogram with one used code on y), as
     * densely as the labels fit (1, 4, 7, ...); an invisible point at x = 0.5 and at an irrational fraction of the y
     * range {@code [lo, hi]} breaks the spacing, so both axes get their usual round ticks, x starting at 0.
     */
    private static void roundTicks(XYChart chart, double lo, double hi) {
        chart.getStyler().setXAxisMin(0.0);
        XYSeries anchor = chart.addSeries(" ", new double[]{0.5}, new double[]{lo + (hi - lo) / Math.PI});
        anchor.setMarker(SeriesMarkers.NONE);
        anchor.setLineStyle(SeriesLines.NONE);
        anchor.setShowInLegend(false);
    }

    private static double[] finiteOrNaN(double[] v) {
        double[] out = v.clone();
        for (int i = 0; i < out.length; i++) if (!Double.isFinite(out[i])) out[i] = Double.NaN;
        return out;
    }

    private static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(CHART_WIDTH).height(CHART_HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotBackgroundColor(Color.WHITE);
        chart.getStyler().setPlotGridLinesColor(new Color(225, 225, 225));
        chart.getStyler().setAntiAlias(true);
        return chart;
    }

    /**
     * A y-axis number pattern with enough decimals for ticks over {@code [lo, hi]} (on a log axis, down to {@code lo}):
     * XChart's default drops the leading zero (".02").
     */
    static String yPattern(double lo, double hi, boolean log) {
        double span = log ? lo : hi - lo;
        int decimals = span > 0 && Double.isFinite(span) ? (int) Math.max(0, Math.min(8, Math.ceil(-Math.log10(span)) + 1)) : 2;
        return decimals == 0 ? "#,##0" : "0." + "#".repeat(decimals);
    }

    private static byte[] png(XYChart chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot draw the chart '" + chart.getTitle() + "': " + e.getMessage(), e);
        }
    }

    /** Log-mel spectrogram in dB, {@code [frames][64 bands]}, of a mono signal. */
    static double[][] logMel(float[] x, int rate) {
        int nFft = 1024;
        Stft stft = new Stft(nFft, nFft / 4);
        MelFilterbank mel = MelFilterbank.slaney(rate, nFft, 64);
        double[][] mag = stft.magnitude(x);
        double[][] out = new double[mag.length][];
        for (int f = 0; f < mag.length; f++) {
            double[] m = mel.apply(mag[f]);
            for (int b = 0; b < m.length; b++) m[b] = 20 * Math.log10(Math.max(m[b], 1e-10));
            out[f] = m;
        }
        return out;
    }

    private static double max(double[][] a) {
        double m = Double.NEGATIVE_INFINITY;
        for (double[] r : a) for (double v : r) m = Math.max(m, v);
        return m;
    }

    /** A spectrogram as a PNG: time left to right, low bands at the bottom, {@code top - 80 dB .. top} coloured dark to bright. */
    static byte[] spectrogram(double[][] s, double top) {
        int frames = s.length, bands = s[0].length;
        int sx = Math.max(1, 600 / frames), sy = 3;
        BufferedImage img = new BufferedImage(frames * sx, bands * sy, BufferedImage.TYPE_INT_RGB);
        for (int f = 0; f < frames; f++)
            for (int b = 0; b < bands; b++) {
                int rgb = colour((s[f][b] - (top - 80)) / 80);
                for (int i = 0; i < sx; i++)
                    for (int j = 0; j < sy; j++) img.setRGB(f * sx + i, (bands - 1 - b) * sy + j, rgb);
            }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return png.toByteArray();
    }

    /** Anchors of the spectrogram colour scale: black, purple, red, orange, pale yellow. */
    private static final int[][] SCALE = {{0, 0, 4}, {81, 18, 124}, {183, 55, 121}, {252, 137, 97}, {252, 253, 191}};

    /** The colour of a value in [0, 1] (clamped), interpolated between the scale's anchors. */
    static int colour(double v) {
        double p = Math.max(0, Math.min(1, Double.isNaN(v) ? 0 : v)) * (SCALE.length - 1);
        int i = Math.min(SCALE.length - 2, (int) p);
        double f = p - i;
        int rgb = 0;
        for (int c = 0; c < 3; c++) rgb = rgb << 8 | (int) Math.round(SCALE[i][c] + f * (SCALE[i + 1][c] - SCALE[i][c]));
        return rgb;
    }

    private static void put(ArrayNode a, long[] v) {
        for (long x : v) a.add(x);
    }

    private static void put(ArrayNode a, double[] v) {
        for (double x : v) a.add(x);
    }

    /** A metric as {@code eval --json} prints it, without exponent notation. */
    static String plain(Object v) {
        if (v == null) return "n/a";
        if (v instanceof Double d) return Double.isFinite(d) ? BigDecimal.valueOf(d).stripTrailingZeros().toPlainString() : d.toString();
        if (v instanceof List<?> l) return String.join(", ", l.stream().map(Report::plain).toList());
        return String.valueOf(v);
    }

    /** Readable names of the metrics' JSON keys. */
    private static String label(String key) {
        return switch (key) {
            case "images" -> "images";
            case "mse" -> "MSE";
            case "psnr_db" -> "PSNR (dB)";
            case "utilization" -> "codebook utilization";
            case "perplexity" -> "perplexity";
            case "dead_codes" -> "dead codes";
            case "img_per_s" -> "encode + decode img/s";
            case "utilization_per_stage" -> "utilization per stage";
            case "perplexity_per_stage" -> "perplexity per stage";
            case "files" -> "files";
            case "seconds" -> "seconds of audio";
            case "encode_x_realtime" -> "encoding (x real time)";
            default -> key;
        };
    }

    /** HTML-escapes text for element content and quoted attribute values. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
