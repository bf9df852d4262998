package io.vqtok.quantizers;

import static io.vqtok.quantizers.QuantizerConfig.require;

/**
 * Configuration of {@link ResidualQuantizer}: Q stages of one quantizer, each quantizing what the
 * previous stages left (Zeghidour et al. 2021; Lee et al. 2022).
 *
 * @param stage       configuration of every stage (each stage gets its own state); not itself residual
 * @param stages      Q ≥ 1
 * @param dropout     quantizer dropout in training (SoundStream; DAC per sample), so that decoding with the
 *                    first n stages works for every n; null reads as NONE
 * @param dropoutRate probability that a batch (BATCH) or a sample (SAMPLE) keeps only its first n ~ U{1..Q} stages
 */
public record ResidualQuantizerConfig(QuantizerConfig stage, int stages, Dropout dropout, double dropoutRate)
        implements QuantizerConfig {

    /** Quantizer dropout mode. */
    public enum Dropout {
        /** Every stage always used. */
        NONE,
        /** One n for the whole batch. */
        BATCH,
        /** An n per sample (DAC). */
        SAMPLE
    }

    public ResidualQuantizerConfig {
        require(stage != null, "residual quantizer needs a stage configuration");
        require(!(stage instanceof ResidualQuantizerConfig), "a residual stage cannot itself be residual");
        require(stages >= 1 && stages <= 64, "residual stages must be in [1, 64], got " + stages);
        if (dropout == null) dropout = Dropout.NONE;
        require(dropoutRate >= 0 && dropoutRate <= 1, "quantizer dropout rate must be in [0, 1], got " + dropoutRate);
    }

    /** Without quantizer dropout. */
    public ResidualQuantizerConfig(QuantizerConfig stage, int stages) {
        this(stage, stages, Dropout.NONE, 0);
    }

    public ResidualQuantizerConfig withDropout(Dropout mode, double rate) {
        return new ResidualQuantizerConfig(stage, stages, mode, rate);
    }

    @Override
    public int dim() {
        return stage.dim();
    }

    @Override
    public ResidualQuantizerConfig withDim(int d) {
        return new ResidualQuantizerConfig(stage.withDim(d), stages, dropout, dropoutRate);
    }

    @Override
    public Quantizer create(String prefix, long seed) {
        return new ResidualQuantizer(this, prefix, seed);
    }

    @Override
    public String describe() {
        return "residual Q=" + stages + (dropout == Dropout.NONE ? "" : " dropout=" + dropout.name().toLowerCase() + ":" + dropoutRate)
                + " x [" + stage.describe() + "]";
    }
}
