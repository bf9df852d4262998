package io.vqtok.quantizers;

import io.vqtok.codebook.RandomArrays;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * A learned affine map x·W + b from {@code [N, in]} to {@code [N, out]}, as used to project into and out of
 * a quantizer's code space. W {@code [in, out]} and b {@code [out]} start from U(±1/√in) (PyTorch's Linear)
 * and are live arrays shared by every graph the map is added to.
 */
final class LinearMap {
    private final String name;
    private final INDArray w;
    private final INDArray b;

    /** Draws W, then b, from {@code random}. */
    LinearMap(String name, int in, int out, SplittableRandom random) {
        this.name = name;
        double bound = 1 / Math.sqrt(in);
        this.w = RandomArrays.uniform(random, bound, in, out);
        this.b = RandomArrays.uniform(random, bound, out);
    }

    /** Adds x·W + b to the graph. */
    SDVariable apply(SameDiff sd, SDVariable x) {
        return x.mmul(sd.var(name + ".w", w)).add(sd.var(name + ".b", b));
    }

    /** x·W + b out of graph. */
    INDArray apply(INDArray x) {
        return x.castTo(DataType.FLOAT).mmul(w).addiRowVector(b);
    }

    /**
     * Rescales W and sets b (in place, so every graph sees it) so that the outputs on x {@code [N, in]} have zero mean and
     * unit variance per output channel: a data-dependent initialisation.
     */
    void standardize(INDArray x) {
        INDArray y = x.castTo(DataType.FLOAT).mmul(w);
        INDArray mean = y.mean(true, 0);
        INDArray std = y.std(false, true, 0).addi(1e-6);
        w.diviRowVector(std);
        b.assign(mean.divi(std).negi().reshape(b.shape()));
    }

    /** Puts W and b into a parameter map under their names. */
    void addParameters(Map<String, INDArray> into) {
        into.put(name + ".w", w);
        into.put(name + ".b", b);
    }
}
