package io.vqtok.quantizers;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What quantizers built from other quantizers (residual, grouped) do with their parts' state. */
final class Composite {
    private Composite() {
    }

    /** Runs every part's state update; returns the codes reseeded in all of them. */
    static int afterStep(List<Quantizer> parts, long step, StepContext context) {
        int reseeded = 0;
        for (Quantizer q : parts) reseeded += q.afterStep(step, context);
        return reseeded;
    }

    /** Whether any part assigns outside the graph. */
    static boolean assignsOutsideGraph(List<Quantizer> parts) {
        return parts.stream().anyMatch(Quantizer::assignsOutsideGraph);
    }

    /** All parts' parameters, in part order. */
    static Map<String, INDArray> parameters(List<Quantizer> parts) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (Quantizer q : parts) m.putAll(q.parameters());
        return m;
    }

    /** All parts' buffers, in part order. */
    static Map<String, INDArray> buffers(List<Quantizer> parts) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (Quantizer q : parts) m.putAll(q.buffers());
        return m;
    }

    /** All parts' training state, in part order. */
    static Map<String, INDArray> trainingState(List<Quantizer> parts) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        for (Quantizer q : parts) m.putAll(q.trainingState());
        return m;
    }

    /** Gives each part the entries of a {@link #trainingState} snapshot under its prefix; an entry no part claims is an error. */
    static void loadTrainingState(List<Quantizer> parts, Map<String, INDArray> saved) {
        Map<String, INDArray> rest = new LinkedHashMap<>(saved);
        for (Quantizer q : parts) {
            Map<String, INDArray> mine = new LinkedHashMap<>();
            rest.entrySet().removeIf(e -> {
                if (!e.getKey().startsWith(q.prefix())) return false;
                mine.put(e.getKey(), e.getValue());
                return true;
            });
            q.loadTrainingState(mine);
        }
        if (!rest.isEmpty()) throw new IllegalArgumentException("unexpected training state " + rest.keySet());
    }
}
