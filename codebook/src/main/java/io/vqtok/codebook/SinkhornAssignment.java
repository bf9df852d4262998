package io.vqtok.codebook;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Optimal-transport assignment of N vectors to K codes with uniform marginals, by Sinkhorn iterations
 * (Cuturi 2013), as used by OptVQ (Zhang et al. 2024).
 *
 * <p>The cost is the Euclidean distance A = ‖z − e‖ {@code [N, K]} (as in OptVQ's code, not its square), normalised
 * over the whole matrix, A ← (A − mean)/std, A ← A − min;
 * the plan starts as Q = exp(−ε·A) and each iteration scales its columns to sum 1/K and its rows to sum
 * 1/N. The assignment of row n is argmax_k Q_nk. This class is the reference implementation on arrays;
 * quantizers build the same computation into their graphs.
 */
public final class SinkhornAssignment {
    /** Added to every marginal before dividing by it. */
    public static final double TINY = 1e-30;
    private final double epsilon;
    private final int iterations;

    public SinkhornAssignment(double epsilon, int iterations) {
        if (!(epsilon > 0 && Double.isFinite(epsilon))) throw new IllegalArgumentException("Sinkhorn epsilon must be > 0, got " + epsilon);
        if (iterations < 1) throw new IllegalArgumentException("Sinkhorn iterations must be >= 1, got " + iterations);
        this.epsilon = epsilon;
        this.iterations = iterations;
    }

    public double epsilon() {
        return epsilon;
    }

    public int iterations() {
        return iterations;
    }

    /** The transport plan {@code [N, K]} for squared distances {@code [N, K]} (the cost is their square root). */
    public INDArray plan(INDArray squaredDistances) {
        INDArray distances = Transforms.sqrt(Transforms.relu(squaredDistances, true), false);
        long n = distances.size(0), k = distances.size(1);
        INDArray a = distances.sub(distances.meanNumber());
        double std = Math.sqrt(a.mul(a).meanNumber().doubleValue()) + 1e-12;   // population std
        a.divi(std);
        a.subi(a.minNumber());
        INDArray q = Transforms.exp(a.muli(-epsilon), false);
        for (int i = 0; i < iterations; i++) {
            // + TINY: a column (row) that underflowed to all zeros stays zero instead of becoming NaN
            q.diviRowVector(q.sum(true, 0).muli(k).addi(TINY));
            q.diviColumnVector(q.sum(true, 1).muli(n).addi(TINY));
        }
        return q;
    }

    /** Row-wise argmax of the plan for squared distances {@code [N, K]}: INT64 indices {@code [N]}. */
    public INDArray assign(INDArray squaredDistances) {
        return Nd4j.argMax(plan(squaredDistances), 1);
    }
}
