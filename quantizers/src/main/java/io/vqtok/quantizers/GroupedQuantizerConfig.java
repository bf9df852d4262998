package io.vqtok.quantizers;

import static io.vqtok.quantizers.QuantizerConfig.require;

/**
 * Configuration of {@link GroupedQuantizer}: the D channels split into G groups of D/G, each quantized
 * by {@code group} (multi-head VQ), with one codebook shared by all groups or one per group.
 *
 * @param group  configuration of one group's quantizer (dimension D/G, one index channel)
 * @param groups G ≥ 1
 * @param shared whether all groups share one quantizer and its codebook
 */
public record GroupedQuantizerConfig(QuantizerConfig group, int groups, boolean shared) implements QuantizerConfig {
    public GroupedQuantizerConfig {
        require(group != null, "grouped quantizer needs a group configuration");
        require(groups >= 1 && groups <= 256, "groups must be in [1, 256], got " + groups);
        require(!(group instanceof ResidualQuantizerConfig) && !(group instanceof GroupedQuantizerConfig),
                "a group quantizer must have one index channel (not residual or grouped)");
    }

    /** Splits dimension {@code dim} into {@code groups} groups of {@code group} (whose dimension is replaced by dim/groups). */
    public static GroupedQuantizerConfig of(QuantizerConfig group, int dim, int groups, boolean shared) {
        require(groups >= 1 && dim % groups == 0, groups + " groups do not divide the dimension " + dim);
        return new GroupedQuantizerConfig(group.withDim(dim / groups), groups, shared);
    }

    @Override
    public int dim() {
        return group.dim() * groups;
    }

    @Override
    public GroupedQuantizerConfig withDim(int d) {
        return of(group, d, groups, shared);
    }

    @Override
    public Quantizer create(String prefix, long seed) {
        return new GroupedQuantizer(this, prefix, seed);
    }

    @Override
    public String describe() {
        return "grouped G=" + groups + (shared ? " shared" : " separate") + " x [" + group.describe() + "]";
    }
}
