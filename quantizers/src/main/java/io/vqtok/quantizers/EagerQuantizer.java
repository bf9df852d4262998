package io.vqtok.quantizers;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A quantizer applied outside any training graph, the way {@code quantized, indices, loss = vq(x)} works in
 * vector-quantize-pytorch: z {@code [N, D]} in, the quantized vectors {@code [N, D]}, the INT32 indices
 * {@code [N, C]} and each named loss term's value out. It runs the quantizer's own training-graph definition (one small
 * SameDiff graph built once, sharing the quantizer's live arrays) with the assignment training would use (nearest
 * code; Sinkhorn's plan) and the deterministic step inputs (no quantizer dropout), and changes no state: EMA
 * statistics, usage and reseeding are updated only by a trainer's {@code afterStep}. Not thread-safe; one per thread.
 */
public final class EagerQuantizer {
    /** What one application gives: the quantized vectors {@code [N, D]}, indices INT32 {@code [N, C]} and the loss terms. */
    public record Output(INDArray quantized, INDArray indices, Map<String, Double> losses) {
        public Output {
            losses = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(losses));
        }

        /** The sum of the loss terms (0 for a quantizer without any, e.g. FSQ). */
        public double totalLoss() {
            return losses.values().stream().mapToDouble(Double::doubleValue).sum();
        }
    }

    private final Quantizer quantizer;
    private final SameDiff sd;
    private final GraphQuantization graph;
    private final String[] outputs;

    /** Builds the graph of {@code quantizer} once. */
    public EagerQuantizer(Quantizer quantizer) {
        this.quantizer = quantizer;
        this.sd = SameDiff.create();
        SDVariable z = sd.placeHolder("z", DataType.FLOAT, -1, quantizer.dim());
        this.graph = quantizer.quantize(sd, z);
        List<String> names = new ArrayList<>(List.of(graph.quantized().name(), graph.indices().name()));
        for (SDVariable l : graph.losses().values()) names.add(l.name());
        this.outputs = names.toArray(new String[0]);
    }

    /** The quantizer applied. */
    public Quantizer quantizer() {
        return quantizer;
    }

    /** Quantizes z {@code [N, D]}. */
    public Output apply(INDArray z) {
        if (z.rank() != 2 || z.size(1) != quantizer.dim())
            throw new IllegalArgumentException("expected z of shape [N, " + quantizer.dim() + "], got " + java.util.Arrays.toString(z.shape()));
        if (z.size(0) == 0) throw new IllegalArgumentException("cannot quantize an empty batch");
        INDArray x = z.castTo(DataType.FLOAT);
        Map<String, INDArray> feed = new HashMap<>(quantizer.stepInputs(0, (int) x.size(0), 1, false));
        StepContext context = new StepContext();
        if (quantizer.assignsOutsideGraph()) quantizer.prepare(x, context);
        feed.putAll(context.placeholders());
        feed.put("z", x);
        Map<String, INDArray> out = sd.output(feed, outputs);
        Map<String, Double> losses = new LinkedHashMap<>();
        graph.losses().forEach((name, v) -> losses.put(name, out.get(v.name()).getDouble(0)));
        INDArray idx = out.get(graph.indices().name());
        idx = idx.reshape(x.size(0), quantizer.indexChannels()).castTo(DataType.INT32);
        return new Output(out.get(graph.quantized().name()).dup(), idx, losses);
    }
}
