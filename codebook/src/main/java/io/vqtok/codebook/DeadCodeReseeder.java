package io.vqtok.codebook;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds codes whose usage fell below a threshold and moves them onto encoder outputs of the current
 * batch (Zeghidour et al. 2021, SoundStream; Défossez et al. 2022, EnCodec).
 *
 * <p>Usage is an EMA of per-batch assignment counts {@code [K]} (for EMA codebooks, their cluster sizes).
 * A code k is dead when usage_k &lt; threshold · N/K. Replacement vectors are distinct random rows of the
 * batch z {@code [N, D]}, drawn from a generator keyed by the seed and the step ({@link StepRandom}), so runs are
 * reproducible and a resumed run draws what the uninterrupted one drew.
 */
public final class DeadCodeReseeder {
    private final ReseedConfig config;
    private final long seed;
    private long totalReseeded;

    public DeadCodeReseeder(ReseedConfig config, long seed) {
        this.config = config;
        this.seed = seed;
    }

    public ReseedConfig config() {
        return config;
    }

    /** Codes reseeded so far. */
    public long totalReseeded() {
        return totalReseeded;
    }

    /** Whether dead codes should be looked for after optimizer step {@code step} (1-based). */
    public boolean due(long step) {
        return config.enabled() && step % config.interval() == 0;
    }

    /** Codes whose usage is below threshold · uniformShare. */
    public int[] deadCodes(INDArray usage, double uniformShare) {
        double limit = config.threshold() * uniformShare;
        float[] u = usage.reshape(-1).toFloatVector();
        List<Integer> dead = new ArrayList<>();
        for (int k = 0; k < u.length; k++) if (u[k] < limit) dead.add(k);
        return dead.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Picks one replacement row of {@code z [N, D]} for each dead code: distinct rows while N allows, drawn with the
     * generator of optimizer step {@code step}.
     *
     * @return {@code [dead.length, D]} replacement vectors
     */
    public INDArray replacements(INDArray z, int dead, long step) {
        int[] rows = RandomRows.draw((int) z.size(0), dead, StepRandom.of(seed, step));
        totalReseeded += dead;
        return Nd4j.pullRows(z, 1, rows);
    }

    /**
     * Tracks usage as an EMA of batch counts and, when due, moves dead codes of a gradient-trained
     * codebook onto batch vectors and resets their usage to the uniform share.
     *
     * @return the codes that were reseeded (empty when none)
     */
    public int[] step(long step, INDArray codebook, INDArray usage, INDArray z, int[] indices) {
        int k = (int) codebook.size(0);
        double share = (double) indices.length / k;
        int[] counts = Assignments.bincount(indices, k);
        float[] u = usage.toFloatVector();
        double d = config.decay();
        for (int i = 0; i < k; i++) u[i] = (float) (d * u[i] + (1 - d) * counts[i]);
        usage.assign(Nd4j.createFromArray(u).reshape(usage.shape()));
        if (!due(step)) return new int[0];
        int[] dead = deadCodes(usage, share);
        if (dead.length == 0) return dead;
        INDArray repl = replacements(z, dead.length, step);
        for (int i = 0; i < dead.length; i++) {
            codebook.putRow(dead[i], repl.getRow(i));
            usage.putScalar(dead[i], share);
        }
        return dead;
    }

    /** As {@link #step} for an EMA codebook whose cluster sizes are the usage; resets its EMA state too. */
    public int[] step(long step, EmaCodebookState ema, INDArray z, int[] indices) {
        if (!due(step)) return new int[0];
        int k = (int) ema.codebook().size(0);
        double share = (double) indices.length / k;
        int[] dead = deadCodes(ema.clusterSize(), share);
        if (dead.length == 0) return dead;
        INDArray repl = replacements(z, dead.length, step);
        for (int i = 0; i < dead.length; i++) ema.reset(dead[i], repl.getRow(i), share);
        return dead;
    }
}
