package io.vqtok.quantizers;

import io.vqtok.codebook.CodebookInit;

import static io.vqtok.quantizers.QuantizerConfig.require;

/**
 * Configuration of {@link IndexBackpropQuantizer} (IBQ, Shi et al. 2024).
 *
 * @param codebookSize     K codes
 * @param dim              D
 * @param beta             commitment weight β (0.25)
 * @param init             codebook initialisation
 * @param kmeansIterations Lloyd iterations when {@code init} is KMEANS
 * @param logits           what the softmax is taken over: the paper's inner products z·e, or negative squared
 *                         distances −‖z − e‖² (the nearest code wins, as in VQ); null reads as DOT
 * @param entropyWeight    weight of the entropy loss on softmax(τ⁻¹·logits) (0 for none; IBQ's configs use 0.05)
 * @param entropyInverseTemperature τ⁻¹ of that softmax (IBQ's configs: 100, temperature 0.01); used when the weight is &gt; 0
 */
public record IbqConfig(int codebookSize, int dim, double beta, CodebookInit init, int kmeansIterations, Logits logits,
                        double entropyWeight, double entropyInverseTemperature)
        implements QuantizerConfig {

    /** The scores whose softmax spreads gradient over all codes. */
    public enum Logits {
        /** l_k = z·e_k (Shi et al. 2024). */
        DOT,
        /** l_k = −‖z − e_k‖²: argmax is the nearest code. */
        DISTANCE
    }

    public IbqConfig {
        if (logits == null) logits = Logits.DOT;
        require(codebookSize >= 2, "codebook size must be >= 2, got " + codebookSize);
        require(dim >= 1, "code dimension must be >= 1, got " + dim);
        require(beta >= 0 && Double.isFinite(beta), "commitment weight beta must be finite and >= 0, got " + beta);
        require(init != null, "codebook init is required");
        require(kmeansIterations >= 0, "k-means iterations must be >= 0, got " + kmeansIterations);
        require(entropyWeight >= 0 && Double.isFinite(entropyWeight), "entropy weight must be finite and >= 0, got " + entropyWeight);
        require(entropyWeight == 0 || entropyInverseTemperature > 0 && Double.isFinite(entropyInverseTemperature),
                "entropy inverse temperature must be > 0, got " + entropyInverseTemperature);
    }

    /** Without an entropy loss. */
    public IbqConfig(int codebookSize, int dim, double beta, CodebookInit init, int kmeansIterations, Logits logits) {
        this(codebookSize, dim, beta, init, kmeansIterations, logits, 0, 0);
    }

    /** Inner-product logits, without an entropy loss. */
    public IbqConfig(int codebookSize, int dim, double beta, CodebookInit init, int kmeansIterations) {
        this(codebookSize, dim, beta, init, kmeansIterations, Logits.DOT);
    }

    /** β = 0.25, Gaussian init, inner-product logits, no entropy loss. */
    public static IbqConfig of(int codebookSize, int dim) {
        return new IbqConfig(codebookSize, dim, 0.25, CodebookInit.NORMAL, 10);
    }

    public IbqConfig withLogits(Logits l) {
        return new IbqConfig(codebookSize, dim, beta, init, kmeansIterations, l, entropyWeight, entropyInverseTemperature);
    }

    public IbqConfig withEntropy(double weight, double inverseTemperature) {
        return new IbqConfig(codebookSize, dim, beta, init, kmeansIterations, logits, weight, inverseTemperature);
    }

    @Override
    public IbqConfig withDim(int d) {
        return new IbqConfig(codebookSize, d, beta, init, kmeansIterations, logits, entropyWeight, entropyInverseTemperature);
    }

    @Override
    public Quantizer create(String prefix, long seed) {
        return new IndexBackpropQuantizer(this, prefix, seed);
    }

    @Override
    public String describe() {
        return "ibq K=" + codebookSize + " D=" + dim + " beta=" + beta + " init=" + init.name().toLowerCase() + (logits == Logits.DISTANCE ? " logits=distance" : "")
                + (entropyWeight > 0 ? " entropy=" + entropyWeight + "/" + entropyInverseTemperature : "");
    }
}
