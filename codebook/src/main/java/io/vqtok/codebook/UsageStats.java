package io.vqtok.codebook;

/**
 * Codebook usage over a set of assignments: utilization, perplexity, dead codes and the histogram.
 *
 * <p>{@code utilization} is the fraction of the K codes assigned at least once; {@code perplexity} is
 * exp(H(p)) of the empirical code distribution p (K for perfectly uniform use, 1 for collapse);
 * {@code deadCodes} counts codes never assigned.
 */
public record UsageStats(int codebookSize, long assignments, int usedCodes, double utilization,
                         double perplexity, int deadCodes, long[] histogram) {

    public UsageStats {
        if (codebookSize < 1) throw new IllegalArgumentException("codebookSize must be >= 1, got " + codebookSize);
        if (histogram.length != codebookSize)
            throw new IllegalArgumentException("histogram has " + histogram.length + " bins, expected " + codebookSize);
        histogram = histogram.clone();
    }

    /** Computes the statistics of a histogram of code assignments (one bin per code). */
    public static UsageStats of(long[] histogram) {
        long total = 0;
        int used = 0;
        for (long c : histogram) {
            if (c < 0) throw new IllegalArgumentException("negative count in usage histogram: " + c);
            total += c;
            if (c > 0) used++;
        }
        double entropy = 0;
        if (total > 0) {
            for (long c : histogram) {
                if (c > 0) {
                    double p = (double) c / total;
                    entropy -= p * Math.log(p);
                }
            }
        }
        int k = histogram.length;
        return new UsageStats(k, total, used, (double) used / k, total > 0 ? Math.exp(entropy) : 0.0, k - used, histogram);
    }

    @Override
    public long[] histogram() {
        return histogram.clone();
    }

    @Override
    public String toString() {
        return String.format("UsageStats[K=%d, used=%d, utilization=%.4f, perplexity=%.2f, dead=%d, n=%d]",
                codebookSize, usedCodes, utilization, perplexity, deadCodes, assignments);
    }
}
