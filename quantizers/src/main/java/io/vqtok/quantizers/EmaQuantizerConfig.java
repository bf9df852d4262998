package io.vqtok.quantizers;

import io.vqtok.codebook.ClusteredCodebookConfig;
import io.vqtok.codebook.CodebookInit;
import io.vqtok.codebook.ReseedConfig;

import static io.vqtok.quantizers.QuantizerConfig.require;

/**
 * Configuration of {@link EmaVectorQuantizer}: a codebook updated by exponential moving averages.
 *
 * @param codebookSize     K codes
 * @param dim              D
 * @param beta             commitment weight β
 * @param decay            EMA decay γ in (0, 1), typically 0.99
 * @param eps              Laplace smoothing ε &gt; 0, typically 1e-5
 * @param init             codebook initialisation
 * @param kmeansIterations Lloyd iterations when {@code init} is KMEANS
 * @param reseed           dead-code reseeding, OFF to disable
 * @param clustering       online clustered codebook updates (CVQ-VAE) applied after each EMA update, OFF to disable;
 *                         null reads as OFF
 * @param cosine           cosine-similarity codes: inputs and codes l2-normalised (codes renormalised after each update)
 * @param affine           codes kept in standardised coordinates and mapped to the inputs' per-dimension mean and
 *                         deviation: those of the step's batch in training, their running averages otherwise
 *                         ({@link EmaVectorQuantizer}; Huh et al. 2023's affine re-parameterisation), so that the codebook
 *                         follows an encoder whose outputs shift and scale between steps; not with {@code cosine}.
 *                         Experimental, not offered by the CLI: the running averages lag an encoder that still moves, and
 *                         a 150-step speech model assigned its validation frames to 0.6% of the codes (BENCHMARKS.md)
 */
public record EmaQuantizerConfig(int codebookSize, int dim, double beta, double decay, double eps,
                                 CodebookInit init, int kmeansIterations, ReseedConfig reseed,
                                 ClusteredCodebookConfig clustering, boolean cosine, boolean affine) implements QuantizerConfig {
    public EmaQuantizerConfig {
        if (clustering == null) clustering = ClusteredCodebookConfig.OFF;
        require(codebookSize >= 2, "codebook size must be >= 2, got " + codebookSize);
        require(dim >= 1, "code dimension must be >= 1, got " + dim);
        require(beta >= 0 && Double.isFinite(beta), "commitment weight beta must be finite and >= 0, got " + beta);
        require(decay > 0 && decay < 1, "EMA decay must be in (0, 1), got " + decay);
        require(eps > 0 && Double.isFinite(eps), "Laplace epsilon must be > 0, got " + eps);
        require(init != null, "codebook init is required");
        require(kmeansIterations >= 0, "k-means iterations must be >= 0, got " + kmeansIterations);
        require(reseed != null, "reseed config is required (ReseedConfig.OFF to disable)");
        require(!(affine && cosine), "an affine codebook cannot also be cosine (unit-length codes have no per-dimension scale)");
    }

    /** Without the affine re-parameterisation. */
    public EmaQuantizerConfig(int codebookSize, int dim, double beta, double decay, double eps, CodebookInit init,
                              int kmeansIterations, ReseedConfig reseed, ClusteredCodebookConfig clustering, boolean cosine) {
        this(codebookSize, dim, beta, decay, eps, init, kmeansIterations, reseed, clustering, cosine, false);
    }

    /** Euclidean codes, without online clustering. */
    public EmaQuantizerConfig(int codebookSize, int dim, double beta, double decay, double eps, CodebookInit init,
                              int kmeansIterations, ReseedConfig reseed) {
        this(codebookSize, dim, beta, decay, eps, init, kmeansIterations, reseed, ClusteredCodebookConfig.OFF, false);
    }

    /** β = 0.25, decay 0.99, ε = 1e-5, uniform init, no reseeding. */
    public static EmaQuantizerConfig of(int codebookSize, int dim) {
        return new EmaQuantizerConfig(codebookSize, dim, 0.25, 0.99, 1e-5, CodebookInit.UNIFORM, 10, ReseedConfig.OFF);
    }

    public EmaQuantizerConfig withInit(CodebookInit i) {
        return new EmaQuantizerConfig(codebookSize, dim, beta, decay, eps, i, kmeansIterations, reseed, clustering, cosine, affine);
    }

    public EmaQuantizerConfig withReseed(ReseedConfig r) {
        return new EmaQuantizerConfig(codebookSize, dim, beta, decay, eps, init, kmeansIterations, r, clustering, cosine, affine);
    }

    public EmaQuantizerConfig withDecay(double d) {
        return new EmaQuantizerConfig(codebookSize, dim, beta, d, eps, init, kmeansIterations, reseed, clustering, cosine, affine);
    }

    public EmaQuantizerConfig withCodebookSize(int k) {
        return new EmaQuantizerConfig(k, dim, beta, decay, eps, init, kmeansIterations, reseed, clustering, cosine, affine);
    }

    public EmaQuantizerConfig withClustering(ClusteredCodebookConfig c) {
        return new EmaQuantizerConfig(codebookSize, dim, beta, decay, eps, init, kmeansIterations, reseed, c, cosine, affine);
    }

    public EmaQuantizerConfig withCosine(boolean c) {
        return new EmaQuantizerConfig(codebookSize, dim, beta, decay, eps, init, kmeansIterations, reseed, clustering, c, affine);
    }

    public EmaQuantizerConfig withAffine(boolean a) {
        return new EmaQuantizerConfig(codebookSize, dim, beta, decay, eps, init, kmeansIterations, reseed, clustering, cosine, a);
    }

    @Override
    public EmaQuantizerConfig withDim(int d) {
        return new EmaQuantizerConfig(codebookSize, d, beta, decay, eps, init, kmeansIterations, reseed, clustering, cosine, affine);
    }

    @Override
    public Quantizer create(String prefix, long seed) {
        return new EmaVectorQuantizer(this, prefix, seed);
    }

    @Override
    public String describe() {
        return "ema K=" + codebookSize + " D=" + dim + " beta=" + beta + " decay=" + decay + " init="
                + init.name().toLowerCase() + (reseed.enabled() ? " reseed<" + reseed.threshold() + (reseed.grace() > 0 ? " grace=" + reseed.grace() : "") : "")
                + (clustering.enabled() ? " cvq=" + clustering.anchor().name().toLowerCase() : "") + (cosine ? " cosine" : "") + (affine ? " affine" : "");
    }
}
