package io.vqtok.quantizers;

import io.vqtok.codebook.ClusteredCodebookConfig;
import io.vqtok.codebook.CodebookInit;
import io.vqtok.codebook.ReseedConfig;

import java.util.List;
import java.util.Locale;

/**
 * The tuned default configuration of every quantizer, the one source of defaults: {@code vqtok train --quantizer NAME}
 * starts from these and changes only what its flags name, and a Java caller gets the same settings. Each was chosen on
 * Fashion-MNIST (the validation split since issue #10; BENCHMARKS.md says which run chose what).
 */
public final class Presets {
    /** The names, as the CLI's {@code --quantizer} takes them. */
    public static final List<String> NAMES = List.of("vq", "rotation", "ema", "fsq", "simvq", "cvq", "sinkhorn", "lfq", "ibq", "rvq");
    /** Codebook size of the single-codebook presets. */
    public static final int CODEBOOK_SIZE = 512;
    /** Codebook size of each residual stage. */
    public static final int RESIDUAL_STAGE_CODEBOOK_SIZE = 256;
    /** Residual stages of {@code rvq}. */
    public static final int RESIDUAL_STAGES = 4;
    /** FSQ levels (the paper's 2^8 preset; K = 240). */
    private static final int[] FSQ_LEVELS = {8, 6, 5};
    /** SimVQ looks codes up in a projection of this dimension when the vectors are wider. */
    public static final int SIMVQ_CODE_DIM = 16;
    /** Dead-code threshold of EMA codebooks, in units of the uniform share N/K. */
    public static final double EMA_RESEED_THRESHOLD = 0.03;

    private Presets() {
    }

    /** FSQ's default levels (a copy). */
    public static int[] fsqLevels() {
        return FSQ_LEVELS.clone();
    }

    /** The preset of {@code name} for vectors of dimension {@code dim}, at the default codebook size. */
    public static QuantizerConfig of(String name, int dim) {
        String n = name.toLowerCase(Locale.ROOT);
        return switch (n) {
            case "rvq" -> new ResidualQuantizerConfig(ema(RESIDUAL_STAGE_CODEBOOK_SIZE, dim), RESIDUAL_STAGES);
            case "fsq" -> new FsqConfig(FSQ_LEVELS, dim);
            case "simvq" -> dim > SIMVQ_CODE_DIM ? new ProjectedQuantizerConfig(simvq(CODEBOOK_SIZE, SIMVQ_CODE_DIM), dim) : simvq(CODEBOOK_SIZE, dim);
            default -> single(n, CODEBOOK_SIZE, dim);
        };
    }

    /** The single-codebook preset of {@code name} (not rvq) with {@code codebookSize} codes of dimension {@code dim}. */
    public static QuantizerConfig single(String name, int codebookSize, int dim) {
        String n = name.toLowerCase(Locale.ROOT);
        return switch (n) {
            case "vq" -> VectorQuantizerConfig.of(codebookSize, dim);
            case "rotation" -> VectorQuantizerConfig.of(codebookSize, dim).withEstimator(VectorQuantizerConfig.Estimator.ROTATION);
            case "ema" -> ema(codebookSize, dim);
            case "cvq" -> VectorQuantizerConfig.of(codebookSize, dim).withClustering(ClusteredCodebookConfig.of(ClusteredCodebookConfig.Anchor.RANDOM));
            case "ibq" -> new IbqConfig(codebookSize, dim, 0.25, CodebookInit.NORMAL, 10, IbqConfig.Logits.DOT, 0.05, 100);
            case "lfq" -> LfqConfig.recommended(LfqConfig.bitsFor(codebookSize), dim);
            case "sinkhorn" -> SinkhornConfig.of(codebookSize, dim);
            case "simvq" -> simvq(codebookSize, dim);
            case "fsq" -> FsqConfig.forCodebookSize(codebookSize, dim);
            default -> throw new IllegalArgumentException("unknown quantizer '" + name + "'; expected one of " + String.join(", ", NAMES)
                    + " (rvq has no single-codebook preset)");
        };
    }

    /** EMA codebook, decay 0.99, initialised from the first batch, dead codes reseeded below 0.03 of the uniform share. */
    public static EmaQuantizerConfig ema(int codebookSize, int dim) {
        return EmaQuantizerConfig.of(codebookSize, dim).withInit(CodebookInit.DATA).withReseed(ReseedConfig.threshold(EMA_RESEED_THRESHOLD));
    }

    /** Residual stages of the speech codec preset. */
    public static final int SPEECH_STAGES = 8;
    /** Codes per stage of the speech codec preset (10 bits, 0.5 kbps per stage at 50 frames/s). */
    public static final int SPEECH_STAGE_CODEBOOK_SIZE = 1024;
    /** Reseeding threshold of the speech preset's stages: keeps the late stages' codebooks in use (BENCHMARKS.md, issue #4). */
    public static final double SPEECH_RESEED_THRESHOLD = 0.3;

    /**
     * The speech codec's quantizer (SoundStream/DAC-style residual VQ): 8 stages of EMA codebooks with 1024 codes,
     * initialised from data, dead codes reseeded below 0.3 of the uniform share, and per-sample quantizer dropout 0.5
     * so that one model serves every number of stages. What {@code vqtok train --quantizer rvq --stages 8
     * --codebook-size 1024 --quantizer-dropout 0.5 --dropout-per-sample --dead-code-threshold 0.3} builds.
     */
    public static ResidualQuantizerConfig speechResidual(int dim) {
        EmaQuantizerConfig stage = ema(SPEECH_STAGE_CODEBOOK_SIZE, dim).withReseed(ReseedConfig.threshold(SPEECH_RESEED_THRESHOLD));
        return new ResidualQuantizerConfig(stage, SPEECH_STAGES).withDropout(ResidualQuantizerConfig.Dropout.SAMPLE, 0.5);
    }

    private static SimVqConfig simvq(int codebookSize, int dim) {
        return SimVqConfig.of(codebookSize, dim);
    }
}
