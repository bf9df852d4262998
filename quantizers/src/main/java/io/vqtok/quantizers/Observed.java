package io.vqtok.quantizers;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The graph values a codebook's state update needs (its inputs z {@code [N, D]} and their indices {@code [N]}),
 * remembered by name for each application of the quantizer in the latest graph it was added to.
 */
final class Observed {
    private SameDiff graph;
    private final List<String> inputs = new ArrayList<>();
    private final List<String> indices = new ArrayList<>();

    /** One application's z and indices, with the values of all applications concatenated row-wise. */
    record Batch(INDArray z, int[] indices) {
    }

    /** Remembers one application in {@code sd}; returns the names the trainer must fetch after each step. */
    List<String> add(SameDiff sd, SDVariable z, SDVariable idx) {
        if (sd != graph) {
            graph = sd;
            inputs.clear();
            indices.clear();
        }
        inputs.add(z.name());
        indices.add(idx.name());
        return List.of(z.name(), idx.name());
    }

    /** The inputs and indices of every application, read from the step's values. */
    Batch collect(String prefix, Map<String, INDArray> values) {
        if (inputs.isEmpty()) throw new IllegalStateException("quantizer " + prefix + " was not added to a training graph");
        List<INDArray> zs = new ArrayList<>();
        List<int[]> idx = new ArrayList<>();
        int total = 0;
        for (int i = 0; i < inputs.size(); i++) {
            INDArray z = values.get(inputs.get(i));
            INDArray ix = values.get(indices.get(i));
            if (z == null || ix == null) throw new IllegalStateException("quantizer " + prefix + " did not get its observed values");
            zs.add(z);
            int[] v = ix.toIntVector();
            idx.add(v);
            total += v.length;
        }
        if (zs.size() == 1) return new Batch(zs.get(0), idx.get(0));
        int[] all = new int[total];
        int at = 0;
        for (int[] v : idx) {
            System.arraycopy(v, 0, all, at, v.length);
            at += v.length;
        }
        return new Batch(Nd4j.concat(0, zs.toArray(INDArray[]::new)), all);
    }
}
