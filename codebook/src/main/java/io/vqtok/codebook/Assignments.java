package io.vqtok.codebook;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-code statistics of one batch of assignments: how many vectors each code received and their sum.
 *
 * @param counts INT-valued float array {@code [K]}: vectors assigned to each code
 * @param sums   {@code [K, D]}: sum of the vectors assigned to each code
 */
public record Assignments(INDArray counts, INDArray sums) {

    /** Gathers counts and sums of z {@code [N, D]} assigned to codes {@code indices[N]} in a codebook of size K. */
    public static Assignments of(INDArray z, int[] indices, int codebookSize) {
        if (z.rank() != 2 || z.size(0) != indices.length)
            throw new IllegalArgumentException("expected z [" + indices.length + ", D], got " + java.util.Arrays.toString(z.shape()));
        if (indices.length == 0)   // an empty product is rejected by ND4J: nothing assigned, nothing summed
            return new Assignments(Nd4j.zeros(z.dataType(), codebookSize), Nd4j.zeros(z.dataType(), codebookSize, z.size(1)));
        INDArray oneHot = oneHot(indices, codebookSize, z.dataType());
        INDArray counts = oneHot.sum(0);
        INDArray sums = oneHot.transpose().mmul(z);
        return new Assignments(counts, sums);
    }

    /** One-hot matrix {@code [N, K]} of the given indices, validated against the codebook size. */
    public static INDArray oneHot(int[] indices, int codebookSize, DataType type) {
        float[] data = new float[indices.length * codebookSize];
        for (int i = 0; i < indices.length; i++) {
            int k = indices[i];
            if (k < 0 || k >= codebookSize)
                throw new IllegalArgumentException("code index " + k + " out of range [0, " + codebookSize + ")");
            data[i * codebookSize + k] = 1f;
        }
        return Nd4j.create(data, new long[]{indices.length, codebookSize}, DataType.FLOAT).castTo(type);
    }

    /** Number of vectors per code, on the host. */
    public static int[] bincount(int[] indices, int codebookSize) {
        int[] out = new int[codebookSize];
        for (int k : indices) {
            if (k < 0 || k >= codebookSize)
                throw new IllegalArgumentException("code index " + k + " out of range [0, " + codebookSize + ")");
            out[k]++;
        }
        return out;
    }
}
