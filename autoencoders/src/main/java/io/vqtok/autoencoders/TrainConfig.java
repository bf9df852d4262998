package io.vqtok.autoencoders;

/**
 * How to train a tokenizer.
 *
 * @param steps           optimizer steps in total: a trainer stops when its step count reaches this (a resumed run
 *                        continues to it)
 * @param batchSize       images per step
 * @param learningRate    Adam learning rate (β1 0.9, β2 0.999, ε 1e-8)
 * @param seed            seed of the model's initialisation, the data order and the per-step randomness
 * @param checkpointEvery when training with a checkpoint file, save a checkpoint every this many steps and at the last
 *                        step (0: no checkpoints)
 * @param spectralLoss    weight of the multi-resolution STFT loss added to the MSE (audio only; 0 for none)
 * @param keepCheckpoints how many checkpoints to keep: the latest, plus older ones renamed {@code <file>.<step>}
 */
public record TrainConfig(int steps, int batchSize, double learningRate, long seed, int checkpointEvery, double spectralLoss,
                          int keepCheckpoints) {
    /** Checkpoints kept unless configured otherwise. */
    public static final int DEFAULT_KEEP_CHECKPOINTS = 2;

    public TrainConfig {
        if (keepCheckpoints < 1) throw new IllegalArgumentException("checkpoints to keep must be >= 1, got " + keepCheckpoints);
        if (!(spectralLoss >= 0 && Double.isFinite(spectralLoss)))
            throw new IllegalArgumentException("spectral loss weight must be finite and >= 0, got " + spectralLoss);
        if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        if (!(learningRate > 0 && learningRate < 1)) throw new IllegalArgumentException("learning rate must be in (0, 1), got " + learningRate);
        if (checkpointEvery < 0) throw new IllegalArgumentException("checkpoint interval must be >= 0, got " + checkpointEvery);
    }

    /** Keeping {@link #DEFAULT_KEEP_CHECKPOINTS} checkpoints. */
    public TrainConfig(int steps, int batchSize, double learningRate, long seed, int checkpointEvery, double spectralLoss) {
        this(steps, batchSize, learningRate, seed, checkpointEvery, spectralLoss, DEFAULT_KEEP_CHECKPOINTS);
    }

    /** Without a spectral loss. */
    public TrainConfig(int steps, int batchSize, double learningRate, long seed, int checkpointEvery) {
        this(steps, batchSize, learningRate, seed, checkpointEvery, 0);
    }

    /** The settings a resumed run must share with the run that wrote the checkpoint, as "name value" differences. */
    java.util.List<String> resumeDifferences(TrainConfig saved) {
        java.util.List<String> d = new java.util.ArrayList<>();
        if (batchSize != saved.batchSize) d.add("batch size " + saved.batchSize + " (checkpoint) vs " + batchSize + " (now)");
        if (learningRate != saved.learningRate) d.add("learning rate " + saved.learningRate + " (checkpoint) vs " + learningRate + " (now)");
        if (seed != saved.seed) d.add("seed " + saved.seed + " (checkpoint) vs " + seed + " (now)");
        if (spectralLoss != saved.spectralLoss) d.add("spectral loss weight " + saved.spectralLoss + " (checkpoint) vs " + spectralLoss + " (now)");
        return d;
    }
}
