package io.vqtok.codebook;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-code statistics of one batch of assignments: how many vectors each code received and their sum.
 *
 * <p>Computed as a bincount and a scatter-add in O(N·D), never through an N×K one-hot matrix, and summed in row order,
 * so the same batch always gives the same bits.
 *
 * @param counts FLOAT {@code [K]}: vectors assigned to each code
 * @param sums   FLOAT {@code [K, D]}: sum of the vectors assigned to each code
 */
public record Assignments(INDArray counts, INDArray sums) {

    /** Gathers counts and sums of z {@code [N, D]} assigned to codes {@code indices[N]} in a codebook of size K. */
    public static Assignments of(INDArray z, int[] indices, int codebookSize) {
        if (z.rank() != 2 || z.size(0) != indices.length)
            throw new IllegalArgumentException("expected z [" + indices.length + ", D], got " + java.util.Arrays.toString(z.shape()));
        int d = Math.toIntExact(z.size(1));
        int[] bins = bincount(indices, codebookSize);
        float[] counts = new float[codebookSize];
        for (int k = 0; k < codebookSize; k++) counts[k] = bins[k];
        float[] rows = z.castTo(DataType.FLOAT).dup('c').data().asFloat();
        float[] sums = new float[Math.multiplyExact(codebookSize, d)];
        for (int n = 0; n < indices.length; n++) {
            int from = n * d, to = indices[n] * d;
            for (int j = 0; j < d; j++) sums[to + j] += rows[from + j];
        }
        return new Assignments(Nd4j.create(counts, new long[]{codebookSize}, DataType.FLOAT),
                Nd4j.create(sums, new long[]{codebookSize, d}, DataType.FLOAT));
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
