package io.vqtok.quantizers;

import io.vqtok.codebook.ClusteredCodebookConfig;
import io.vqtok.codebook.CodebookInit;
import io.vqtok.codebook.ReseedConfig;

import static io.vqtok.quantizers.QuantizerConfig.require;

/**
 * Configuration of a gradient-trained nearest-neighbour quantizer ({@link VectorQuantizer} with the
 * straight-through estimator, {@link RotationTrickQuantizer} with the rotation trick).
 *
 * @param codebookSize     K codes
 * @param dim              D, the code dimension
 * @param beta             commitment weight β (0.25 in van den Oord et al. 2017)
 * @param estimator        how gradients cross the quantizer
 * @param init             codebook initialisation
 * @param kmeansIterations Lloyd iterations when {@code init} is KMEANS
 * @param reseed           dead-code reseeding (threshold replacement), OFF to disable
 * @param clustering       online clustered codebook updates (CVQ-VAE), OFF to disable; null reads as OFF
 * @param cosine           cosine-similarity codes: inputs and codes are l2-normalised before the lookup, and the
 *                         output is the unit-length code (Yu et al. 2022, ViT-VQGAN)
 */
public record VectorQuantizerConfig(int codebookSize, int dim, double beta, Estimator estimator,
                                    CodebookInit init, int kmeansIterations, ReseedConfig reseed,
                                    ClusteredCodebookConfig clustering, boolean cosine)
        implements QuantizerConfig {

    /** Gradient estimator across the non-differentiable nearest-neighbour step. */
    public enum Estimator {
        /** z + sg(q − z) (Bengio et al. 2013; van den Oord et al. 2017). */
        STRAIGHT_THROUGH,
        /** sg(‖q‖/‖z‖ · R) z, R rotating z onto q (Fifty et al. 2024). */
        ROTATION
    }

    public VectorQuantizerConfig {
        require(codebookSize >= 2, "codebook size must be >= 2, got " + codebookSize);
        require(dim >= 1, "code dimension must be >= 1, got " + dim);
        require(beta >= 0 && Double.isFinite(beta), "commitment weight beta must be finite and >= 0, got " + beta);
        require(estimator != null, "estimator is required");
        require(init != null, "codebook init is required");
        require(kmeansIterations >= 0, "k-means iterations must be >= 0, got " + kmeansIterations);
        require(reseed != null, "reseed config is required (ReseedConfig.OFF to disable)");
        require(reseed.grace() == 0, "a reseed grace applies to EMA codebooks (ema), whose cluster sizes are the usage; got " + reseed.grace());
        if (clustering == null) clustering = ClusteredCodebookConfig.OFF;
    }

    /** Euclidean codes. */
    public VectorQuantizerConfig(int codebookSize, int dim, double beta, Estimator estimator, CodebookInit init,
                                 int kmeansIterations, ReseedConfig reseed, ClusteredCodebookConfig clustering) {
        this(codebookSize, dim, beta, estimator, init, kmeansIterations, reseed, clustering, false);
    }

    /** Euclidean codes, without online clustering. */
    public VectorQuantizerConfig(int codebookSize, int dim, double beta, Estimator estimator, CodebookInit init,
                                 int kmeansIterations, ReseedConfig reseed) {
        this(codebookSize, dim, beta, estimator, init, kmeansIterations, reseed, ClusteredCodebookConfig.OFF, false);
    }

    /** Plain VQ: straight-through, β = 0.25, uniform init, no reseeding. */
    public static VectorQuantizerConfig of(int codebookSize, int dim) {
        return new VectorQuantizerConfig(codebookSize, dim, 0.25, Estimator.STRAIGHT_THROUGH, CodebookInit.UNIFORM, 10, ReseedConfig.OFF);
    }

    public VectorQuantizerConfig withEstimator(Estimator e) {
        return new VectorQuantizerConfig(codebookSize, dim, beta, e, init, kmeansIterations, reseed, clustering, cosine);
    }

    public VectorQuantizerConfig withInit(CodebookInit i) {
        return new VectorQuantizerConfig(codebookSize, dim, beta, estimator, i, kmeansIterations, reseed, clustering, cosine);
    }

    public VectorQuantizerConfig withReseed(ReseedConfig r) {
        return new VectorQuantizerConfig(codebookSize, dim, beta, estimator, init, kmeansIterations, r, clustering, cosine);
    }

    public VectorQuantizerConfig withCodebookSize(int k) {
        return new VectorQuantizerConfig(k, dim, beta, estimator, init, kmeansIterations, reseed, clustering, cosine);
    }

    public VectorQuantizerConfig withClustering(ClusteredCodebookConfig c) {
        return new VectorQuantizerConfig(codebookSize, dim, beta, estimator, init, kmeansIterations, reseed, c, cosine);
    }

    public VectorQuantizerConfig withCosine(boolean c) {
        return new VectorQuantizerConfig(codebookSize, dim, beta, estimator, init, kmeansIterations, reseed, clustering, c);
    }

    @Override
    public VectorQuantizerConfig withDim(int d) {
        return new VectorQuantizerConfig(codebookSize, d, beta, estimator, init, kmeansIterations, reseed, clustering, cosine);
    }

    @Override
    public Quantizer create(String prefix, long seed) {
        return estimator == Estimator.ROTATION ? new RotationTrickQuantizer(this, prefix, seed) : new VectorQuantizer(this, prefix, seed);
    }

    @Override
    public String describe() {
        return (clustering.enabled() ? "cvq" : estimator == Estimator.ROTATION ? "rotation" : "vq") + " K=" + codebookSize + " D=" + dim
                + " beta=" + beta + " init=" + init.name().toLowerCase()
                + (reseed.enabled() ? " reseed<" + reseed.threshold() : "")
                + (clustering.enabled() ? " cvq=" + clustering.anchor().name().toLowerCase() : "")
                + (cosine ? " cosine" : "");
    }
}
