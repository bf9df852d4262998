package io.vqtok.quantizers;

import java.util.Arrays;
import java.util.stream.Collectors;

import static io.vqtok.quantizers.QuantizerConfig.require;

/**
 * Configuration of {@link FiniteScalarQuantizer} (Mentzer et al. 2023): the number of levels of each of
 * the d = {@code levels.length} bounded scalar channels, and the dimension D projected to and from them.
 *
 * @param levels quantization levels per channel, each ≥ 2; the implicit codebook has ∏ levels codes
 * @param dim    D, the dimension of the vectors quantized
 */
public record FsqConfig(int[] levels, int dim) implements QuantizerConfig {

    /** The paper's recommended levels for target codebook sizes 2^8, 2^10, 2^12, 2^14, 2^16 (Table 1). */
    public static final int[][] PRESETS = {{8, 6, 5}, {8, 5, 5, 5}, {7, 5, 5, 5, 5}, {8, 8, 8, 6, 5}, {8, 8, 8, 5, 5, 5}};

    public FsqConfig {
        require(levels != null && levels.length >= 1, "FSQ needs at least one level");
        levels = levels.clone();
        long k = 1;
        for (int l : levels) {
            require(l >= 2, "every FSQ level must be >= 2, got " + Arrays.toString(levels));
            k *= l;
            require(k <= Integer.MAX_VALUE / 2, "FSQ codebook " + Arrays.toString(levels) + " is too large");
        }
        require(dim >= 1, "code dimension must be >= 1, got " + dim);
    }

    /** The preset whose implicit codebook is closest to (and not above twice) the requested size. */
    public static FsqConfig preset(int codebookSize, int dim) {
        int[] best = PRESETS[0];
        for (int[] p : PRESETS) {
            if (Math.abs(Math.log(product(p)) - Math.log(codebookSize)) < Math.abs(Math.log(product(best)) - Math.log(codebookSize)))
                best = p;
        }
        return new FsqConfig(best, dim);
    }

    static long product(int[] levels) {
        long k = 1;
        for (int l : levels) k *= l;
        return k;
    }

    /** Size of the implicit codebook, ∏ levels. */
    public int codebookSize() {
        return (int) product(levels);
    }

    @Override
    public int[] levels() {
        return levels.clone();
    }

    @Override
    public FsqConfig withDim(int d) {
        return new FsqConfig(levels, d);
    }

    @Override
    public Quantizer create(String prefix, long seed) {
        return new FiniteScalarQuantizer(this, prefix, seed);
    }

    @Override
    public String describe() {
        return "fsq levels=" + Arrays.stream(levels).mapToObj(Integer::toString).collect(Collectors.joining(","))
                + " (K=" + codebookSize() + ") D=" + dim;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FsqConfig f && f.dim == dim && Arrays.equals(f.levels, levels);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(levels) + dim;
    }

    @Override
    public String toString() {
        return "FsqConfig[levels=" + Arrays.toString(levels) + ", dim=" + dim + "]";
    }
}
