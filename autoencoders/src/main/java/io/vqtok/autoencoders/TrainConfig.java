package io.vqtok.autoencoders;

/**
 * How to train a tokenizer.
 *
 * @param steps           optimizer steps
 * @param batchSize       images per step
 * @param learningRate    Adam learning rate (β1 0.9, β2 0.999, ε 1e-8)
 * @param seed            seed of data order and quantizer randomness
 * @param checkpointEvery save a checkpoint every this many steps (0: only at the end)
 * @param spectralLoss    weight of the multi-resolution STFT loss added to the MSE (audio only; 0 for none)
 */
public record TrainConfig(int steps, int batchSize, double learningRate, long seed, int checkpointEvery, double spectralLoss) {
    public TrainConfig {
        if (!(spectralLoss >= 0 && Double.isFinite(spectralLoss)))
            throw new IllegalArgumentException("spectral loss weight must be finite and >= 0, got " + spectralLoss);
        if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        if (!(learningRate > 0 && learningRate < 1)) throw new IllegalArgumentException("learning rate must be in (0, 1), got " + learningRate);
        if (checkpointEvery < 0) throw new IllegalArgumentException("checkpoint interval must be >= 0, got " + checkpointEvery);
    }

    /** Without a spectral loss. */
    public TrainConfig(int steps, int batchSize, double learningRate, long seed, int checkpointEvery) {
        this(steps, batchSize, learningRate, seed, checkpointEvery, 0);
    }
}
