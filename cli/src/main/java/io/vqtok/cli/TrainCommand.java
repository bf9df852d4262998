package io.vqtok.cli;

import io.vqtok.autoencoders.EvalResult;
import io.vqtok.autoencoders.Evaluator;
import io.vqtok.autoencoders.ImageAutoencoderConfig;
import io.vqtok.autoencoders.ImageTokenizer;
import io.vqtok.autoencoders.NonFiniteLossException;
import io.vqtok.autoencoders.StepReport;
import io.vqtok.autoencoders.TokenizerConfig;
import io.vqtok.autoencoders.Tokenizer;
import io.vqtok.autoencoders.TokenizerTrainer;
import io.vqtok.autoencoders.TrainingBatches;
import io.vqtok.autoencoders.TrainingLog;
import io.vqtok.autoencoders.TrainConfig;
import io.vqtok.datasets.ImageDataset;
import io.vqtok.datasets.ImageWriter;
import io.vqtok.datasets.Split;
import io.vqtok.quantizers.QuantizerConfig;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code vqtok train}: trains a tokenizer on the training split, checkpoints it, then reports validation and test metrics. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train an image or audio tokenizer.")
final class TrainCommand implements Callable<Integer> {
    /** Steps excluded from the throughput figure (graph building, JIT warm-up). */
    static final int WARMUP_STEPS = 5;

    @Option(names = "--data", defaultValue = "fashion-mnist",
            description = "fashion-mnist | IDX directory | image folder | speech (data/speech) | audio folder with train/ and test/ WAVs (default: ${DEFAULT-VALUE})")
    String data;

    @Mixin
    QuantizerOptions quantizer;

    @Option(names = "--steps", defaultValue = "1000", description = "optimizer steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--batch", description = "images or audio segments per step (default: 128 images, 16 segments)")
    Integer batch;

    @Option(names = "--lr", defaultValue = "2e-3", description = "Adam learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--seed", defaultValue = "0", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--base-channels", description = "channels of the first conv (default: 32 for images, 16 for audio)")
    Integer baseChannels;

    @Option(names = "--sample-rate", defaultValue = "16000", description = "audio: the model's sample rate; files are resampled to it (default: ${DEFAULT-VALUE})")
    int sampleRate;

    @Option(names = "--segment", defaultValue = "8000", description = "audio: samples per training crop (default: ${DEFAULT-VALUE})")
    int segment;

    @Option(names = "--strides", split = ",", defaultValue = "2,4,5,8", description = "audio: encoder strides; their product is the hop (default: ${DEFAULT-VALUE})")
    int[] strides;

    @Option(names = "--residual-units", defaultValue = "1", description = "audio: residual units per stride (default: ${DEFAULT-VALUE})")
    int residualUnits;

    @Option(names = "--spectral-loss", defaultValue = "0.3", description = "audio: weight of the multi-resolution STFT loss (default: ${DEFAULT-VALUE})")
    double spectralLoss;

    @Option(names = "--activation", defaultValue = "elu", description = "audio: encoder/decoder nonlinearity elu | snake (default: ${DEFAULT-VALUE})")
    String activation;

    @Option(names = "--mel-loss", defaultValue = "0", description = "audio: weight of DAC's multi-scale log-mel L1 loss (7 scales, windows 32..2048) (default: ${DEFAULT-VALUE})")
    double melLoss;

    @Option(names = "--waveform-l1", defaultValue = "0", description = "audio: weight of the waveform L1 loss (default: ${DEFAULT-VALUE})")
    double waveformL1;

    @Option(names = "--warmup-steps", defaultValue = "0", description = "linear learning-rate warm-up over N steps (default: ${DEFAULT-VALUE})")
    int warmupSteps;

    @Option(names = "--lr-schedule", defaultValue = "constant", description = "learning rate after the warm-up: constant | cosine (to 0.1 of --lr at the last step) (default: ${DEFAULT-VALUE})")
    String lrSchedule;

    @Option(names = "--downsampling", defaultValue = "4", description = "total stride 2|4|8|16 (default: ${DEFAULT-VALUE})")
    int downsampling;

    @Option(names = "--res-blocks", defaultValue = "0", description = "residual blocks in encoder and decoder (default: ${DEFAULT-VALUE})")
    int resBlocks;

    @Option(names = "--checkpoint-every", defaultValue = "250", description = "save a checkpoint to <out>.ckpt every N steps and at the end, 0 = none (default: ${DEFAULT-VALUE})")
    int checkpointEvery;

    @Option(names = "--keep-checkpoints", defaultValue = "2", description = "checkpoints kept: <out>.ckpt and older ones as <out>.ckpt.<step> (default: ${DEFAULT-VALUE})")
    int keepCheckpoints;

    @Option(names = "--resume", description = "continue the run saved in <out>.ckpt (the same flags; --steps may grow); starts afresh when there is none")
    boolean resume;

    @Option(names = "--eval-limit", defaultValue = "0", description = "evaluate on the first N validation and test images only (default: all)")
    int evalLimit;

    @Option(names = "--recon-png", description = "PNG of test images (top) and reconstructions (bottom) (default: <out>.png)")
    Path reconPng;

    @Option(names = "--out", defaultValue = "model.vqt", description = "model file (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--json", description = "print the closing summary as one JSON line")
    boolean json;

    @Override
    public Integer call() {
        Summary summary = run();
        System.out.println(json ? Json.line(summary.fields()) : summary.human());
        return 0;
    }

    /** What a training run reports: the fields {@code --json} prints, and the same for people. */
    record Summary(Map<String, Object> fields, String human) {
    }

    /** Trains, saves and evaluates; returns the summary that {@code --json} prints. */
    Summary run() {
        if (Data.isAudio(data)) return AudioTraining.run(this);
        int batch = this.batch == null ? 128 : this.batch;
        QuantizerConfig qc = quantizer.toConfig();
        if (melLoss != 0 || waveformL1 != 0) throw new IllegalArgumentException("--mel-loss and --waveform-l1 apply to audio data only");
        TrainConfig tc = new TrainConfig(steps, batch, lr, seed, checkpointEvery, 0, keepCheckpoints).withSchedule(warmupSteps, schedule());
        ImageDataset train = Data.open(data, Split.TRAIN, 0);
        ImageAutoencoderConfig ac = new ImageAutoencoderConfig(train.channels(), train.height(), train.width(),
                baseChannels == null ? 32 : baseChannels, downsampling, resBlocks, quantizer.dim);
        if (batch > train.size()) throw new IllegalArgumentException("--batch " + batch + " exceeds the " + train.size() + " training images");
        TokenizerConfig config = new TokenizerConfig(ac, qc);
        String description = train.description();
        TokenizerTrainer trainer = trainer(config, tc, description, () -> ImageTokenizer.create(config, seed));
        ImageTokenizer tokenizer = (ImageTokenizer) trainer.tokenizer();
        System.err.printf("vqtok train: %s on %s, %d steps x %d, lr %g, seed %d%n",
                qc.describe(), description, steps, batch, lr, seed);

        Progress progress = new Progress(steps, trainer.step());
        long wallStart = System.nanoTime();
        try (TrainingBatches batches = TrainingBatches.images(train, tc)) {
            train(trainer, batches, progress);
        }
        double wallSeconds = (System.nanoTime() - wallStart) / 1e9;
        save(tokenizer);

        ImageDataset validation = Data.open(data, Split.VALIDATION, train.channels());
        EvalResult validationEval = Evaluator.evaluate(tokenizer, Data.inOrder(validation, ImageTokenizer.INFERENCE_BATCH, evalLimit));
        ImageDataset test = Data.open(data, Split.TEST, train.channels());
        EvalResult eval = Evaluator.evaluate(tokenizer, Data.inOrder(test, ImageTokenizer.INFERENCE_BATCH, evalLimit));
        double encodeRate = encodeThroughput(tokenizer, test, evalLimit);
        Path png = reconPng != null ? reconPng : siblingPng(out);
        writeReconstructions(tokenizer, test, png);

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("quantizer", quantizer.name);
        m.put("config", qc.describe());
        m.put("codebook_size", tokenizer.quantizer().codebookSize());
        m.put("steps", steps);
        m.put("resumed_from_step", progress.startStep);
        m.put("batch", batch);
        m.put("lr", lr);
        m.put("seed", seed);
        m.put("train_img_per_s", Json.round(progress.imagesPerSecond(), 1));
        m.put("train_s", Json.round(wallSeconds, 1));
        m.put("final_train_loss", Json.round(progress.lastLoss, 6));
        m.put("codes_reseeded", progress.reseeded);
        m.put("resident_memory", progress.memory());
        m.put("validation", Json.eval(validationEval));
        m.put("test", Json.eval(eval));
        m.put("encode_img_per_s", Json.round(encodeRate, 1));
        m.put("model", out.toString());
        m.put("log", log().toString());
        m.put("reconstructions", png.toString());
        String human = String.format("trained %s: %d steps in %.1f s, %.0f img/s (compute only), final loss %.5f, %d codes reseeded%n",
                qc.describe(), steps, wallSeconds, progress.imagesPerSecond(), progress.lastLoss, progress.reseeded)
                + "validation: " + Json.human(validationEval) + "\n"
                + "test: " + Json.human(eval) + "\n"
                + String.format("encoding: %.0f img/s%n", encodeRate)
                + "model: " + out + "   reconstructions: " + png;
        return new Summary(m, human);
    }

    TrainConfig.Schedule schedule() {
        return switch (lrSchedule.toLowerCase(java.util.Locale.ROOT)) {
            case "constant" -> TrainConfig.Schedule.CONSTANT;
            case "cosine" -> TrainConfig.Schedule.COSINE;
            default -> throw new IllegalArgumentException("unknown --lr-schedule '" + lrSchedule + "'; expected constant or cosine");
        };
    }

    io.vqtok.autoencoders.AudioAutoencoderConfig.Activation activation() {
        return switch (activation.toLowerCase(java.util.Locale.ROOT)) {
            case "elu" -> io.vqtok.autoencoders.AudioAutoencoderConfig.Activation.ELU;
            case "snake" -> io.vqtok.autoencoders.AudioAutoencoderConfig.Activation.SNAKE;
            default -> throw new IllegalArgumentException("unknown --activation '" + activation + "'; expected elu or snake");
        };
    }

    void save(io.vqtok.autoencoders.Tokenizer t) {
        try {
            t.save(out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Where checkpoints go: {@code <out>.ckpt}. */
    Path checkpoint() {
        return out.resolveSibling(out.getFileName() + ".ckpt");
    }

    /**
     * The trainer of this run: resumed from the latest checkpoint with {@code --resume}, else a fresh model; a fresh run
     * refuses to start over an earlier run's checkpoint.
     */
    TokenizerTrainer trainer(TokenizerConfig config, TrainConfig tc, String data, java.util.function.Supplier<Tokenizer> fresh) {
        try {
            java.util.Optional<Path> latest = TokenizerTrainer.latestCheckpoint(checkpoint());
            if (resume && latest.isPresent()) {
                TokenizerTrainer t = TokenizerTrainer.resume(latest.get(), config, tc, data);
                System.err.printf("vqtok train: resuming from %s at step %d%n", latest.get(), t.step());
                return t;
            }
            if (resume) System.err.printf("vqtok train: no checkpoint at %s; starting at step 0%n", checkpoint());
            else if (latest.isPresent() && checkpointEvery > 0)   // the run would overwrite it
                throw new IllegalArgumentException("a checkpoint of an earlier run exists at " + latest.get()
                        + "; pass --resume to continue it, or delete " + checkpoint() + "* to start over");
            return new TokenizerTrainer(fresh.get(), tc);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The per-step log: {@code <out>.log.jsonl}. */
    Path log() {
        return out.resolveSibling(out.getFileName() + ".log.jsonl");
    }

    /**
     * Trains to the last step with checkpoints in {@link #checkpoint()} and a line per step in {@link #log()}, reporting
     * progress; a non-finite loss names the last good checkpoint.
     */
    void train(TokenizerTrainer trainer, TrainingBatches batches, Progress progress) {
        try (TrainingLog log = TrainingLog.open(log(), trainer.step())) {
            trainer.train(batches, r -> {
                log.onStep(r);
                progress.step(r);
            }, checkpointEvery > 0 ? checkpoint() : null);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (NonFiniteLossException e) {
            throw new IllegalStateException(e.getMessage() + (trainer.lastCheckpointStep() > 0 ? "; last good checkpoint (step "
                    + trainer.lastCheckpointStep() + ") kept in " + checkpoint() : "; no checkpoint had been saved"));
        } finally {
            progress.close();
        }
    }

    /** Encoding throughput over the test images, in batches of 1000, data already in memory, after one warm-up batch. */
    static double encodeThroughput(ImageTokenizer t, ImageDataset test, int limit) {
        java.util.List<INDArray> batches = new java.util.ArrayList<>();
        Data.inOrder(test, ImageTokenizer.INFERENCE_BATCH, limit).forEachRemaining(batches::add);
        t.encode(batches.get(0));
        long images = 0, t0 = System.nanoTime();
        for (INDArray b : batches) {
            t.encode(b);
            images += b.size(0);
        }
        return images / ((System.nanoTime() - t0) / 1e9);
    }

    static Path siblingPng(Path model) {
        String name = model.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return model.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".png");
    }

    static void writeReconstructions(ImageTokenizer t, ImageDataset test, Path png) {
        int n = Math.min(16, test.size());
        INDArray x = Data.inOrder(test, n, n).next();
        INDArray xhat = t.reconstruct(x);
        INDArray both = org.nd4j.linalg.factory.Nd4j.concat(0, x, xhat);
        ImageWriter.writeGrid(png, both.dup('c').data().asFloat(), 2 * n, test.channels(), test.height(), test.width(), n, 3);
    }

    /** Progress bar on a terminal, a line every 10% otherwise; tracks throughput and the last checkpoint. */
    final class Progress {
        private final ProgressBar bar;
        private final int total;
        private double computeSeconds;
        private final long startNanos = System.nanoTime();
        private long timedImages;
        long reseeded;
        double lastLoss;
        /** The step the run started from (0, or a resumed checkpoint's). */
        final long startStep;
        /** Resident memory after the reference step (step 500, or a sixth of a shorter run), at the end, and the peak. */
        long rssAtReference, rssEnd, rssPeak, referenceStep;

        private final String unit;
        private final double perItem;

        Progress(int total, long startStep) {
            this(total, startStep, "img/s", 1);
        }

        /** Throughput counts {@code perItem} units (e.g. seconds of audio) per batch item. */
        Progress(int total, long startStep, String unit, double perItem) {
            this.total = total;
            this.startStep = startStep;
            this.unit = unit;
            this.perItem = perItem;
            this.bar = System.console() != null ? new ProgressBarBuilder().setTaskName("train").setInitialMax(total)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).setInitialMax(total)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).build() : null;
        }

        void step(StepReport r) {
            if (r.step() > startStep + WARMUP_STEPS || total - startStep <= WARMUP_STEPS) {
                computeSeconds += r.stepSeconds();
                timedImages += r.images();
            }
            reseeded += r.reseeded();
            lastLoss = r.loss();
            if (r.step() == Math.max(1, Math.min(500, total / 6))) {
                referenceStep = r.step();
                rssAtReference = r.residentBytes();
            }
            rssEnd = r.residentBytes();
            rssPeak = Math.max(rssPeak, r.residentBytes());
            String msg = String.format("loss %.4f mse %.4f use %.2f %.1f %s rss %d MB", r.loss(), r.reconstruction(), r.batchUsage(),
                    imagesPerSecond(), unit, r.residentBytes() / 1_000_000);
            if (bar != null) {
                bar.stepTo(r.step());
                bar.setExtraMessage(msg);
            } else if (r.step() % Math.max(1, total / 10) == 0 || r.step() == 1) {
                System.err.printf("step %d/%d  %s  eta %s%n", r.step(), total, msg, eta(r.step()));
            }
        }

        /** Wall time left at the pace of the steps this run has taken so far, as h:mm:ss. */
        String eta(long step) {
            long done = step - startStep;
            if (done <= 0) return "?";
            long seconds = Math.round((System.nanoTime() - startNanos) / 1e9 / done * (total - step));
            return String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
        }

        /** Resident memory figures for the summary, in MB. */
        Map<String, Object> memory() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("reference_step", referenceStep);
            m.put("at_reference_mb", Math.round(rssAtReference / 1e6));
            m.put("end_mb", Math.round(rssEnd / 1e6));
            m.put("peak_mb", Math.round(rssPeak / 1e6));
            m.put("growth", rssAtReference > 0 ? Json.round(rssEnd / (double) rssAtReference - 1, 3) : 0);
            return m;
        }

        double imagesPerSecond() {
            return computeSeconds > 0 ? timedImages * perItem / computeSeconds : 0;
        }

        void close() {
            if (bar != null) bar.close();
        }
    }
}
