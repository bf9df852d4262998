package io.vqtok.quantizers;

import io.vqtok.codebook.CodebookInit;
import io.vqtok.codebook.ReseedConfig;

import static io.vqtok.quantizers.QuantizerConfig.require;

/**
 * Configuration of {@link SinkhornQuantizer} (OptVQ-style optimal-transport assignment during training).
 *
 * @param codebookSize K codes
 * @param dim          D
 * @param beta         commitment weight β
 * @param init         codebook initialisation
 * @param epsilon      ε &gt; 0 of Q = exp(−ε·A) on the normalised cost, or 0 (the default) for the automatic choice of
 *                     {@link io.vqtok.codebook.SinkhornAssignment#epsilonFor}: OptVQ's 10 where a batch has at least
 *                     as many vectors as codes, 100 where it has fewer
 * @param iterations   Sinkhorn iterations ≥ 1 (default 5)
 * @param warmStart    start each step's scalings from the previous step's column scaling (see {@link
 *                     io.vqtok.codebook.SinkhornAssignment#SinkhornAssignment(double, int, boolean)}); false in saved
 *                     models that predate it
 * @param draw         draw each row's code from its plan row (OptVQ's {@code use_prob}: every code is assigned its 1/K
 *                     share in expectation) instead of taking the row's argmax (the default: at K=8192 on Fashion-MNIST,
 *                     drawing from this kernel's nearly flat early rows assigns codes almost at random and training
 *                     stalls at MSE 0.086; BENCHMARKS.md)
 * @param codeMap      learn the codes as a map of the codebook, E = C·W + b (OptVQ's {@code use_proj}; C, W and b all
 *                     trained, W = I and b = 0 at the start), so that every code moves whenever W or b does; false in saved
 *                     models that predate it
 */
public record SinkhornConfig(int codebookSize, int dim, double beta, CodebookInit init, double epsilon, int iterations,
                             boolean warmStart, boolean draw, boolean codeMap)
        implements QuantizerConfig {
    public SinkhornConfig {
        require(codebookSize >= 2, "codebook size must be >= 2, got " + codebookSize);
        require(dim >= 1, "code dimension must be >= 1, got " + dim);
        require(beta >= 0 && Double.isFinite(beta), "commitment weight beta must be finite and >= 0, got " + beta);
        require(init != null, "codebook init is required");
        require(epsilon >= 0 && Double.isFinite(epsilon), "Sinkhorn epsilon must be > 0, or 0 for the automatic choice, got " + epsilon);
        require(iterations >= 1 && iterations <= 1000, "Sinkhorn iterations must be in [1, 1000], got " + iterations);
    }

    /** Each step starts cold; each row takes its plan row's argmax; the codes are the codebook's rows (no code map). */
    public SinkhornConfig(int codebookSize, int dim, double beta, CodebookInit init, double epsilon, int iterations) {
        this(codebookSize, dim, beta, init, epsilon, iterations, false, false, false);
    }

    /** No code map. */
    public SinkhornConfig(int codebookSize, int dim, double beta, CodebookInit init, double epsilon, int iterations,
                          boolean warmStart, boolean draw) {
        this(codebookSize, dim, beta, init, epsilon, iterations, warmStart, draw, false);
    }

    /** β = 0.25, uniform init, ε chosen per batch (0), 5 iterations, each step cold, the code map on. */
    public static SinkhornConfig of(int codebookSize, int dim) {
        return new SinkhornConfig(codebookSize, dim, 0.25, CodebookInit.UNIFORM, 0, 5, false, false, true);
    }

    /** The nearest-neighbour settings shared with {@link VectorQuantizer}. */
    VectorQuantizerConfig base() {
        return new VectorQuantizerConfig(codebookSize, dim, beta, VectorQuantizerConfig.Estimator.STRAIGHT_THROUGH, init, 10, ReseedConfig.OFF);
    }

    @Override
    public SinkhornConfig withDim(int d) {
        return new SinkhornConfig(codebookSize, d, beta, init, epsilon, iterations, warmStart, draw, codeMap);
    }

    @Override
    public Quantizer create(String prefix, long seed) {
        return new SinkhornQuantizer(this, prefix, seed);
    }

    @Override
    public String describe() {
        return "sinkhorn K=" + codebookSize + " D=" + dim + " beta=" + beta + " eps=" + (epsilon > 0 ? String.valueOf(epsilon) : "auto") + " iters=" + iterations
                + " init=" + init.name().toLowerCase() + (warmStart ? " warm-start" : "") + (draw ? " draw" : "") + (codeMap ? " code-map" : "");
    }
}
