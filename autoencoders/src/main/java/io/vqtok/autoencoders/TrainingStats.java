package io.vqtok.autoencoders;

/**
 * What a training run measured over its steps, as a {@link TokenizerTrainer.Listener}: throughput over compute time only
 * (the first {@value #WARMUP_STEPS} steps after the start, graph building and JIT warm-up, are left out), codes reseeded,
 * the last loss, and the process's resident memory after a reference step (step 500, or a sixth of a shorter run), at
 * the end and at its peak.
 */
public final class TrainingStats implements TokenizerTrainer.Listener {
    /** Steps after the start that the throughput leaves out. */
    public static final int WARMUP_STEPS = 5;

    private final long startStep;
    private final long totalSteps;
    private final double unitsPerItem;
    private double computeSeconds;
    private long timedItems;
    private long reseeded;
    private double lastLoss = Double.NaN;
    private long referenceStep, atReference, end, peak;

    /**
     * @param startStep    the step the run starts from (0, or a resumed checkpoint's)
     * @param totalSteps   the step it trains to
     * @param unitsPerItem what one batch item counts in the throughput (1 for images, seconds per crop for audio)
     */
    public TrainingStats(long startStep, long totalSteps, double unitsPerItem) {
        this.startStep = startStep;
        this.totalSteps = totalSteps;
        this.unitsPerItem = unitsPerItem;
    }

    @Override
    public void onStep(StepReport r) {
        if (r.step() > startStep + WARMUP_STEPS || totalSteps - startStep <= WARMUP_STEPS) {
            computeSeconds += r.stepSeconds();
            timedItems += r.images();
        }
        reseeded += r.reseeded();
        lastLoss = r.loss();
        if (r.step() == Math.max(1, Math.min(500, totalSteps / 6))) {
            referenceStep = r.step();
            atReference = r.residentBytes();
        }
        end = r.residentBytes();
        peak = Math.max(peak, r.residentBytes());
    }

    /** The step the run started from. */
    public long startStep() {
        return startStep;
    }

    /** Throughput: units (images, seconds of audio) per second of step compute; 0 before any timed step. */
    public double unitsPerSecond() {
        return computeSeconds > 0 ? timedItems * unitsPerItem / computeSeconds : 0;
    }

    /** Codes reseeded over the run. */
    public long reseeded() {
        return reseeded;
    }

    /** The total loss of the last step (NaN before any). */
    public double lastLoss() {
        return lastLoss;
    }

    /** Resident memory over the run. */
    public Memory memory() {
        return new Memory(referenceStep, atReference, end, peak);
    }

    /**
     * Resident memory (heap and native, as the OS counts it).
     *
     * @param referenceStep the step of {@code atReferenceBytes} (0 when the run did not reach it)
     */
    public record Memory(long referenceStep, long atReferenceBytes, long endBytes, long peakBytes) {
        /** end / reference − 1, 0 without a reference. */
        public double growth() {
            return atReferenceBytes > 0 ? endBytes / (double) atReferenceBytes - 1 : 0;
        }
    }
}
