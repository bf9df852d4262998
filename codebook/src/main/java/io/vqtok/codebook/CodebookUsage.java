package io.vqtok.codebook;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Accumulates code assignments over many batches and reports {@link UsageStats} per index channel.
 *
 * <p>Indices are {@code [N]} or {@code [N, C]} integer arrays (C index channels, e.g. the Q stages of a
 * residual quantizer), each channel with its own codebook of {@code codebookSize} codes.
 */
public final class CodebookUsage {
    private final int codebookSize;
    private final long[][] counts;

    public CodebookUsage(int codebookSize, int channels) {
        if (codebookSize < 1) throw new IllegalArgumentException("codebookSize must be >= 1, got " + codebookSize);
        if (channels < 1) throw new IllegalArgumentException("channels must be >= 1, got " + channels);
        this.codebookSize = codebookSize;
        this.counts = new long[channels][codebookSize];
    }

    public int codebookSize() {
        return codebookSize;
    }

    public int channels() {
        return counts.length;
    }

    /** Adds the assignments of an index array of shape [N] or [N, channels]. */
    public void add(INDArray indices) {
        long[] shape = indices.shape();
        int c = shape.length == 1 ? 1 : (int) shape[shape.length - 1];
        if (shape.length > 2 || c != counts.length)
            throw new IllegalArgumentException("indices of shape " + Arrays.toString(shape)
                    + " do not match " + counts.length + " index channel(s)");
        add(indices.reshape(-1).toIntVector(), c);
    }

    /** Adds row-major assignments {@code flat[n * channels + c]}. */
    public void add(int[] flat, int channels) {
        if (channels != counts.length)
            throw new IllegalArgumentException("got " + channels + " index channels, expected " + counts.length);
        for (int i = 0; i < flat.length; i++) {
            int code = flat[i];
            if (code < 0 || code >= codebookSize)
                throw new IllegalArgumentException("code index " + code + " out of range [0, " + codebookSize + ")");
            counts[i % channels][code]++;
        }
    }

    /** Statistics of one index channel. */
    public UsageStats stats(int channel) {
        return UsageStats.of(counts[channel]);
    }

    /** Statistics of every index channel, in order. */
    public List<UsageStats> stats() {
        List<UsageStats> out = new ArrayList<>();
        for (int c = 0; c < counts.length; c++) out.add(stats(c));
        return out;
    }

    /** Mean utilization over channels. */
    public double meanUtilization() {
        return stats().stream().mapToDouble(UsageStats::utilization).average().orElse(0);
    }

    /** Mean perplexity over channels. */
    public double meanPerplexity() {
        return stats().stream().mapToDouble(UsageStats::perplexity).average().orElse(0);
    }

    /** Dead codes summed over channels. */
    public int totalDeadCodes() {
        return stats().stream().mapToInt(UsageStats::deadCodes).sum();
    }

    public void reset() {
        for (long[] c : counts) Arrays.fill(c, 0);
    }
}
