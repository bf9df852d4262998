package io.vqtok.codebook;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.segment.UnsortedSegmentSum;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-code statistics of one batch of assignments: how many vectors each code received and their sum.
 *
 * @param counts INT-valued float array {@code [K]}: vectors assigned to each code
 * @param sums   {@code [K, D]}: sum of the vectors assigned to each code
 */
public record Assignments(INDArray counts, INDArray sums) {

    /**
     * Gathers counts and sums of z {@code [N, D]} assigned to codes {@code indices[N]} in a codebook of size K,
     * in O(N·D) (a segment sum, not a one-hot product).
     */
    public static Assignments of(INDArray z, int[] indices, int codebookSize) {
        if (z.rank() != 2 || z.size(0) != indices.length)
            throw new IllegalArgumentException("expected z [" + indices.length + ", D], got " + java.util.Arrays.toString(z.shape()));
        int[] bins = bincount(indices, codebookSize);
        float[] counts = new float[codebookSize];
        for (int k = 0; k < codebookSize; k++) counts[k] = bins[k];
        INDArray sums;
        if (indices.length == 0) {
            sums = Nd4j.zeros(z.dataType(), codebookSize, z.size(1));
        } else {
            // ND4J 1.0.0-M2.1's unsorted_segment_sum drops all but the first column of a single-row input:
            // one zero row (added to code 0) keeps N >= 2 without changing any sum.
            INDArray rows = z;
            int[] ids = indices;
            if (indices.length == 1) {
                rows = Nd4j.vstack(z, Nd4j.zeros(z.dataType(), 1, z.size(1)));
                ids = new int[]{indices[0], 0};
            }
            sums = Nd4j.exec(new UnsortedSegmentSum(rows, Nd4j.createFromArray(ids), codebookSize))[0];
        }
        return new Assignments(Nd4j.createFromArray(counts).castTo(z.dataType()), sums);
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
