package io.vqtok.cli;

import io.vqtok.codebook.ClusteredCodebookConfig;
import io.vqtok.codebook.CodebookInit;
import io.vqtok.codebook.ReseedConfig;
import io.vqtok.quantizers.EmaQuantizerConfig;
import io.vqtok.quantizers.FsqConfig;
import io.vqtok.quantizers.GroupedQuantizerConfig;
import io.vqtok.quantizers.LfqConfig;
import io.vqtok.quantizers.ProjectedQuantizerConfig;
import io.vqtok.quantizers.QuantizerConfig;
import io.vqtok.quantizers.ResidualQuantizerConfig;
import io.vqtok.quantizers.SimVqConfig;
import io.vqtok.quantizers.SinkhornConfig;
import io.vqtok.quantizers.VectorQuantizerConfig;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;

/**
 * The quantizer flags of {@code vqtok train}, turned into a {@link QuantizerConfig}. Each quantizer's
 * defaults are its best measured settings on Fashion-MNIST (see BENCHMARKS.md).
 */
public final class QuantizerOptions {
    /** Quantizer names accepted by {@code --quantizer}. */
    public static final List<String> NAMES = List.of("vq", "rotation", "ema", "fsq", "simvq", "cvq", "sinkhorn", "lfq", "rvq");

    @Option(names = "--quantizer", defaultValue = "ema", paramLabel = "NAME",
            description = "vq | rotation | ema | fsq | simvq | cvq | sinkhorn | lfq | rvq (default: ${DEFAULT-VALUE})")
    String name;

    @Option(names = "--codebook-size", paramLabel = "K", description = "codes per codebook (default 512; rvq 256 per stage)")
    Integer codebookSize;

    @Option(names = "--dim", defaultValue = "64", paramLabel = "D", description = "latent/code dimension (default: ${DEFAULT-VALUE})")
    int dim;

    @Option(names = "--levels", split = ",", paramLabel = "L", description = "FSQ levels, e.g. 8,5,5,5 (default: preset nearest --codebook-size, else 8,5,5,5)")
    int[] levels;

    @Option(names = "--stages", defaultValue = "4", paramLabel = "Q", description = "residual stages for rvq (default: ${DEFAULT-VALUE})")
    int stages;

    @Option(names = "--stage-quantizer", defaultValue = "ema", paramLabel = "NAME",
            description = "quantizer of each rvq stage: vq | rotation | ema | fsq | simvq | cvq | sinkhorn | lfq (default: ${DEFAULT-VALUE})")
    String stageName;

    @Option(names = "--beta", paramLabel = "B", description = "commitment weight (default 0.25)")
    Double beta;

    @Option(names = "--decay", paramLabel = "G", description = "EMA decay for ema (default 0.99)")
    Double decay;

    @Option(names = "--dead-code-threshold", paramLabel = "T",
            description = "reseed codes whose EMA usage is below T x the uniform share; 0 disables (default: 0.03 for ema/rvq, 0 otherwise)")
    Double deadCodeThreshold;

    @Option(names = "--anchor", defaultValue = "closest", paramLabel = "A",
            description = "cvq anchors: closest | random | probrandom (default: ${DEFAULT-VALUE})")
    String anchor;

    @Option(names = "--sinkhorn-eps", defaultValue = "10", paramLabel = "E", description = "sinkhorn: epsilon of exp(-eps*cost) (default: ${DEFAULT-VALUE})")
    double sinkhornEps;

    @Option(names = "--sinkhorn-iters", defaultValue = "5", paramLabel = "N", description = "sinkhorn: iterations (default: ${DEFAULT-VALUE})")
    int sinkhornIters;

    @Option(names = "--quantizer-dropout", defaultValue = "0", paramLabel = "P",
            description = "rvq: probability that a batch (or sample, with --dropout-per-sample) keeps only its first n ~ U{1..Q} stages (default: ${DEFAULT-VALUE})")
    double quantizerDropout;

    @Option(names = "--dropout-per-sample", description = "rvq: draw the kept stages per sample (DAC) instead of per batch")
    boolean dropoutPerSample;

    @Option(names = "--code-dim", paramLabel = "d", description = "quantize in a d-dimensional code space, projected from and back to the latent dimension")
    Integer codeDim;

    @Option(names = "--groups", defaultValue = "1", paramLabel = "G", description = "split the latent channels into G groups quantized separately (default: ${DEFAULT-VALUE})")
    int groups;

    @Option(names = "--shared-codebook", description = "with --groups: all groups share one codebook")
    boolean sharedCodebook;

    @Option(names = "--kmeans-init", description = "initialise codebooks by k-means on the first batch (same as --init kmeans)")
    boolean kmeansInit;

    @Option(names = "--init", paramLabel = "INIT", description = "codebook init: uniform | normal | data | kmeans (default: data for ema/rvq, uniform otherwise)")
    String init;

    /** The configuration these flags describe. */
    public QuantizerConfig toConfig() {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("rvq")) {
            String s = stageName.toLowerCase(Locale.ROOT);
            if (s.equals("rvq")) throw new IllegalArgumentException("--stage-quantizer cannot be rvq");
            ResidualQuantizerConfig.Dropout mode = quantizerDropout == 0 ? ResidualQuantizerConfig.Dropout.NONE
                    : dropoutPerSample ? ResidualQuantizerConfig.Dropout.SAMPLE : ResidualQuantizerConfig.Dropout.BATCH;
            return new ResidualQuantizerConfig(single(s, codebookSize == null ? 256 : codebookSize, true), stages, mode, quantizerDropout);
        }
        if (groups < 1 || dim % groups != 0)
            throw new IllegalArgumentException("--groups " + groups + " must divide --dim " + dim);
        int perGroup = dim / groups;
        if (codeDim != null && (codeDim < 1 || codeDim >= perGroup))
            throw new IllegalArgumentException("--code-dim must be in [1, " + (perGroup - 1) + "] (below the dimension each group quantizes), got " + codeDim);
        QuantizerConfig base = single(n, codebookSize == null ? 512 : codebookSize, false).withDim(codeDim != null ? codeDim : perGroup);
        if (codeDim != null) base = new ProjectedQuantizerConfig(base, perGroup);
        return groups > 1 ? GroupedQuantizerConfig.of(base, dim, groups, sharedCodebook) : base;
    }

    private QuantizerConfig single(String n, int k, boolean residualStage) {
        double b = beta == null ? 0.25 : beta;
        switch (n) {
            case "vq", "rotation" -> {
                CodebookInit i = init(CodebookInit.UNIFORM);
                ReseedConfig r = reseed(0);
                return new VectorQuantizerConfig(k, dim, b, n.equals("rotation") ? VectorQuantizerConfig.Estimator.ROTATION
                        : VectorQuantizerConfig.Estimator.STRAIGHT_THROUGH, i, 10, r);
            }
            case "ema" -> {
                return new EmaQuantizerConfig(k, dim, b, decay == null ? 0.99 : decay, 1e-5, init(CodebookInit.DATA), 10, reseed(0.03));
            }
            case "cvq" -> {
                ClusteredCodebookConfig.Anchor a;
                try {
                    a = ClusteredCodebookConfig.Anchor.valueOf(anchor.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown --anchor '" + anchor + "'; expected closest, random or probrandom");
                }
                if (a == ClusteredCodebookConfig.Anchor.NONE) throw new IllegalArgumentException("--anchor none disables cvq; use --quantizer vq");
                return new VectorQuantizerConfig(k, dim, b, VectorQuantizerConfig.Estimator.STRAIGHT_THROUGH, init(CodebookInit.UNIFORM), 10,
                        reseed(0), ClusteredCodebookConfig.of(a));
            }
            case "lfq" -> {
                return LfqConfig.of(LfqConfig.bitsFor(k), dim);
            }
            case "sinkhorn" -> {
                return new SinkhornConfig(k, dim, b, init(CodebookInit.UNIFORM), sinkhornEps, sinkhornIters);
            }
            case "simvq" -> {
                return new SimVqConfig(k, dim, b, false);
            }
            case "fsq" -> {
                if (levels != null) return new FsqConfig(levels, dim);
                return codebookSize == null ? new FsqConfig(new int[]{8, 5, 5, 5}, dim) : FsqConfig.preset(k, dim);
            }
            default -> throw new IllegalArgumentException("unknown quantizer '" + n + "'; expected one of " + String.join(", ", NAMES)
                    + (residualStage ? " (rvq excluded)" : ""));
        }
    }

    private CodebookInit init(CodebookInit dflt) {
        if (kmeansInit) {
            if (init != null && !init.equalsIgnoreCase("kmeans")) throw new IllegalArgumentException("--kmeans-init conflicts with --init " + init);
            return CodebookInit.KMEANS;
        }
        if (init == null) return dflt;
        try {
            return CodebookInit.valueOf(init.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown --init '" + init + "'; expected uniform, normal, data or kmeans");
        }
    }

    private ReseedConfig reseed(double dflt) {
        double t = deadCodeThreshold == null ? dflt : deadCodeThreshold;
        return t == 0 ? ReseedConfig.OFF : ReseedConfig.threshold(t);
    }
}
