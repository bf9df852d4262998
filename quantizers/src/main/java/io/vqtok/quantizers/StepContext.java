package io.vqtok.quantizers;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one training step computes for its quantizers outside the autodiff graph: the assignments fed to the graph
 * as placeholders (by {@link Quantizer#prepare}), and the inputs and indices each quantizer application saw, which
 * {@link Quantizer#afterStep} uses for its state update (EMA statistics, dead-code reseeding, online clustering).
 *
 * <p>A quantizer applied several times in one graph (a codebook shared by residual stages or groups) is prepared
 * once per application, in the order of its applications in the graph.
 */
public final class StepContext {
    private final long step;
    private final Map<String, INDArray> placeholders = new LinkedHashMap<>();
    private final Map<Quantizer, List<Observation>> observations = new IdentityHashMap<>();

    /** One application of a quantizer: its input rows z {@code [N, D]} (as quantized, e.g. l2-normalised) and their codes. */
    public record Observation(INDArray z, int[] indices) {
    }

    /** A context for optimizer step {@code step} (1-based; 0 outside training): random draws of the step are keyed by it. */
    public StepContext(long step) {
        this.step = step;
    }

    /** A context outside training (step 0). */
    public StepContext() {
        this(0);
    }

    /** The optimizer step this context prepares (1-based; 0 outside training). */
    public long step() {
        return step;
    }

    /** Feeds a graph placeholder. */
    public void feed(String name, INDArray value) {
        if (placeholders.putIfAbsent(name, value) != null)
            throw new IllegalStateException("placeholder '" + name + "' fed twice in one step");
    }

    /** Records one application of {@code quantizer}; returns its position (0 for the first application). */
    public int observe(Quantizer quantizer, INDArray z, int[] indices) {
        List<Observation> list = observations.computeIfAbsent(quantizer, q -> new ArrayList<>());
        list.add(new Observation(z, indices));
        return list.size() - 1;
    }

    /** How many applications of {@code quantizer} were recorded so far. */
    public int applications(Quantizer quantizer) {
        return observations.getOrDefault(quantizer, List.of()).size();
    }

    /** The placeholders to feed, by name. */
    public Map<String, INDArray> placeholders() {
        return Collections.unmodifiableMap(placeholders);
    }

    /** The applications of {@code quantizer} recorded in this step, in order (empty when none). */
    public List<Observation> observations(Quantizer quantizer) {
        return Collections.unmodifiableList(observations.getOrDefault(quantizer, List.of()));
    }

    /** All applications of {@code quantizer} as one batch: rows concatenated in application order. */
    public Observation pooled(Quantizer quantizer) {
        List<Observation> list = observations(quantizer);
        if (list.isEmpty()) throw new IllegalStateException("quantizer " + quantizer.prefix() + " was not prepared in this step");
        if (list.size() == 1) return list.get(0);
        int total = 0;
        for (Observation o : list) total += o.indices().length;
        int[] all = new int[total];
        int at = 0;
        INDArray[] zs = new INDArray[list.size()];
        for (int i = 0; i < list.size(); i++) {
            int[] v = list.get(i).indices();
            System.arraycopy(v, 0, all, at, v.length);
            at += v.length;
            zs[i] = list.get(i).z();
        }
        return new Observation(org.nd4j.linalg.factory.Nd4j.concat(0, zs), all);
    }
}
