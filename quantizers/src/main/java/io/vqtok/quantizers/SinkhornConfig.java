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
 * @param epsilon      ε &gt; 0 of Q = exp(−ε·A) on the normalised cost (default 10)
 * @param iterations   Sinkhorn iterations ≥ 1 (default 5)
 * @param warmStart    start each step's scalings from the previous step's column scaling (see {@link
 *                     io.vqtok.codebook.SinkhornAssignment#SinkhornAssignment(double, int, boolean)}); false in saved
 *                     models that predate it
 * @param argmax       assign each row to the argmax of its plan row instead of drawing it from the row (OptVQ's
 *                     {@code use_prob}; drawing is the default: a code's 1/K share of the plan is what it is assigned in
 *                     expectation, where the argmax leaves codes that are nobody's largest share unassigned)
 */
public record SinkhornConfig(int codebookSize, int dim, double beta, CodebookInit init, double epsilon, int iterations,
                             boolean warmStart, boolean argmax)
        implements QuantizerConfig {
    public SinkhornConfig {
        require(codebookSize >= 2, "codebook size must be >= 2, got " + codebookSize);
        require(dim >= 1, "code dimension must be >= 1, got " + dim);
        require(beta >= 0 && Double.isFinite(beta), "commitment weight beta must be finite and >= 0, got " + beta);
        require(init != null, "codebook init is required");
        require(epsilon > 0 && Double.isFinite(epsilon), "Sinkhorn epsilon must be > 0, got " + epsilon);
        require(iterations >= 1 && iterations <= 1000, "Sinkhorn iterations must be in [1, 1000], got " + iterations);
    }

    /** Each step starts cold; codes drawn from the plan. */
    public SinkhornConfig(int codebookSize, int dim, double beta, CodebookInit init, double epsilon, int iterations) {
        this(codebookSize, dim, beta, init, epsilon, iterations, false, false);
    }

    /** β = 0.25, uniform init, ε = 10, 5 iterations, each step cold. */
    public static SinkhornConfig of(int codebookSize, int dim) {
        return new SinkhornConfig(codebookSize, dim, 0.25, CodebookInit.UNIFORM, 10, 5);
    }

    /** The nearest-neighbour settings shared with {@link VectorQuantizer}. */
    VectorQuantizerConfig base() {
        return new VectorQuantizerConfig(codebookSize, dim, beta, VectorQuantizerConfig.Estimator.STRAIGHT_THROUGH, init, 10, ReseedConfig.OFF);
    }

    @Override
    public SinkhornConfig withDim(int d) {
        return new SinkhornConfig(codebookSize, d, beta, init, epsilon, iterations, warmStart, argmax);
    }

    @Override
    public Quantizer create(String prefix, long seed) {
        return new SinkhornQuantizer(this, prefix, seed);
    }

    @Override
    public String describe() {
        return "sinkhorn K=" + codebookSize + " D=" + dim + " beta=" + beta + " eps=" + epsilon + " iters=" + iterations
                + " init=" + init.name().toLowerCase() + (warmStart ? " warm-start" : "") + (argmax ? " argmax" : "");
    }
}
