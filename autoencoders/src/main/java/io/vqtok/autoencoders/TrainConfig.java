package io.vqtok.autoencoders;

/**
 * How to train a tokenizer.
 *
 * @param steps           optimizer steps
 * @param batchSize       images per step
 * @param learningRate    Adam learning rate (β1 0.9, β2 0.999, ε 1e-8)
 * @param seed            seed of data order and quantizer randomness
 * @param checkpointEvery save a checkpoint every this many steps (0: only at the end)
 */
public record TrainConfig(int steps, int batchSize, double learningRate, long seed, int checkpointEvery) {
    public TrainConfig {
        if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        if (!(learningRate > 0 && learningRate < 1)) throw new IllegalArgumentException("learning rate must be in (0, 1), got " + learningRate);
        if (checkpointEvery < 0) throw new IllegalArgumentException("checkpoint interval must be >= 0, got " + checkpointEvery);
    }
}
