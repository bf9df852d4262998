package io.vqtok.autoencoders;

/**
 * How to train a tokenizer.
 *
 * <p>The loss is the reconstruction MSE plus the quantizer's terms plus, for audio, the weighted terms below. The
 * learning rate rises linearly over {@code warmupSteps} (from lr / warmupSteps at the first step) and then stays
 * constant or, with {@link Schedule#COSINE}, follows a half cosine down to {@link #COSINE_FLOOR} of its peak at the
 * last step.
 *
 * @param steps           optimizer steps in total: a trainer stops when its step count reaches this (a resumed run
 *                        continues to it)
 * @param batchSize       images per step
 * @param learningRate    Adam's peak learning rate (β1 0.9, β2 0.999, ε 1e-8)
 * @param seed            seed of the model's initialisation, the data order and the per-step randomness
 * @param checkpointEvery when training with a checkpoint file, save a checkpoint every this many steps and at the last
 *                        step (0: no checkpoints)
 * @param spectralLoss    weight of the multi-resolution STFT loss (audio only; 0 for none)
 * @param keepCheckpoints how many checkpoints to keep: the latest, plus older ones renamed {@code <file>.<step>}
 * @param melLoss         weight of the multi-scale log-mel L1 loss, DAC's definition ({@link MultiScaleMelLoss}; audio
 *                        only; 0 for none)
 * @param waveformL1      weight of the waveform L1 loss mean |x − x̂| (audio only; 0 for none)
 * @param warmupSteps     steps of linear learning-rate warm-up (0 for none)
 * @param schedule        the learning rate after the warm-up (null, as in checkpoints written before it existed, means
 *                        constant)
 * @param siSnrLoss       weight of the negative SI-SNR in dB ({@link SiSnrLoss}; audio only; 0 for none, as in checkpoints
 *                        written before it existed)
 * @param siSnrStart      the step after which the SI-SNR term is switched on: its weight is 0 up to this step, then rises
 *                        linearly to {@code siSnrLoss} over {@link #SI_SNR_RAMP_STEPS} steps ({@link #siSnrWeightAt}; 0, as
 *                        in checkpoints written before it existed, for the full weight from the first step)
 */
public record TrainConfig(int steps, int batchSize, double learningRate, long seed, int checkpointEvery, double spectralLoss,
                          int keepCheckpoints, double melLoss, double waveformL1, int warmupSteps, Schedule schedule,
                          double siSnrLoss, int siSnrStart) {
    /** Steps over which a late SI-SNR term ({@code siSnrStart > 0}) rises from 0 to its weight. */
    public static final int SI_SNR_RAMP_STEPS = 200;
    /** Checkpoints kept unless configured otherwise. */
    public static final int DEFAULT_KEEP_CHECKPOINTS = 2;
    /** The fraction of the peak learning rate a cosine schedule ends at. */
    public static final double COSINE_FLOOR = 0.1;

    /** The learning rate after the warm-up. */
    public enum Schedule {
        /** The peak rate to the end. */
        CONSTANT,
        /** A half cosine from the peak at the end of the warm-up to {@link #COSINE_FLOOR} of it at the last step. */
        COSINE
    }

    public TrainConfig {
        if (schedule == null) schedule = Schedule.CONSTANT;
        if (keepCheckpoints < 1) throw new IllegalArgumentException("checkpoints to keep must be >= 1, got " + keepCheckpoints);
        checkWeight("spectral loss", spectralLoss);
        checkWeight("mel loss", melLoss);
        checkWeight("waveform L1 loss", waveformL1);
        checkWeight("SI-SNR loss", siSnrLoss);
        if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        if (!(learningRate > 0 && learningRate < 1)) throw new IllegalArgumentException("learning rate must be in (0, 1), got " + learningRate);
        if (checkpointEvery < 0) throw new IllegalArgumentException("checkpoint interval must be >= 0, got " + checkpointEvery);
        if (warmupSteps < 0 || warmupSteps > steps)
            throw new IllegalArgumentException("warm-up steps must be in [0, steps = " + steps + "], got " + warmupSteps);
        if (siSnrStart < 0) throw new IllegalArgumentException("SI-SNR start step must be >= 0, got " + siSnrStart);
        if (siSnrStart > 0 && siSnrLoss == 0)
            throw new IllegalArgumentException("an SI-SNR start step (" + siSnrStart + ") needs an SI-SNR loss weight > 0");
    }

    /** Without an SI-SNR start step: the SI-SNR term, if any, at full weight from the first step. */
    public TrainConfig(int steps, int batchSize, double learningRate, long seed, int checkpointEvery, double spectralLoss,
                       int keepCheckpoints, double melLoss, double waveformL1, int warmupSteps, Schedule schedule, double siSnrLoss) {
        this(steps, batchSize, learningRate, seed, checkpointEvery, spectralLoss, keepCheckpoints, melLoss, waveformL1, warmupSteps, schedule,
                siSnrLoss, 0);
    }

    private static void checkWeight(String what, double w) {
        if (!(w >= 0 && Double.isFinite(w))) throw new IllegalArgumentException(what + " weight must be finite and >= 0, got " + w);
    }

    /** Without an SI-SNR term. */
    public TrainConfig(int steps, int batchSize, double learningRate, long seed, int checkpointEvery, double spectralLoss,
                       int keepCheckpoints, double melLoss, double waveformL1, int warmupSteps, Schedule schedule) {
        this(steps, batchSize, learningRate, seed, checkpointEvery, spectralLoss, keepCheckpoints, melLoss, waveformL1, warmupSteps, schedule, 0);
    }

    /** Without mel or waveform L1 terms, warm-up or decay. */
    public TrainConfig(int steps, int batchSize, double learningRate, long seed, int checkpointEvery, double spectralLoss, int keepCheckpoints) {
        this(steps, batchSize, learningRate, seed, checkpointEvery, spectralLoss, keepCheckpoints, 0, 0, 0, Schedule.CONSTANT);
    }

    /** Keeping {@link #DEFAULT_KEEP_CHECKPOINTS} checkpoints. */
    public TrainConfig(int steps, int batchSize, double learningRate, long seed, int checkpointEvery, double spectralLoss) {
        this(steps, batchSize, learningRate, seed, checkpointEvery, spectralLoss, DEFAULT_KEEP_CHECKPOINTS);
    }

    /** Without a spectral loss. */
    public TrainConfig(int steps, int batchSize, double learningRate, long seed, int checkpointEvery) {
        this(steps, batchSize, learningRate, seed, checkpointEvery, 0);
    }

    /** The image default: 1000 steps of batch 128, Adam 2e-3 constant, a checkpoint every 250 steps. */
    public static TrainConfig images(long seed) {
        return new TrainConfig(1000, 128, 2e-3, seed, 250, 0, DEFAULT_KEEP_CHECKPOINTS);
    }

    /** The speech preset's weight of the negative SI-SNR loss (in dB): the term that asks for the input's phase. */
    public static final double SPEECH_SI_SNR_LOSS = 0.1;

    /**
     * The speech codec default (issue #11's benchmark recipe: DAC's non-adversarial ablation plus a light SI-SNR term):
     * 2800 steps of 16 crops, Adam 1e-3 warmed up over 200 steps then cosine, multi-scale mel loss 1, waveform L1 1 and
     * {@value #SPEECH_SI_SNR_LOSS} × the negative SI-SNR in dB beside the MSE, no STFT loss, a checkpoint every 250 steps.
     * (Without the SI-SNR term the waveform's phase is not learnt: SI-SNR −17.6 dB at 4 kbps against +5.8 with it.)
     */
    public static TrainConfig speechCodec(long seed) {
        return new TrainConfig(2800, 16, 1e-3, seed, 250, 0, DEFAULT_KEEP_CHECKPOINTS, 1, 1, 200, Schedule.COSINE, SPEECH_SI_SNR_LOSS, 0);
    }

    /** This config with {@code steps}, {@code batchSize}, {@code learningRate} and {@code checkpointEvery} replaced. */
    public TrainConfig withRun(int steps, int batchSize, double learningRate, int checkpointEvery, int keepCheckpoints) {
        return new TrainConfig(steps, batchSize, learningRate, seed, checkpointEvery, spectralLoss, keepCheckpoints, melLoss, waveformL1,
                Math.min(warmupSteps, steps), schedule, siSnrLoss, siSnrStart);
    }

    /** This config with the audio loss weights {@code mel} and {@code waveformL1}. */
    public TrainConfig withAudioLosses(double spectral, double mel, double waveformL1) {
        return new TrainConfig(steps, batchSize, learningRate, seed, checkpointEvery, spectral, keepCheckpoints, mel, waveformL1, warmupSteps, schedule,
                siSnrLoss, siSnrStart);
    }

    /** This config with the weight of the negative SI-SNR term (and its start step unchanged). */
    public TrainConfig withSiSnrLoss(double weight) {
        return withSiSnrLoss(weight, siSnrStart);
    }

    /** This config with the weight of the negative SI-SNR term and the step after which it is switched on. */
    public TrainConfig withSiSnrLoss(double weight, int start) {
        return new TrainConfig(steps, batchSize, learningRate, seed, checkpointEvery, spectralLoss, keepCheckpoints, melLoss, waveformL1, warmupSteps,
                schedule, weight, start);
    }

    /**
     * The SI-SNR term's weight at step {@code step} (1-based): {@code siSnrLoss} throughout when {@code siSnrStart} is 0;
     * otherwise 0 up to step {@code siSnrStart}, then {@code siSnrLoss · (step − siSnrStart) / SI_SNR_RAMP_STEPS}, up
     * to {@code siSnrLoss}.
     */
    public double siSnrWeightAt(long step) {
        if (siSnrStart == 0) return siSnrLoss;
        if (step <= siSnrStart) return 0;
        return siSnrLoss * Math.min(1.0, (step - siSnrStart) / (double) SI_SNR_RAMP_STEPS);
    }

    /** This config with a learning-rate warm-up and schedule. */
    public TrainConfig withSchedule(int warmupSteps, Schedule schedule) {
        return new TrainConfig(steps, batchSize, learningRate, seed, checkpointEvery, spectralLoss, keepCheckpoints, melLoss, waveformL1, warmupSteps, schedule,
                siSnrLoss, siSnrStart);
    }

    /** The learning rate of step {@code step} (1-based). */
    public double learningRateAt(long step) {
        if (warmupSteps > 0 && step <= warmupSteps) return learningRate * step / warmupSteps;
        if (schedule == Schedule.CONSTANT || steps <= warmupSteps) return learningRate;
        double progress = Math.min(1.0, (step - warmupSteps) / (double) (steps - warmupSteps));
        return learningRate * (COSINE_FLOOR + (1 - COSINE_FLOOR) * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }

    /** The settings a resumed run must share with the run that wrote the checkpoint, as "name value" differences. */
    java.util.List<String> resumeDifferences(TrainConfig saved) {
        java.util.List<String> d = new java.util.ArrayList<>();
        if (batchSize != saved.batchSize) d.add("batch size " + saved.batchSize + " (checkpoint) vs " + batchSize + " (now)");
        if (learningRate != saved.learningRate) d.add("learning rate " + saved.learningRate + " (checkpoint) vs " + learningRate + " (now)");
        if (seed != saved.seed) d.add("seed " + saved.seed + " (checkpoint) vs " + seed + " (now)");
        if (spectralLoss != saved.spectralLoss) d.add("spectral loss weight " + saved.spectralLoss + " (checkpoint) vs " + spectralLoss + " (now)");
        if (melLoss != saved.melLoss) d.add("mel loss weight " + saved.melLoss + " (checkpoint) vs " + melLoss + " (now)");
        if (waveformL1 != saved.waveformL1) d.add("waveform L1 weight " + saved.waveformL1 + " (checkpoint) vs " + waveformL1 + " (now)");
        if (siSnrLoss != saved.siSnrLoss) d.add("SI-SNR loss weight " + saved.siSnrLoss + " (checkpoint) vs " + siSnrLoss + " (now)");
        if (siSnrStart != saved.siSnrStart) d.add("SI-SNR start step " + saved.siSnrStart + " (checkpoint) vs " + siSnrStart + " (now)");
        if (warmupSteps != saved.warmupSteps) d.add("warm-up steps " + saved.warmupSteps + " (checkpoint) vs " + warmupSteps + " (now)");
        if (schedule != saved.schedule) d.add("learning-rate schedule " + saved.schedule + " (checkpoint) vs " + schedule + " (now)");
        // a cosine's every step depends on the total, so a run with other steps would not continue the same curve
        else if (schedule == Schedule.COSINE && steps != saved.steps)
            d.add("steps " + saved.steps + " (checkpoint) vs " + steps + " (now), which a cosine schedule depends on");
        return d;
    }
}
