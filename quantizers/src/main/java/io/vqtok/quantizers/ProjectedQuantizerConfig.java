package io.vqtok.quantizers;

import static io.vqtok.quantizers.QuantizerConfig.require;

/**
 * Configuration of {@link ProjectedQuantizer}: a quantizer working in a low-dimensional code space
 * (Yu et al. 2022, ViT-VQGAN's factorized codes), with linear maps D → d before it and d → D after it.
 *
 * @param inner the quantizer of the d-dimensional codes (d = inner.dim() &lt; dim); not itself projected
 * @param dim   D, the dimension of the vectors quantized
 */
public record ProjectedQuantizerConfig(QuantizerConfig inner, int dim) implements QuantizerConfig {
    public ProjectedQuantizerConfig {
        require(inner != null, "projected quantizer needs an inner configuration");
        require(!(inner instanceof ProjectedQuantizerConfig), "projections do not nest");
        require(dim >= 1, "dimension must be >= 1, got " + dim);
        require(inner.dim() < dim, "code dimension " + inner.dim() + " must be smaller than the input dimension " + dim);
    }

    @Override
    public ProjectedQuantizerConfig withDim(int d) {
        return new ProjectedQuantizerConfig(inner, d);
    }

    @Override
    public Quantizer create(String prefix, long seed) {
        return new ProjectedQuantizer(this, prefix, seed);
    }

    @Override
    public String describe() {
        return inner.describe() + " projected from D=" + dim;
    }
}
