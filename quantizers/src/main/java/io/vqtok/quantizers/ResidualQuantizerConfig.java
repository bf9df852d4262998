package io.vqtok.quantizers;

import static io.vqtok.quantizers.QuantizerConfig.require;

/**
 * Configuration of {@link ResidualQuantizer}: Q stages of one quantizer, each quantizing what the
 * previous stages left (Zeghidour et al. 2021; Lee et al. 2022).
 *
 * @param stage  configuration of every stage (each stage gets its own state); not itself residual
 * @param stages Q ≥ 1
 */
public record ResidualQuantizerConfig(QuantizerConfig stage, int stages) implements QuantizerConfig {
    public ResidualQuantizerConfig {
        require(stage != null, "residual quantizer needs a stage configuration");
        require(!(stage instanceof ResidualQuantizerConfig), "a residual stage cannot itself be residual");
        require(stages >= 1 && stages <= 64, "residual stages must be in [1, 64], got " + stages);
    }

    @Override
    public int dim() {
        return stage.dim();
    }

    @Override
    public ResidualQuantizerConfig withDim(int d) {
        return new ResidualQuantizerConfig(stage.withDim(d), stages);
    }

    @Override
    public Quantizer create(String prefix, long seed) {
        return new ResidualQuantizer(this, prefix, seed);
    }

    @Override
    public String describe() {
        return "residual Q=" + stages + " x [" + stage.describe() + "]";
    }
}
