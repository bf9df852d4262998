package io.vqtok.codebook;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Exponential-moving-average codebook statistics with Laplace smoothing (van den Oord et al. 2017,
 * appendix; Razavi et al. 2019): cluster sizes N_k and vector sums m_k are EMAs over batches, and each
 * code is e_k = m_k / Ñ_k with Ñ_k = (N_k + ε) / (n + K ε) · n, n = Σ N_k.
 *
 * <p>Arrays: {@code codebook [K, D]} (updated in place, so a graph that holds it sees new values),
 * {@code clusterSize [K]}, {@code embedSum [K, D]}. The state starts as if every code had been assigned
 * once to its initial value, so unused codes keep their position instead of collapsing towards zero.
 */
public final class EmaCodebookState {
    private final INDArray codebook;
    private final INDArray clusterSize;
    private final INDArray embedSum;
    private final double decay;
    private final double eps;

    /**
     * @param codebook    live codebook {@code [K, D]}, updated in place
     * @param clusterSize {@code [K]} EMA of assignments per batch
     * @param embedSum    {@code [K, D]} EMA of assigned vector sums
     */
    public EmaCodebookState(INDArray codebook, INDArray clusterSize, INDArray embedSum, double decay, double eps) {
        if (!(decay > 0 && decay < 1)) throw new IllegalArgumentException("EMA decay must be in (0, 1), got " + decay);
        if (!(eps > 0)) throw new IllegalArgumentException("Laplace epsilon must be > 0, got " + eps);
        long k = codebook.size(0);
        if (clusterSize.length() != k || !java.util.Arrays.equals(embedSum.shape(), codebook.shape()))
            throw new IllegalArgumentException("EMA state shapes do not match codebook " + java.util.Arrays.toString(codebook.shape()));
        this.codebook = codebook;
        this.clusterSize = clusterSize;
        this.embedSum = embedSum;
        this.decay = decay;
        this.eps = eps;
    }

    /** Fresh statistics for a codebook: every cluster size 1, every sum equal to its code. */
    public static EmaCodebookState initial(INDArray codebook, double decay, double eps) {
        return new EmaCodebookState(codebook, codebook.getColumn(0).dup().reshape(codebook.size(0)).assign(1.0),
                codebook.dup(), decay, eps);
    }

    public INDArray codebook() {
        return codebook;
    }

    public INDArray clusterSize() {
        return clusterSize;
    }

    public INDArray embedSum() {
        return embedSum;
    }

    public double decay() {
        return decay;
    }

    /** One EMA step with the assignments of a batch, then recomputes every code. */
    public void update(Assignments batch) {
        clusterSize.muli(decay).addi(batch.counts().reshape(clusterSize.shape()).mul(1 - decay));
        embedSum.muli(decay).addi(batch.sums().mul(1 - decay));
        recompute();
    }

    /** Recomputes the codes from the statistics with Laplace smoothing. */
    public void recompute() {
        double n = clusterSize.sumNumber().doubleValue();
        long k = clusterSize.length();
        INDArray smoothed = clusterSize.add(eps).divi(n + k * eps).muli(n);
        codebook.assign(embedSum.divColumnVector(smoothed.reshape(k, 1)));
    }

    /**
     * Restarts the statistics where the codes are: as if every code had been assigned {@code count} vectors equal to
     * it (cluster sizes {@code count}, sums {@code count} times the code), so the codes do not move.
     */
    public void countEachCodeAs(double count) {
        clusterSize.assign(count);
        embedSum.assign(codebook.mul(count));
    }

    /**
     * Moves code {@code k} to {@code vector} and resets its statistics as if it had been assigned
     * {@code count} vectors equal to it, so the next EMA step keeps it there.
     */
    public void reset(int k, INDArray vector, double count) {
        codebook.putRow(k, vector);
        clusterSize.putScalar(k, count);
        embedSum.putRow(k, vector.mul(count));
    }
}
