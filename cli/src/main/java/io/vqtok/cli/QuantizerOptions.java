package io.vqtok.cli;

import io.vqtok.codebook.ClusteredCodebookConfig;
import io.vqtok.codebook.CodebookInit;
import io.vqtok.codebook.ReseedConfig;
import io.vqtok.quantizers.EmaQuantizerConfig;
import io.vqtok.quantizers.FsqConfig;
import io.vqtok.quantizers.GroupedQuantizerConfig;
import io.vqtok.quantizers.IbqConfig;
import io.vqtok.quantizers.LfqConfig;
import io.vqtok.quantizers.ProjectedQuantizerConfig;
import io.vqtok.quantizers.Presets;
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
    /** Code dimension SimVQ projects to unless --code-dim says otherwise. */
    /** FSQ levels unless --levels or --codebook-size say otherwise: the paper's preset for about 2^8 codes. */

    /** Quantizer names accepted by {@code --quantizer}. */
    public static final List<String> NAMES = Presets.NAMES;

    @Option(names = "--quantizer", defaultValue = "ema", paramLabel = "NAME",
            description = "vq | rotation | ema | fsq | simvq | cvq | sinkhorn | lfq | ibq | rvq (default: ${DEFAULT-VALUE})")
    String name;

    @Option(names = "--codebook-size", paramLabel = "K", description = "codes per codebook (default 512; rvq 256 per stage)")
    Integer codebookSize;

    @Option(names = "--dim", defaultValue = "64", paramLabel = "D", description = "latent/code dimension (default: ${DEFAULT-VALUE})")
    int dim;

    @Option(names = "--levels", split = ",", paramLabel = "L", description = "FSQ levels, e.g. 8,5,5,5 (default: exact levels for a power-of-two --codebook-size, else the preset nearest it, else 8,6,5)")
    int[] levels;

    @Option(names = "--stages", defaultValue = "4", paramLabel = "Q", description = "residual stages for rvq (default: ${DEFAULT-VALUE})")
    int stages;

    @Option(names = "--stage-quantizer", defaultValue = "ema", paramLabel = "NAME",
            description = "quantizer of each rvq stage: vq | rotation | ema | fsq | simvq | cvq | sinkhorn | lfq | ibq; fsq gives residual FSQ "
                    + "(scaled stages in one projection) (default: ${DEFAULT-VALUE})")
    String stageName;

    @Option(names = "--beta", paramLabel = "B", description = "commitment weight (default 0.25; lfq 0.01)")
    Double beta;

    @Option(names = "--decay", paramLabel = "G", description = "EMA decay for ema (default 0.99)")
    Double decay;

    @Option(names = "--dead-code-threshold", paramLabel = "T",
            description = "reseed codes whose EMA usage is below T x the uniform share; 0 disables (default: 0.03 for ema/rvq, 0 otherwise)")
    Double deadCodeThreshold;

    @Option(names = "--dead-code-grace", paramLabel = "STEPS", description = "ema (and rvq stages of it): data-initialised codes unused for "
            + "STEPS steps are dead (their cluster sizes start at the threshold's value STEPS steps of decay earlier); default 0: they start "
            + "at one assignment each")
    Integer deadCodeGrace;

    @Option(names = "--anchor", paramLabel = "A",
            description = "online clustering anchors: closest | random | probrandom (default random for cvq; with ema, enables online clustering of the EMA codebook)")
    String anchor;

    @Option(names = "--estimator", paramLabel = "E", description = "simvq: gradient estimator, ste | rotation (default ste)")
    String estimator;

    @Option(names = "--ibq-logits", paramLabel = "L", description = "ibq: softmax over dot (z·e, the paper's; default) or distance (−‖z − e‖²) logits")
    String ibqLogits;

    @Option(names = "--cosine", description = "cosine-similarity codes: l2-normalised inputs and codes (vq, rotation, cvq, ema)")
    boolean cosine;

    @Option(names = "--sinkhorn-eps", paramLabel = "E", description = "sinkhorn: epsilon of exp(-eps*cost); 0 chooses per batch: 10 with at least as many vectors as codes, else 100 (default 0)")
    Double sinkhornEps;

    @Option(names = "--sinkhorn-warm-start", description = "sinkhorn: start each step from the previous step's column scaling")
    boolean sinkhornWarmStart;

    @Option(names = "--sinkhorn-draw", description = "sinkhorn: draw each vector's code from its plan row (OptVQ's use_prob) instead of the row's argmax")
    boolean sinkhornDraw;

    @Option(names = "--sinkhorn-iters", paramLabel = "N", description = "sinkhorn: iterations (default 5)")
    Integer sinkhornIters;

    @Option(names = "--sinkhorn-code-map", negatable = true, description = "sinkhorn: learn the codes as C·W + b (OptVQ's code projection; "
            + "W and b move every code at once) (default: the preset's)")
    Boolean sinkhornCodeMap;

    @Option(names = "--entropy-weight", paramLabel = "W", description = "lfq, ibq: weight of the entropy auxiliary loss (default lfq 0.1, ibq 0.05)")
    Double entropyWeight;

    @Option(names = "--inverse-temperature", paramLabel = "T", description = "lfq, ibq: inverse temperature of the entropy's code distribution (default lfq 3, MAGVIT-v2 uses 100; ibq 100)")
    Double inverseTemperature;

    @Option(names = "--quantizer-dropout", defaultValue = "0", paramLabel = "P",
            description = "rvq: probability that a batch (or sample, with --dropout-per-sample) keeps only its first n ~ U{1..Q} stages (default: ${DEFAULT-VALUE})")
    double quantizerDropout;

    @Option(names = "--dropout-per-sample", description = "rvq: draw the kept stages per sample (DAC) instead of per batch")
    boolean dropoutPerSample;

    @Option(names = "--code-dim", paramLabel = "d", description = "quantize in a d-dimensional code space, projected from and back to the latent dimension; 0 for none (default: 16 for simvq, none otherwise)")
    Integer codeDim;

    @Option(names = "--groups", defaultValue = "1", paramLabel = "G", description = "split the latent channels into G groups quantized separately (default: ${DEFAULT-VALUE})")
    int groups;

    @Option(names = "--shared-codebook", description = "with --groups: all groups share one codebook; with rvq: all stages share one")
    boolean sharedCodebook;

    @Option(names = "--kmeans-init", description = "initialise codebooks by k-means on the first batch (same as --init kmeans)")
    boolean kmeansInit;

    @Option(names = "--kmeans-iterations", defaultValue = "10", paramLabel = "N", description = "Lloyd iterations of --init kmeans (default: ${DEFAULT-VALUE})")
    int kmeansIterations;

    @Option(names = "--simvq-bias", description = "simvq: the linear map from the frozen codebook has a bias")
    boolean simvqBias;

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
            if (s.equals("fsq")) {
                if (sharedCodebook) throw new IllegalArgumentException("--shared-codebook does not apply to residual FSQ (it has no codebook)");
                int[] l = levels != null ? levels : new int[]{8, 5, 5, 5};
                if (l.length >= dim) throw new IllegalArgumentException("residual FSQ needs fewer levels (" + l.length + ") than --dim " + dim);
                ProjectedQuantizerConfig r = ResidualQuantizerConfig.residualFsq(l, stages, dim);
                ResidualQuantizerConfig inner = ((ResidualQuantizerConfig) r.inner()).withDropout(mode, quantizerDropout);
                return new ProjectedQuantizerConfig(inner, dim);
            }
            return new ResidualQuantizerConfig(single(s, codebookSize == null ? Presets.RESIDUAL_STAGE_CODEBOOK_SIZE : codebookSize, true), stages, mode, quantizerDropout,
                    sharedCodebook, false);
        }

        if (groups < 1 || dim % groups != 0)
            throw new IllegalArgumentException("--groups " + groups + " must divide --dim " + dim);
        int perGroup = dim / groups;
        if (codeDim != null && codeDim != 0 && (codeDim < 1 || codeDim >= perGroup))
            throw new IllegalArgumentException("--code-dim must be 0 (none) or in [1, " + (perGroup - 1) + "] (below the dimension each group quantizes), got " + codeDim);
        // SimVQ's best setting on Fashion-MNIST looks up codes in a 16-dimensional projection (BENCHMARKS.md)
        Integer cd = codeDim != null ? (codeDim == 0 ? null : codeDim) : n.equals("simvq") && perGroup > Presets.SIMVQ_CODE_DIM ? Integer.valueOf(Presets.SIMVQ_CODE_DIM) : null;
        QuantizerConfig base = single(n, codebookSize == null ? Presets.CODEBOOK_SIZE : codebookSize, false).withDim(cd != null ? cd : perGroup);
        if (cd != null) base = new ProjectedQuantizerConfig(base, perGroup);
        return groups > 1 ? GroupedQuantizerConfig.of(base, dim, groups, sharedCodebook) : base;
    }

    private QuantizerConfig single(String n, int k, boolean residualStage) {
        if (cosine && !List.of("vq", "rotation", "cvq", "ema").contains(n))
            throw new IllegalArgumentException("--cosine applies to vq, rotation, cvq and ema, not " + n);
        if (deadCodeGrace != null && !n.equals("ema"))
            throw new IllegalArgumentException("--dead-code-grace applies to ema (or rvq stages of it), not " + n);
        if (anchor != null && !List.of("cvq", "ema").contains(n))
            throw new IllegalArgumentException("--anchor applies to cvq and ema, not " + n);
        if (!n.equals("sinkhorn") && (sinkhornEps != null || sinkhornIters != null || sinkhornWarmStart || sinkhornDraw || sinkhornCodeMap != null))
            throw new IllegalArgumentException("--sinkhorn-* options apply to sinkhorn (or rvq stages of it), not " + n);
        switch (n) {
            case "vq", "rotation" -> {
                VectorQuantizerConfig p = (VectorQuantizerConfig) Presets.single(n, k, dim);
                return new VectorQuantizerConfig(k, dim, beta == null ? p.beta() : beta, p.estimator(), init(p.init()), kmeansIterations,
                        reseed(p.reseed()), ClusteredCodebookConfig.OFF, cosine);
            }
            case "ema" -> {
                EmaQuantizerConfig p = Presets.ema(k, dim);
                ClusteredCodebookConfig c = anchor == null ? p.clustering() : ClusteredCodebookConfig.of(anchor(ClusteredCodebookConfig.Anchor.RANDOM));
                return new EmaQuantizerConfig(k, dim, beta == null ? p.beta() : beta, decay == null ? p.decay() : decay, p.eps(), init(p.init()),
                        kmeansIterations, reseed(p.reseed()), c, cosine);
            }
            case "cvq" -> {
                VectorQuantizerConfig p = (VectorQuantizerConfig) Presets.single(n, k, dim);
                return new VectorQuantizerConfig(k, dim, beta == null ? p.beta() : beta, p.estimator(), init(p.init()), kmeansIterations,
                        reseed(p.reseed()), ClusteredCodebookConfig.of(anchor(p.clustering().anchor())), cosine);
            }
            case "ibq" -> {
                // the official IBQ recipe (Shi et al. 2024, its released configs): inner-product logits and an entropy loss of
                // weight 0.05 at temperature 0.01; without the entropy loss IBQ collapses (0.11 of 512 codes, BENCHMARKS.md)
                IbqConfig p = (IbqConfig) Presets.single(n, k, dim);
                IbqConfig.Logits l = ibqLogits == null ? p.logits() : switch (ibqLogits.toLowerCase(Locale.ROOT)) {
                    case "dot" -> IbqConfig.Logits.DOT;
                    case "distance" -> IbqConfig.Logits.DISTANCE;
                    default -> throw new IllegalArgumentException("unknown --ibq-logits '" + ibqLogits + "'; expected dot or distance");
                };
                return new IbqConfig(k, dim, beta == null ? p.beta() : beta, init(p.init()), kmeansIterations, l,
                        entropyWeight == null ? p.entropyWeight() : entropyWeight,
                        inverseTemperature == null ? p.entropyInverseTemperature() : inverseTemperature);
            }
            case "lfq" -> {
                LfqConfig d = (LfqConfig) Presets.single(n, k, dim);
                return new LfqConfig(d.bits(), dim, entropyWeight == null ? d.entropyWeight() : entropyWeight, d.diversityGamma(),
                        beta == null ? d.commitment() : beta, inverseTemperature == null ? d.inverseTemperature() : inverseTemperature);
            }
            case "sinkhorn" -> {
                SinkhornConfig p = (SinkhornConfig) Presets.single(n, k, dim);
                return new SinkhornConfig(k, dim, beta == null ? p.beta() : beta, init(p.init()), sinkhornEps == null ? p.epsilon() : sinkhornEps,
                        sinkhornIters == null ? p.iterations() : sinkhornIters, sinkhornWarmStart || p.warmStart(), sinkhornDraw || p.draw(),
                        sinkhornCodeMap == null ? p.codeMap() : sinkhornCodeMap);
            }
            case "simvq" -> {
                VectorQuantizerConfig.Estimator est = switch (estimator == null ? "ste" : estimator.toLowerCase(Locale.ROOT)) {
                    case "ste" -> VectorQuantizerConfig.Estimator.STRAIGHT_THROUGH;
                    case "rotation" -> VectorQuantizerConfig.Estimator.ROTATION;
                    default -> throw new IllegalArgumentException("unknown --estimator '" + estimator + "'; expected ste or rotation");
                };
                SimVqConfig p = (SimVqConfig) Presets.single(n, k, dim);
                return new SimVqConfig(k, dim, beta == null ? p.beta() : beta, simvqBias, est);
            }
            case "fsq" -> {
                if (levels != null) return new FsqConfig(levels, dim);
                return codebookSize == null ? (FsqConfig) Presets.of("fsq", dim) : (FsqConfig) Presets.single("fsq", k, dim);
            }
            default -> throw new IllegalArgumentException("unknown quantizer '" + n + "'; expected one of " + String.join(", ", NAMES)
                    + (residualStage ? " (rvq excluded)" : ""));
        }
    }

    private ClusteredCodebookConfig.Anchor anchor(ClusteredCodebookConfig.Anchor dflt) {
        String a = anchor == null ? dflt.name() : anchor;
        ClusteredCodebookConfig.Anchor parsed;
        try {
            parsed = ClusteredCodebookConfig.Anchor.valueOf(a.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown --anchor '" + a + "'; expected closest, random or probrandom");
        }
        if (parsed == ClusteredCodebookConfig.Anchor.NONE) throw new IllegalArgumentException("--anchor none disables online clustering; leave --anchor out");
        return parsed;
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

    private ReseedConfig reseed(ReseedConfig dflt) {
        ReseedConfig r = deadCodeThreshold == null ? dflt : deadCodeThreshold == 0 ? ReseedConfig.OFF : ReseedConfig.threshold(deadCodeThreshold);
        if (deadCodeGrace == null) return r;
        if (!r.enabled()) throw new IllegalArgumentException("--dead-code-grace needs dead-code reseeding (a --dead-code-threshold above 0)");
        return r.withGrace(deadCodeGrace);
    }
}
