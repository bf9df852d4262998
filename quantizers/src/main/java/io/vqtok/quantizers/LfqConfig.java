package io.vqtok.quantizers;

import static io.vqtok.quantizers.QuantizerConfig.require;

/**
 * Configuration of {@link LookupFreeQuantizer} (LFQ, MAGVIT-v2).
 *
 * @param bits            d binary channels; the implicit codebook has 2^d codes
 * @param dim             D, the dimension of the vectors quantized (projected to d channels and back)
 * @param entropyWeight   weight of the entropy auxiliary loss (0.1 in MAGVIT-v2 / vector-quantize-pytorch)
 * @param diversityGamma  weight γ of the codebook entropy inside it (1.0)
 * @param commitment      commitment weight β (0.25)
 * @param inverseTemperature scale of the code logits 2·h·c used for the entropy terms (100)
 */
public record LfqConfig(int bits, int dim, double entropyWeight, double diversityGamma, double commitment,
                        double inverseTemperature) implements QuantizerConfig {
    public LfqConfig {
        // 1 bit would reduce over a size-1 axis, which ND4J 1.0.0-M2.1 executes wrongly (NPE)
        require(bits >= 2 && bits <= 16, "LFQ bits must be in [2, 16], got " + bits);
        require(dim >= 1, "dimension must be >= 1, got " + dim);
        require(entropyWeight >= 0 && Double.isFinite(entropyWeight), "entropy weight must be finite and >= 0, got " + entropyWeight);
        require(diversityGamma >= 0 && Double.isFinite(diversityGamma), "diversity gamma must be finite and >= 0, got " + diversityGamma);
        require(commitment >= 0 && Double.isFinite(commitment), "commitment weight must be finite and >= 0, got " + commitment);
        require(inverseTemperature > 0 && Double.isFinite(inverseTemperature), "inverse temperature must be > 0, got " + inverseTemperature);
    }

    /** The defaults of MAGVIT-v2 for a codebook of 2^bits codes. */
    public static LfqConfig of(int bits, int dim) {
        return new LfqConfig(bits, dim, 0.1, 1.0, 0.25, 100);
    }

    /**
     * The settings vqtok recommends (and {@code vqtok train --quantizer lfq} uses): MAGVIT-v2's entropy loss with a light
     * commitment β = 0.01 and inverse temperature 3, chosen on the Fashion-MNIST validation split (two seeds; BENCHMARKS.md).
     */
    public static LfqConfig recommended(int bits, int dim) {
        return new LfqConfig(bits, dim, 0.1, 1.0, 0.01, 3);
    }

    /** The number of bits whose codebook is closest to {@code codebookSize} (rounded up to a power of two). */
    public static int bitsFor(int codebookSize) {
        require(codebookSize >= 2, "codebook size must be >= 2, got " + codebookSize);
        return 32 - Integer.numberOfLeadingZeros(codebookSize - 1);
    }

    public int codebookSize() {
        return 1 << bits;
    }

    @Override
    public LfqConfig withDim(int d) {
        return new LfqConfig(bits, d, entropyWeight, diversityGamma, commitment, inverseTemperature);
    }

    @Override
    public Quantizer create(String prefix, long seed) {
        return new LookupFreeQuantizer(this, prefix, seed);
    }

    @Override
    public String describe() {
        return "lfq bits=" + bits + " (K=" + codebookSize() + ") D=" + dim + " entropy=" + entropyWeight;
    }
}
