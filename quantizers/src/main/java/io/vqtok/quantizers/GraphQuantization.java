package io.vqtok.quantizers;

import org.nd4j.autodiff.samediff.SDVariable;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a quantizer adds to a training graph.
 *
 * @param quantized the quantized vectors {@code [N, D]} carrying the quantizer's gradient estimator
 * @param indices   code indices, INT64 {@code [N]} for one index channel or {@code [N, Q]} for Q channels (for
 *                  quantizers that assign outside the graph, the fed assignment)
 * @param losses    named scalar loss terms to add to the training objective (e.g. "codebook",
 *                  "commitment"), in a stable order
 */
public record GraphQuantization(SDVariable quantized, SDVariable indices, Map<String, SDVariable> losses) {
    public GraphQuantization {
        losses = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(losses));
    }
}
