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
 * @param project whether learned maps project D to d and back; false quantizes z itself (then D must equal d), as
 *                the stages of a residual FSQ do inside one shared projection. Null reads as true.
 */
public record FsqConfig(int[] levels, int dim, Boolean project) implements QuantizerConfig {

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
        if (project == null) project = Boolean.TRUE;
        require(project || dim == levels.length, "FSQ without projection quantizes its input directly, so its dimension ("
                + dim + ") must equal the number of levels (" + levels.length + ")");
    }

    /** With projections from D to d = |levels| and back. */
    public FsqConfig(int[] levels, int dim) {
        this(levels, dim, Boolean.TRUE);
    }

    /** The same levels quantizing d-dimensional vectors directly, with no projection. */
    public FsqConfig unprojected() {
        return new FsqConfig(levels, levels.length, Boolean.FALSE);
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

    /**
     * Levels for {@code codebookSize} codes: exactly that many for a power of two (channels of 8 levels, with 4s
     * making up the rest: 512 = 8·8·8, 2048 = 8·8·8·4, 8192 = 8·8·8·4·4), otherwise the nearest paper preset.
     */
    public static FsqConfig forCodebookSize(int codebookSize, int dim) {
        require(codebookSize >= 2, "codebook size must be >= 2, got " + codebookSize);
        if (Integer.bitCount(codebookSize) != 1) return preset(codebookSize, dim);
        int bits = Integer.numberOfTrailingZeros(codebookSize);
        if (bits == 1) return new FsqConfig(new int[]{2}, dim);
        int eights = bits / 3, fours = 0;
        switch (bits % 3) {
            case 1 -> { eights -= 1; fours = 2; }
            case 2 -> fours = 1;
            default -> { }
        }
        int[] levels = new int[eights + fours];
        java.util.Arrays.fill(levels, 0, eights, 8);
        java.util.Arrays.fill(levels, eights, levels.length, 4);
        return new FsqConfig(levels, dim);
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
        return new FsqConfig(levels, d, !project && d == levels.length ? Boolean.FALSE : Boolean.TRUE);
    }

    @Override
    public Quantizer create(String prefix, long seed) {
        return new FiniteScalarQuantizer(this, prefix, seed);
    }

    @Override
    public String describe() {
        return "fsq levels=" + Arrays.stream(levels).mapToObj(Integer::toString).collect(Collectors.joining(","))
                + " (K=" + codebookSize() + ") D=" + dim + (project ? "" : " unprojected");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FsqConfig f && f.dim == dim && Arrays.equals(f.levels, levels) && f.project.equals(project);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(levels) + dim) + project.hashCode();
    }

    @Override
    public String toString() {
        return "FsqConfig[levels=" + Arrays.toString(levels) + ", dim=" + dim + ", project=" + project + "]";
    }
}
