package io.vqtok.quantizers;

import static io.vqtok.quantizers.QuantizerConfig.require;

/**
 * Configuration of {@link SimVectorQuantizer} (SimVQ, Zhu et al. 2024).
 *
 * @param codebookSize K codes
 * @param dim          D
 * @param beta         commitment weight (the codebook term has weight 1)
 * @param bias         whether the linear map has a bias
 * @param estimator    gradient estimator across the lookup; null reads as straight-through (the paper's)
 */
public record SimVqConfig(int codebookSize, int dim, double beta, boolean bias, VectorQuantizerConfig.Estimator estimator)
        implements QuantizerConfig {
    public SimVqConfig {
        if (estimator == null) estimator = VectorQuantizerConfig.Estimator.STRAIGHT_THROUGH;
        require(codebookSize >= 2, "codebook size must be >= 2, got " + codebookSize);
        require(dim >= 1, "code dimension must be >= 1, got " + dim);
        require(beta >= 0 && Double.isFinite(beta), "commitment weight beta must be finite and >= 0, got " + beta);
    }

    /** Straight-through. */
    public SimVqConfig(int codebookSize, int dim, double beta, boolean bias) {
        this(codebookSize, dim, beta, bias, VectorQuantizerConfig.Estimator.STRAIGHT_THROUGH);
    }

    /** β = 0.25, no bias, straight-through. */
    public static SimVqConfig of(int codebookSize, int dim) {
        return new SimVqConfig(codebookSize, dim, 0.25, false);
    }

    public SimVqConfig withEstimator(VectorQuantizerConfig.Estimator e) {
        return new SimVqConfig(codebookSize, dim, beta, bias, e);
    }

    @Override
    public SimVqConfig withDim(int d) {
        return new SimVqConfig(codebookSize, d, beta, bias, estimator);
    }

    @Override
    public Quantizer create(String prefix, long seed) {
        return new SimVectorQuantizer(this, prefix, seed);
    }

    @Override
    public String describe() {
        return "simvq K=" + codebookSize + " D=" + dim + " beta=" + beta + (bias ? " bias" : "")
                + (estimator == VectorQuantizerConfig.Estimator.ROTATION ? " rotation" : "");
    }
}
