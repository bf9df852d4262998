package io.vqtok.quantizers;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * Configuration of a quantizer: an immutable record, validated at construction, that builds the
 * quantizer and is saved with every model (serialised with a "type" tag).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = VectorQuantizerConfig.class, name = "vq"),
        @JsonSubTypes.Type(value = EmaQuantizerConfig.class, name = "ema"),
        @JsonSubTypes.Type(value = FsqConfig.class, name = "fsq"),
        @JsonSubTypes.Type(value = SimVqConfig.class, name = "simvq"),
        @JsonSubTypes.Type(value = SinkhornConfig.class, name = "sinkhorn"),
        @JsonSubTypes.Type(value = LfqConfig.class, name = "lfq"),
        @JsonSubTypes.Type(value = IbqConfig.class, name = "ibq"),
        @JsonSubTypes.Type(value = ResidualQuantizerConfig.class, name = "residual"),
        @JsonSubTypes.Type(value = ProjectedQuantizerConfig.class, name = "projected"),
        @JsonSubTypes.Type(value = GroupedQuantizerConfig.class, name = "grouped")
})
public sealed interface QuantizerConfig
        permits VectorQuantizerConfig, EmaQuantizerConfig, FsqConfig, SimVqConfig, SinkhornConfig, LfqConfig, IbqConfig, ResidualQuantizerConfig,
        ProjectedQuantizerConfig, GroupedQuantizerConfig {

    /** Dimension D of the vectors quantized. */
    int dim();

    /** A copy of this configuration for vectors of dimension {@code dim}. */
    QuantizerConfig withDim(int dim);

    /** Builds the quantizer; {@code prefix} names its variables, {@code seed} drives its random initialisation. */
    Quantizer create(String prefix, long seed);

    /** Short human-readable description, e.g. "vq K=512 D=64". */
    String describe();

    static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}
