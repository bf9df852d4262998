// How the speech preset's codebooks collapse in the first steps: trains the preset (seed 0, the real training crops,
// the new multi-batch data initialisation) and prints, before each step, the batch's encoder outputs z: the norm of
// their mean, their spread (root mean square distance to the mean), how far the mean moved since the step before, and
// for the first three residual stages the codes the batch uses and the residual's root mean square. Optional: the
// stages' commitment weight beta and EMA decay in place of the preset's (0.25, 0.99), and a number of steps W before
// each of which the codebooks are initialised from the data again (0: only before step 1). Run through scripts/profile.sh:
// A fifth argument, simvq, puts SimVQ stages (a frozen random basis times a trained linear map; beta as given, no EMA)
// in place of the preset's EMA stages; affine, the preset's stages with EmaQuantizerConfig.affine. The stage columns
// are inference's assignment of the batch before the step; "step use" and "perplexity" are the training step's own
// (the mean over stages of the fraction of codes the batch used). The last column is the step's loss as the trainer reports it.
//   scripts/profile.sh EarlyDrift STEPS [BETA DECAY [W [ema|simvq|affine [G]]]]
import io.vqtok.autoencoders.*;
import io.vqtok.datasets.Split;
import io.vqtok.datasets.audio.AudioFolderDataset;
import io.vqtok.quantizers.*;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

public class EarlyDrift {
    public static void main(String[] a) throws Exception {
        int steps = Integer.parseInt(a[0]);
        ResidualQuantizerConfig preset = Presets.speechResidual(64);
        EmaQuantizerConfig e = (EmaQuantizerConfig) preset.stage();
        int reinit = a.length > 3 ? Integer.parseInt(a[3]) : 0;
        double beta = a.length > 1 ? Double.parseDouble(a[1]) : e.beta(), decay = a.length > 2 ? Double.parseDouble(a[2]) : e.decay();
        e = new EmaQuantizerConfig(e.codebookSize(), e.dim(), beta, decay, e.eps(), e.init(), e.kmeansIterations(), e.reseed(), e.clustering(), e.cosine());
        boolean simvq = a.length > 4 && a[4].equals("simvq");
        if (a.length > 4 && a[4].equals("affine")) e = e.withAffine(true);
        QuantizerConfig stageConfig = simvq ? new SimVqConfig(e.codebookSize(), e.dim(), beta, false) : e;
        ResidualQuantizerConfig rc = new ResidualQuantizerConfig(stageConfig, preset.stages(), preset.dropout(), preset.dropoutRate(), preset.sharedCodebook(), preset.scaleStages());
        AudioTokenizer t = AudioTokenizer.create(new TokenizerConfig(AudioAutoencoderConfig.speechCodec16k(64), rc), 0);
        TrainConfig tc = TrainConfig.speechCodec(0);
        AudioFolderDataset train = AudioFolderDataset.open(AudioFolderDataset.DEFAULT_DIR, Split.TRAIN, t.sampleRate());
        TrainingBatches batches = TrainingBatches.audioCrops(train, t.autoencoderConfig().segment(), tc);
        TokenizerTrainer trainer = new TokenizerTrainer(t, tc);
        trainer.initialize(batches);
        ResidualQuantizer rq = (ResidualQuantizer) t.quantizer();
        // optional sixth argument G: data-initialised codes start with the cluster size that a code unused for G steps
        // decays from to the reseed threshold (threshold · N/K / decay^G), instead of 1
        if (a.length > 5) {
            int grace = Integer.parseInt(a[5]);
            double share = (double) t.latentRows(batches.peek(1)).size(0) / e.codebookSize();
            double count = e.reseed().threshold() * share / Math.pow(e.decay(), grace);
            System.out.printf("initial cluster size %.4g (grace %d steps, uniform share %.4g)%n", count, grace, share);
            for (Quantizer stage : rq.stages()) {
                ((EmaVectorQuantizer) stage).ema().countEachCodeAs(count);
            }
        }
        System.out.println("step |mean| spread shift  stage:codes_used/residual_rms  (" + (simvq ? "simvq" : e.affine() ? "affine ema" : "ema") + " stages, beta " + beta + ", decay " + decay + ", initialised before steps 1.." + Math.max(1, reinit) + ")");
        INDArray previous = null;
        for (int s = 1; s <= steps; s++) {
            if (s > 1 && s <= reinit)  // the encoder outputs of this step's batch and the two after it (1200 rows)
                rq.initialize(Nd4j.concat(0, t.latentRows(batches.peek(s)), t.latentRows(batches.peek(s + 1)), t.latentRows(batches.peek(s + 2))));
            INDArray batch = batches.batch(s);
            INDArray z = t.latentRows(batch);
            INDArray mean = z.mean(0);
            INDArray centred = z.subRowVector(mean);
            double spread = Math.sqrt(centred.mul(centred).sum(1).meanNumber().doubleValue());
            double shift = previous == null ? 0 : mean.sub(previous).norm2Number().doubleValue();
            previous = mean;
            StringBuilder b = new StringBuilder();
            INDArray r = z.dup();
            for (int q = 0; q < 3; q++) {
                Quantizer stage = rq.stages().get(q);
                INDArray idx = stage.indices(r);
                long used = Arrays.stream(idx.toIntVector()).distinct().count();
                b.append(String.format(" s%d:%d/%.3g", q + 1, used, Math.sqrt(r.mul(r).sum(1).meanNumber().doubleValue())));
                r.subi(stage.codes(idx));
            }
            StepReport report = trainer.step(batch);
            // the same batch through the updated encoder, each row's nearest among the rows before the update: distinct
            // matches of N (N when the step moved nothing), raw, each set standardised per dimension by its own mean and
            // deviation, and l2-normalised
            INDArray after = t.latentRows(batch);
            String kept = String.format("kept raw %d std %d l2 %d of %d", matched(z, after), matched(standardised(z), standardised(after)),
                    matched(io.vqtok.codebook.Distances.normalizeRows(z), io.vqtok.codebook.Distances.normalizeRows(after)), z.size(0));
            if (s <= 12 || s % 10 == 0 || (s > reinit && s <= reinit + 12))
                System.out.printf("%d %.4g %.4g %.4g %s loss %.4g step use %.3f perplexity %.1f reseeded %d %s%n", s, mean.norm2Number().doubleValue(), spread, shift, b,
                        report.loss(), report.batchUsage(), report.batchPerplexity(), report.reseeded(), kept);
        }
    }

    private static long matched(INDArray codes, INDArray rows) {
        return Arrays.stream(io.vqtok.codebook.Distances.nearestIndices(rows, codes)).distinct().count();
    }

    private static INDArray standardised(INDArray z) {
        INDArray centred = z.subRowVector(z.mean(0));
        return centred.divRowVector(org.nd4j.linalg.ops.transforms.Transforms.sqrt(centred.mul(centred).mean(0).addi(1e-12), false));
    }
}
