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
 * @param sharedCodebook all stages use one codebook (vq, rotation, cvq, ema or sinkhorn stages): one set of
 *                    parameters, updated from every stage's assignments
 * @param scaleStages residual FSQ (Mentzer et al. 2023; vector-quantize-pytorch's ResidualFSQ): stage l (0-based)
 *                    quantizes the residual multiplied by (L_j − 1)^l per channel and its output is divided back,
 *                    so each stage's grid is L_j − 1 times finer than the last; needs unprojected FSQ stages
 */
public record ResidualQuantizerConfig(QuantizerConfig stage, int stages, Dropout dropout, double dropoutRate,
                                      boolean sharedCodebook, boolean scaleStages)
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
        require(!sharedCodebook || stage instanceof VectorQuantizerConfig || stage instanceof EmaQuantizerConfig
                        || stage instanceof SinkhornConfig,
                "a codebook shared across residual stages needs vq, rotation, cvq, ema or sinkhorn stages, got " + stage.describe());
        require(!(sharedCodebook && stage instanceof EmaQuantizerConfig e && e.affine()),
                "a codebook shared across residual stages cannot be affine (each stage's inputs have their own mean and scale)");
        require(!scaleStages || stage instanceof FsqConfig f && !f.project(),
                "scaled residual stages need unprojected FSQ stages (FsqConfig.unprojected()), got " + stage.describe());
    }

    /** Separate codebooks, unscaled stages. */
    public ResidualQuantizerConfig(QuantizerConfig stage, int stages, Dropout dropout, double dropoutRate) {
        this(stage, stages, dropout, dropoutRate, false, false);
    }

    /** Without quantizer dropout. */
    public ResidualQuantizerConfig(QuantizerConfig stage, int stages) {
        this(stage, stages, Dropout.NONE, 0);
    }

    /**
     * Residual FSQ as in vector-quantize-pytorch: Q scaled stages of {@code levels} inside one learned projection
     * from {@code dim} to |levels| channels and back.
     */
    public static ProjectedQuantizerConfig residualFsq(int[] levels, int stages, int dim) {
        FsqConfig stage = new FsqConfig(levels, levels.length, Boolean.FALSE);
        return new ProjectedQuantizerConfig(new ResidualQuantizerConfig(stage, stages, Dropout.NONE, 0, false, true), dim);
    }

    public ResidualQuantizerConfig withDropout(Dropout mode, double rate) {
        return new ResidualQuantizerConfig(stage, stages, mode, rate, sharedCodebook, scaleStages);
    }

    public ResidualQuantizerConfig withSharedCodebook(boolean shared) {
        return new ResidualQuantizerConfig(stage, stages, dropout, dropoutRate, shared, scaleStages);
    }

    @Override
    public int dim() {
        return stage.dim();
    }

    @Override
    public ResidualQuantizerConfig withDim(int d) {
        return new ResidualQuantizerConfig(stage.withDim(d), stages, dropout, dropoutRate, sharedCodebook, scaleStages);
    }

    @Override
    public Quantizer create(String prefix, long seed) {
        return new ResidualQuantizer(this, prefix, seed);
    }

    @Override
    public String describe() {
        return "residual Q=" + stages + (sharedCodebook ? " shared" : "") + (scaleStages ? " scaled" : "") + (dropout == Dropout.NONE ? "" : " dropout=" + dropout.name().toLowerCase() + ":" + dropoutRate)
                + " x [" + stage.describe() + "]";
    }
}
