package io.vqtok.cli;

import io.vqtok.autoencoders.EvalResult;
import io.vqtok.autoencoders.Evaluator;
import io.vqtok.autoencoders.ImageAutoencoderConfig;
import io.vqtok.autoencoders.ImageTokenizer;
import io.vqtok.autoencoders.StepReport;
import io.vqtok.autoencoders.TokenizerConfig;
import io.vqtok.autoencoders.Tokenizer;
import io.vqtok.autoencoders.TokenizerTrainer;
import io.vqtok.autoencoders.TrainingBatches;
import io.vqtok.autoencoders.TrainingRun;
import io.vqtok.autoencoders.TrainingStats;
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
    @Option(names = "--data", defaultValue = "fashion-mnist",
            description = "fashion-mnist | IDX directory | image folder | speech (data/speech) | audio folder with train/ and test/ WAVs (default: ${DEFAULT-VALUE})")
    String data;

    @Mixin
    QuantizerOptions quantizer;

    @Option(names = "--steps", description = "optimizer steps (default: 1000 for images, 2800 for audio)")
    Integer steps;

    @Option(names = "--batch", description = "images or audio segments per step (default: 128 images, 16 segments)")
    Integer batch;

    @Option(names = "--lr", description = "Adam's (peak) learning rate (default: 2e-3 for images, 1e-3 for audio)")
    Double lr;

    @Option(names = "--seed", defaultValue = "0", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--base-channels", description = "channels of the first conv (default: 32 for images, 16 for audio)")
    Integer baseChannels;

    @Option(names = "--sample-rate", description = "audio: the model's sample rate; files are resampled to it (default: 16000)")
    Integer sampleRate;

    @Option(names = "--segment", description = "audio: samples per training crop (default: 8000)")
    Integer segment;

    @Option(names = "--strides", split = ",", description = "audio: encoder strides; their product is the hop (default: 2,4,5,8)")
    int[] strides;

    @Option(names = "--residual-units", description = "audio: residual units per stride, dilations 1, 3, 9 (default: 3)")
    Integer residualUnits;

    @Option(names = "--encoder-residual-units", description = "audio: residual units per stride in the encoder, fewer for faster encoding (default: as --residual-units)")
    Integer encoderResidualUnits;

    @Option(names = "--spectral-loss", description = "audio: weight of the multi-resolution STFT loss (default: 0)")
    Double spectralLoss;

    @Option(names = "--activation", description = "audio: encoder/decoder nonlinearity elu | snake (default: elu)")
    String activation;

    @Option(names = "--mel-loss", description = "audio: weight of DAC's multi-scale log-mel L1 loss (7 scales, windows 32..2048) (default: 1)")
    Double melLoss;

    @Option(names = "--waveform-l1", description = "audio: weight of the waveform L1 loss (default: 1)")
    Double waveformL1;

    @Option(names = "--si-snr-loss", description = "audio: weight of the negative SI-SNR loss in dB, which asks for the input's phase (default: "
            + TrainConfig.SPEECH_SI_SNR_LOSS + ", the speech preset's; 0 turns it off)")
    Double siSnrLoss;

    @Option(names = "--si-snr-start", paramLabel = "STEP", description = "audio: switch the SI-SNR loss on after this step, its weight rising "
            + "linearly over the next " + TrainConfig.SI_SNR_RAMP_STEPS + " steps, so that the spectrum is learnt first (default: 0, from the first step)")
    Integer siSnrStart;

    @Option(names = "--warmup-steps", description = "linear learning-rate warm-up over N steps (default: 0 for images, 200 for audio)")
    Integer warmupSteps;

    @Option(names = "--lr-schedule", description = "learning rate after the warm-up: constant | cosine (to 0.1 of --lr at the last step) (default: constant for images, cosine for audio)")
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
        QuantizerConfig qc = quantizer.toConfig();
        if (melLoss != null || waveformL1 != null || spectralLoss != null || siSnrLoss != null || siSnrStart != null || encoderResidualUnits != null)
            throw new IllegalArgumentException("--mel-loss, --waveform-l1, --si-snr-loss, --si-snr-start, --spectral-loss and --encoder-residual-units apply to audio data only");
        TrainConfig tc = trainConfig(TrainConfig.images(seed));
        int batch = tc.batchSize(), steps = tc.steps();
        double lr = tc.learningRate();
        ImageDataset train = Data.open(data, Split.TRAIN, 0);
        ImageAutoencoderConfig ac = new ImageAutoencoderConfig(train.channels(), train.height(), train.width(),
                baseChannels == null ? 32 : baseChannels, downsampling, resBlocks, quantizer.dim);
        if (batch > train.size()) throw new IllegalArgumentException("--batch " + batch + " exceeds the " + train.size() + " training images");
        TokenizerConfig config = new TokenizerConfig(ac, qc);
        String description = train.description();
        TokenizerTrainer trainer = trainer(config, tc, description, () -> ImageTokenizer.create(config, seed));
        System.err.printf("vqtok train: %s on %s, %d steps x %d, lr %g, seed %d%n",
                qc.describe(), description, steps, batch, lr, seed);

        TrainingRun.Result run;
        try (TrainingBatches batches = TrainingBatches.images(train, tc); Progress progress = new Progress(steps, trainer.step(), "img/s", 1)) {
            run = TrainingRun.train(trainer, batches, out, progress.stats, progress);
        }
        ImageTokenizer tokenizer = (ImageTokenizer) run.tokenizer();
        TrainingStats stats = run.stats();
        double wallSeconds = run.wallSeconds();

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
        m.put("resumed_from_step", stats.startStep());
        m.put("batch", batch);
        m.put("lr", lr);
        m.put("seed", seed);
        m.put("train_img_per_s", Json.round(stats.unitsPerSecond(), 1));
        m.put("train_s", Json.round(wallSeconds, 1));
        m.put("final_train_loss", Json.round(stats.lastLoss(), 6));
        m.put("codes_reseeded", stats.reseeded());
        m.put("resident_memory", memory(stats));
        m.put("validation", Json.eval(validationEval));
        m.put("test", Json.eval(eval));
        m.put("encode_img_per_s", Json.round(encodeRate, 1));
        m.put("model", out.toString());
        m.put("log", run.log().toString());
        m.put("reconstructions", png.toString());
        String human = String.format("trained %s: %d steps in %.1f s, %.0f img/s (compute only), final loss %.5f, %d codes reseeded%n",
                qc.describe(), steps, wallSeconds, stats.unitsPerSecond(), stats.lastLoss(), stats.reseeded())
                + "validation: " + Json.human(validationEval) + "\n"
                + "test: " + Json.human(eval) + "\n"
                + String.format("encoding: %.0f img/s%n", encodeRate)
                + "model: " + out + "   reconstructions: " + png;
        return new Summary(m, human);
    }

    /**
     * The train config of this run: the modality's preset ({@link TrainConfig#images}, {@link TrainConfig#speechCodec}) with
     * what the flags name replaced.
     */
    TrainConfig trainConfig(TrainConfig preset) {
        TrainConfig tc = preset.withRun(steps != null ? steps : preset.steps(), batch != null ? batch : preset.batchSize(), lr != null ? lr : preset.learningRate(), checkpointEvery,
                keepCheckpoints);
        tc = tc.withAudioLosses(spectralLoss != null ? spectralLoss : tc.spectralLoss(), melLoss != null ? melLoss : tc.melLoss(),
                waveformL1 != null ? waveformL1 : tc.waveformL1());
        double siSnrWeight = siSnrLoss != null ? siSnrLoss : tc.siSnrLoss();   // the speech preset has a weight of its own
        if (siSnrStart != null && siSnrWeight == 0)
            throw new IllegalArgumentException("--si-snr-start " + siSnrStart + " needs a non-zero --si-snr-loss W (the weight it switches on)");
        if (siSnrLoss != null || siSnrStart != null) tc = tc.withSiSnrLoss(siSnrWeight, siSnrStart != null ? siSnrStart : tc.siSnrStart());
        return tc.withSchedule(warmupSteps != null ? warmupSteps : tc.warmupSteps(), lrSchedule != null ? schedule() : tc.schedule());
    }

    TrainConfig.Schedule schedule() {
        return switch (lrSchedule.toLowerCase(java.util.Locale.ROOT)) {
            case "constant" -> TrainConfig.Schedule.CONSTANT;
            case "cosine" -> TrainConfig.Schedule.COSINE;
            default -> throw new IllegalArgumentException("unknown --lr-schedule '" + lrSchedule + "'; expected constant or cosine");
        };
    }

    io.vqtok.autoencoders.AudioAutoencoderConfig.Activation activation(io.vqtok.autoencoders.AudioAutoencoderConfig.Activation preset) {
        if (activation == null) return preset;
        return switch (activation.toLowerCase(java.util.Locale.ROOT)) {
            case "elu" -> io.vqtok.autoencoders.AudioAutoencoderConfig.Activation.ELU;
            case "snake" -> io.vqtok.autoencoders.AudioAutoencoderConfig.Activation.SNAKE;
            default -> throw new IllegalArgumentException("unknown --activation '" + activation + "'; expected elu or snake");
        };
    }

    /** The trainer of this run ({@link TrainingRun#trainer}): resumed with {@code --resume}, else a fresh model. */
    TokenizerTrainer trainer(TokenizerConfig config, TrainConfig tc, String data, java.util.function.Supplier<Tokenizer> fresh) {
        return TrainingRun.trainer(out, resume, config, tc, data, fresh, note -> System.err.println("vqtok train: " + note));
    }

    /** Resident memory figures for the summary, in MB. */
    static Map<String, Object> memory(TrainingStats stats) {
        TrainingStats.Memory mem = stats.memory();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reference_step", mem.referenceStep());
        m.put("at_reference_mb", Math.round(mem.atReferenceBytes() / 1e6));
        m.put("end_mb", Math.round(mem.endBytes() / 1e6));
        m.put("peak_mb", Math.round(mem.peakBytes() / 1e6));
        m.put("growth", Json.round(mem.growth(), 3));
        return m;
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

    /** Progress bar on a terminal, a line every 10% otherwise (with an ETA); throughput from the run's {@link TrainingStats}. */
    static final class Progress implements TokenizerTrainer.Listener, AutoCloseable {
        private final ProgressBar bar;
        private final int total;
        private final long startStep;
        private final long startNanos = System.nanoTime();
        /** The run's stats, filled by {@link TrainingRun#train} before each step reaches this listener. */
        final TrainingStats stats;
        private final String unit;

        /** Throughput counts {@code perItem} units (e.g. seconds of audio) per batch item. */
        Progress(int total, long startStep, String unit, double perItem) {
            this.total = total;
            this.startStep = startStep;
            this.unit = unit;
            this.stats = new TrainingStats(startStep, total, perItem);
            this.bar = System.console() != null ? new ProgressBarBuilder().setTaskName("train").setInitialMax(total)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).setInitialMax(total)
                    .setConsumer(new ConsoleProgressBarConsumer(System.err)).build() : null;
        }

        @Override
        public void onStep(StepReport r) {
            String msg = String.format("loss %.4f mse %.4f use %.2f %.1f %s rss %d MB", r.loss(), r.reconstruction(), r.batchUsage(),
                    stats.unitsPerSecond(), unit, r.residentBytes() / 1_000_000);
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

        @Override
        public void close() {
            if (bar != null) bar.close();
        }
    }
}
