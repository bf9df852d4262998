package io.vqtok.codebook;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/** Seeded random initial values drawn on the host, so a seed gives the same arrays on any backend. */
public final class RandomArrays {
    private RandomArrays() {
    }

    /** A FLOAT array of the given shape, U(−bound, bound), filled in C order from {@code random}. */
    public static INDArray uniform(SplittableRandom random, double bound, long... shape) {
        long n = 1;
        for (long s : shape) n *= s;
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) v[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        return Nd4j.create(v, shape, DataType.FLOAT);
    }
}
