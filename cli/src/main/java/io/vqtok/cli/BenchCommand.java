package io.vqtok.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.vqtok.datasets.AtomicFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code vqtok bench}: benchmark commands that print figures and write them to files (never timed tests). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that print figures and write them to files.",
        subcommands = {BenchCommand.Quantizers.class, BenchCommand.Search.class, BenchCommand.Codecs.class})
final class BenchCommand implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }

    /**
     * {@code vqtok bench quantizers}: trains every named quantizer with its {@code vqtok train} defaults on the
     * same data, autoencoder, steps and seed, once per codebook size, and writes one table as JSON and Markdown.
     */
    @Command(name = "quantizers", mixinStandardHelpOptions = true,
            description = "Train each quantizer with its defaults (same model, data, steps, seed) and tabulate validation (or test) metrics.")
    static final class Quantizers implements Callable<Integer> {
        @Option(names = "--quantizers", split = ",", paramLabel = "NAMES",
                defaultValue = "vq,rotation,ema,cvq,simvq,sinkhorn,fsq,lfq,ibq,rvq",
                description = "quantizers to train (default: ${DEFAULT-VALUE})")
        List<String> quantizers;

        @Option(names = "--codebook-sizes", split = ",", paramLabel = "K",
                description = "codebook sizes to sweep (default: each quantizer's own default)")
        List<Integer> codebookSizes;

        @Option(names = "--steps", defaultValue = "1000", description = "optimizer steps per run (default: ${DEFAULT-VALUE})")
        int steps;

        @Option(names = "--seed", defaultValue = "0", description = "seed of every run (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--data", defaultValue = "fashion-mnist", description = "training and test data (default: ${DEFAULT-VALUE})")
        String data;

        @Option(names = "--eval-limit", defaultValue = "0", description = "evaluate on the first N images only (default: all)")
        int evalLimit;

        @Option(names = "--split", defaultValue = "validation",
                description = "the split tabulated: validation (for choosing settings) or test (final figures) (default: ${DEFAULT-VALUE})")
        String split;

        @Option(names = "--out-dir", defaultValue = "bench", description = "where models, PNGs and the tables go (default: ${DEFAULT-VALUE})")
        Path outDir;

        @Option(names = "--name", defaultValue = "quantizers", description = "table name: <out-dir>/<name>.json and .md (default: ${DEFAULT-VALUE})")
        String name;

        @Option(names = "--markdown", paramLabel = "FILE",
                description = "also replace the table between '<!-- bench:NAME -->' and '<!-- /bench:NAME -->' in FILE (e.g. BENCHMARKS.md)")
        Path markdown;

        @Option(names = "--train-args", paramLabel = "ARGS", description = "extra 'vqtok train' options for every run, e.g. \"--batch 64\"")
        String trainArgs;

        @Override
        public Integer call() {
            if (!split.equals("validation") && !split.equals("test"))
                throw new IllegalArgumentException("--split must be validation or test, got " + split);
            for (String q : quantizers)
                if (!QuantizerOptions.NAMES.contains(q.toLowerCase(Locale.ROOT)))
                    throw new IllegalArgumentException("unknown quantizer '" + q + "'; expected some of " + String.join(", ", QuantizerOptions.NAMES));
            if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
            if (markdown != null && !Files.isRegularFile(markdown))
                throw new IllegalArgumentException("--markdown " + markdown + ": no such file");
            List<Integer> sizes = codebookSizes == null || codebookSizes.isEmpty() ? java.util.Collections.singletonList(null) : codebookSizes;
            List<Map<String, Object>> rows = new ArrayList<>();
            int total = sizes.size() * quantizers.size(), done = 0;
            for (Integer k : sizes) {
                for (String q : quantizers) {
                    done++;
                    System.err.printf("== bench %s %d/%d: %s%s, %d steps%n", name, done, total, q, k == null ? "" : " K=" + k, steps);
                    rows.add(runOne(q.toLowerCase(Locale.ROOT), k));
                    writeTables(rows);
                }
            }
            String table = markdownTable(rows, split);
            System.out.println(table);
            if (markdown != null) replaceSection(markdown, name, table);
            return rows.stream().anyMatch(r -> r.containsKey("error")) ? 1 : 0;
        }

        private Map<String, Object> runOne(String quantizer, Integer k) {
            String tag = quantizer + (k == null ? "" : "-" + k);
            List<String> args = new ArrayList<>(List.of("--quantizer", quantizer, "--steps", Integer.toString(steps), "--seed", Long.toString(seed),
                    "--data", data, "--eval-limit", Integer.toString(evalLimit), "--checkpoint-every", "0",
                    "--out", outDir.resolve(name + "-" + tag + ".vqt").toString(), "--recon-png", outDir.resolve(name + "-" + tag + ".png").toString()));
            if (k != null) args.addAll(List.of("--codebook-size", Integer.toString(k)));
            if (trainArgs != null && !trainArgs.isBlank()) args.addAll(List.of(trainArgs.trim().split("\\s+")));
            // each run in a JVM of its own: native memory is returned between runs, and a crash costs one row
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
            cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "train", "--json"));
            cmd.addAll(args);
            try {
                Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                int code = p.waitFor();
                String json = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
                if (code != 0 || json == null)
                    return failed(quantizer, k, "vqtok train exited with code " + code + " (its message is above)");
                @SuppressWarnings("unchecked") Map<String, Object> m = new ObjectMapper().readValue(json, LinkedHashMap.class);
                System.err.println("   " + summary(m));
                return m;
            } catch (IOException e) {
                return failed(quantizer, k, "cannot run vqtok train: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return failed(quantizer, k, "interrupted");
            }
        }

        private Map<String, Object> failed(String quantizer, Integer k, String error) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("quantizer", quantizer);
            if (k != null) m.put("codebook_size", k);
            m.put("steps", steps);
            m.put("error", error);
            System.err.println("   failed: " + error);
            return m;
        }

        private String summary(Map<String, Object> m) {
            @SuppressWarnings("unchecked") Map<String, Object> t = (Map<String, Object>) m.get(split);
            return String.format(Locale.ROOT, split + " MSE %.5f, utilization %.3f, perplexity %.1f, %.0f img/s",
                    ((Number) t.get("mse")).doubleValue(), ((Number) t.get("utilization")).doubleValue(),
                    ((Number) t.get("perplexity")).doubleValue(), ((Number) m.get("train_img_per_s")).doubleValue());
        }

        private void writeTables(List<Map<String, Object>> rows) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("benchmark", name);
            doc.put("steps", steps);
            doc.put("seed", seed);
            doc.put("data", data);
            doc.put("split", split);
            doc.put("runs", rows);
            AtomicFiles.write(outDir.resolve(name + ".json"), out -> mapper.writeValue(new NonClosing(out), doc));
            byte[] md = (markdownTable(rows, split) + "\n").getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(outDir.resolve(name + ".md"), out -> out.write(md));
        }

        /** The rows as a Markdown table. */
        static String markdownTable(List<Map<String, Object>> rows, String split) {
            StringBuilder sb = new StringBuilder();
            sb.append("| quantizer | config | K | steps | train img/s | " + split + " MSE | PSNR dB | utilization | perplexity | dead codes |\n");
            sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
            for (Map<String, Object> r : rows) {
                if (r.containsKey("error")) {
                    sb.append(String.format(Locale.ROOT, "| %s | failed: %s | %s | %s | | | | | | |%n", r.get("quantizer"),
                            String.valueOf(r.get("error")).replace("|", "/"), r.getOrDefault("codebook_size", ""), r.get("steps")));
                    continue;
                }
                @SuppressWarnings("unchecked") Map<String, Object> t = (Map<String, Object>) r.get(split);
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.0f | %.5f | %.2f | %.3f | %.1f | %s |%n",
                        r.get("quantizer"), r.get("config"), r.get("codebook_size"), r.get("steps"),
                        ((Number) r.get("train_img_per_s")).doubleValue(), ((Number) t.get("mse")).doubleValue(),
                        ((Number) t.get("psnr_db")).doubleValue(), ((Number) t.get("utilization")).doubleValue(),
                        ((Number) t.get("perplexity")).doubleValue(), t.get("dead_codes")));
            }
            return sb.toString().stripTrailing();
        }

        /** Replaces the text between the section's two markers in {@code file} (atomically), or appends the section. */
        static void replaceSection(Path file, String name, String table) {
            String begin = "<!-- bench:" + name + " -->", end = "<!-- /bench:" + name + " -->";
            String text;
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            int a = text.indexOf(begin), b = text.indexOf(end);
            String section = begin + "\n" + table + "\n" + end;
            String updated;
            if (a >= 0 && b > a) updated = text.substring(0, a) + section + text.substring(b + end.length());
            else if (a < 0 && b < 0) updated = text.stripTrailing() + "\n\n" + section + "\n";
            else throw new IllegalArgumentException(file + ": unmatched markers for bench section '" + name + "'");
            byte[] bytes = updated.getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(file, out -> out.write(bytes));
        }
    }

    /** {@code vqtok bench search}: the exact nearest-code search alone, on random data (compare with FAISS's exact search). */
    @Command(name = "search", mixinStandardHelpOptions = true,
            description = "Time the exact nearest-code search on random data: N vectors against K codes of dimension D.")
    static final class Search implements Callable<Integer> {
        @Option(names = "--codebook-size", defaultValue = "8192", description = "K codes (default: ${DEFAULT-VALUE})")
        int codebookSize;

        @Option(names = "--dim", defaultValue = "64", description = "D, the dimension (default: ${DEFAULT-VALUE})")
        int dim;

        @Option(names = "--vectors", defaultValue = "49000", description = "N query vectors (default: ${DEFAULT-VALUE})")
        int vectors;

        @Option(names = "--repeats", defaultValue = "3", description = "timed repeats; the best is reported (default: ${DEFAULT-VALUE})")
        int repeats;

        @Option(names = "--seed", defaultValue = "0", description = "seed of the random data (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--out", paramLabel = "FILE", description = "also append the JSON line to FILE")
        Path out;

        @Option(names = "--json", description = "print one JSON line")
        boolean json;

        @Option(names = "--peak", description = "also measure the single-precision matrix-product rate (sgemm_gflops: the best of "
                + "[4096, 64]x[64, 8192] and [1024, 1024]x[1024, 1024])")
        boolean peak;

        @Override
        public Integer call() throws IOException {
            io.vqtok.codebook.SearchBenchmark.Result r = io.vqtok.codebook.SearchBenchmark.run(codebookSize, dim, vectors, repeats, seed);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("K", r.codebookSize());
            m.put("D", r.dim());
            m.put("N", r.vectors());
            m.put("vectors_per_s", Math.round(r.vectorsPerSecond()));
            m.put("gflops", Json.round(r.gflops(), 1));
            m.put("seconds", Json.round(r.seconds(), 4));
            if (peak) m.put("sgemm_gflops", Json.round(io.vqtok.codebook.SearchBenchmark.peakGflops(), 1));
            String line = Json.line(m);
            System.out.println(json ? line : String.format(Locale.ROOT, "nearest-code search K=%d D=%d N=%d: %.0f vectors/s (%.1f GFLOP/s)",
                    r.codebookSize(), r.dim(), r.vectors(), r.vectorsPerSecond(), r.gflops()));
            if (out != null) {
                Path dir = out.toAbsolutePath().getParent();
                if (dir != null) Files.createDirectories(dir);
                Files.writeString(out, line + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            }
            return 0;
        }
    }

    /**
     * {@code vqtok bench codecs}: classical speech codecs (Codec2, Opus, Speex, AMR-NB through their Debian tools) and
     * optionally a vqtok audio model at every number of stages, scored on one split by the same code
     * ({@link io.vqtok.datasets.audio.SpeechQuality}); one table as JSON and Markdown.
     */
    @Command(name = "codecs", mixinStandardHelpOptions = true,
            description = "Run classical codecs (and optionally a vqtok audio model) on an audio split; tabulate kbps, STOI, ESTOI, both mel distances, SI-SNR.")
    static final class Codecs implements Callable<Integer> {
        @Option(names = "--data", defaultValue = "speech", description = "audio corpus: 'speech' (data/speech) or a folder with train/ and test/ (default: ${DEFAULT-VALUE})")
        String data;

        @Option(names = "--split", defaultValue = "test", description = "split scored: test or validation (default: ${DEFAULT-VALUE})")
        String split;

        @Option(names = "--model", paramLabel = "FILE", description = "also score this vqtok audio model at every number of stages")
        Path model;

        @Option(names = "--limit", defaultValue = "0", description = "score the first N files only (default: all)")
        int limit;

        @Option(names = "--codecs", split = ",", paramLabel = "NAMES",
                description = "codecs to run (default: all: codec2-3200, codec2-2400, codec2-1600, codec2-700C, opus-6, opus-8, speex-wb-q0, speex-wb-q2, amr-nb-4.75, amr-nb-12.2)")
        List<String> codecs;

        @Option(names = "--out", defaultValue = "bench/codecs", paramLabel = "PREFIX",
                description = "tables go to PREFIX.json and PREFIX.md (default: ${DEFAULT-VALUE})")
        Path out;

        @Option(names = "--markdown", paramLabel = "FILE",
                description = "also replace the table between '<!-- bench:codecs -->' and '<!-- /bench:codecs -->' in FILE (e.g. BENCHMARKS.md)")
        Path markdown;

        @Override
        public Integer call() throws IOException {
            if (!split.equals("test") && !split.equals("validation"))
                throw new IllegalArgumentException("--split must be test or validation, got " + split);
            if (limit < 0) throw new IllegalArgumentException("--limit must be >= 0, got " + limit);
            if (markdown != null && !Files.isRegularFile(markdown))
                throw new IllegalArgumentException("--markdown " + markdown + ": no such file");
            List<io.vqtok.datasets.audio.ClassicalCodec> chosen = codecs == null || codecs.isEmpty()
                    ? io.vqtok.datasets.audio.ClassicalCodec.ALL
                    : codecs.stream().map(io.vqtok.datasets.audio.ClassicalCodec::named).toList();
            List<String> missing = chosen.stream().filter(c -> !c.missingPrograms().isEmpty())
                    .map(c -> c.name() + " (" + String.join(", ", c.missingPrograms()) + " from " + c.debianPackage() + ")").toList();
            if (!missing.isEmpty())
                throw new IllegalStateException("codec tools not found on PATH: " + String.join("; ", missing)
                        + "; scripts/bench.sh codecs installs them");
            io.vqtok.autoencoders.AudioTokenizer tokenizer = null;
            if (model != null) {
                io.vqtok.autoencoders.Tokenizer t = io.vqtok.autoencoders.Tokenizer.load(model);
                if (!(t instanceof io.vqtok.autoencoders.AudioTokenizer a))
                    throw new IllegalArgumentException("--model " + model + " is an image tokenizer; bench codecs needs an audio model");
                tokenizer = a;
            }
            int rate = tokenizer != null ? tokenizer.sampleRate() : io.vqtok.datasets.audio.AudioFolderDataset.DEFAULT_SAMPLE_RATE;
            io.vqtok.datasets.audio.AudioFolderDataset d = Data.openAudio(data, io.vqtok.datasets.Split.parse(split), rate);
            System.err.println("== bench codecs on " + d.description() + (limit > 0 ? ", first " + limit + " files" : ""));
            List<Map<String, Object>> rows = new ArrayList<>();
            for (io.vqtok.datasets.audio.ClassicalCodec c : chosen) {
                long t0 = System.nanoTime();
                io.vqtok.datasets.audio.CodecBenchmark.Row r = io.vqtok.datasets.audio.CodecBenchmark.run(c, d, limit);
                io.vqtok.datasets.audio.SpeechQuality.Mean q = r.quality();
                rows.add(row(c.name(), "classical", c.nominalKbps(), r.kbps(), q.files(), q.stoi(), q.estoi(), q.melDistance(),
                        q.multiScaleMelDistance(), q.siSnrDb(), q.stftDistance(), q.meanDelaySamples(), rate));
                System.err.printf(Locale.ROOT, "   %-14s %s (%.0f s)%n", c.name(), summary(rows.get(rows.size() - 1)), (System.nanoTime() - t0) / 1e9);
                write(d, rows);
            }
            if (tokenizer != null) {
                io.vqtok.autoencoders.AudioEvaluator.Result r = io.vqtok.autoencoders.AudioEvaluator.evaluate(tokenizer, d,
                        io.vqtok.autoencoders.AudioEvaluator.defaultStages(tokenizer.quantizer().indexChannels()), limit);
                for (io.vqtok.autoencoders.AudioEvaluator.StageMetrics s : r.perStages())
                    rows.add(row("vqtok " + s.stages() + (s.stages() == 1 ? " stage" : " stages"), "vqtok", s.kbps(), s.kbps(), r.files(), s.stoi(),
                            s.estoi(), s.melDistance(), s.multiScaleMelDistance(), s.siSnrDb(), s.stftDistance(), s.meanDelaySamples(), rate));
                write(d, rows);
            }
            String table = table(rows);
            System.out.println(table);
            if (markdown != null) Quantizers.replaceSection(markdown, "codecs", table);
            return 0;
        }

        private static Map<String, Object> row(String name, String kind, double nominal, double kbps, int files, double stoi, double estoi,
                double mel, double multiScaleMel, double siSnr, double stft, double delaySamples, int rate) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("codec", name);
            m.put("kind", kind);
            m.put("nominal_kbps", Json.round(nominal, 3));
            m.put("kbps", Json.round(kbps, 3));
            m.put("files", files);
            m.put("stoi", AudioEval.finite(stoi, 4));
            m.put("estoi", AudioEval.finite(estoi, 4));
            m.put("mel_distance", Json.round(mel, 4));
            m.put("multiscale_mel_distance", Json.round(multiScaleMel, 4));
            m.put("si_snr_db", Json.round(siSnr, 3));
            m.put("stft_distance", Json.round(stft, 4));
            m.put("delay_ms", Json.round(delaySamples * 1000.0 / rate, 2));
            return m;
        }

        private static String summary(Map<String, Object> r) {
            return String.format(Locale.ROOT, "%s kbps, STOI %s, ESTOI %s, mel-80 %s, mel-DAC %s, SI-SNR %s dB, delay %s ms", r.get("kbps"), r.get("stoi"),
                    r.get("estoi"), r.get("mel_distance"), r.get("multiscale_mel_distance"), r.get("si_snr_db"), r.get("delay_ms"));
        }

        private void write(io.vqtok.datasets.audio.AudioFolderDataset d, List<Map<String, Object>> rows) {
            ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("benchmark", "codecs");
            doc.put("data", d.description());
            doc.put("split", split);
            doc.put("files", limit > 0 ? Math.min(limit, d.size()) : d.size());
            doc.put("sample_rate", d.sampleRate());
            if (model != null) doc.put("model", model.toString());
            doc.put("rows", rows);
            Path json = Path.of(out + ".json"), md = Path.of(out + ".md");
            AtomicFiles.write(json, o -> mapper.writeValue(new NonClosing(o), doc));
            byte[] text = (table(rows) + "\n").getBytes(StandardCharsets.UTF_8);
            AtomicFiles.write(md, o -> o.write(text));
        }

        /** The rows as a Markdown table. */
        static String table(List<Map<String, Object>> rows) {
            StringBuilder sb = new StringBuilder();
            sb.append("| codec | kbps (measured) | STOI | ESTOI | mel distance, 80 bands | mel distance, DAC 7 scales | SI-SNR dB | delay ms |\n");
            sb.append("|---|---|---|---|---|---|---|---|\n");
            for (Map<String, Object> r : rows)
                sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s |%n", r.get("codec"), fixed(r.get("kbps"), 2),
                        fixed(r.get("stoi"), 3), fixed(r.get("estoi"), 3), fixed(r.get("mel_distance"), 3), fixed(r.get("multiscale_mel_distance"), 2),
                        fixed(r.get("si_snr_db"), 2), fixed(r.get("delay_ms"), 1)));
            return sb.toString().stripTrailing();
        }

        private static String fixed(Object v, int digits) {
            return v instanceof Number n ? String.format(Locale.ROOT, "%." + digits + "f", n.doubleValue()) : "n/a";
        }
    }

    /** Lets Jackson write to the atomic writer's stream without closing it. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(java.io.OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
