package io.vqtok.cli;

import io.vqtok.autoencoders.AudioAutoencoderConfig;
import io.vqtok.autoencoders.AudioTokenizer;
import io.vqtok.autoencoders.TokenizerConfig;
import io.vqtok.autoencoders.TokenizerTrainer;
import io.vqtok.autoencoders.TrainConfig;
import io.vqtok.autoencoders.TrainingBatches;
import io.vqtok.autoencoders.TrainingRun;
import io.vqtok.autoencoders.TrainingStats;
import io.vqtok.datasets.Split;
import io.vqtok.datasets.audio.Audio;
import io.vqtok.datasets.audio.AudioFolderDataset;
import io.vqtok.datasets.audio.WavFile;
import io.vqtok.quantizers.QuantizerConfig;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code vqtok train} on audio: random crops of the training WAVs, then whole-file evaluation of the test split. */
final class AudioTraining {
    private AudioTraining() {
    }

    static TrainCommand.Summary run(TrainCommand c) {
        AudioAutoencoderConfig preset = AudioAutoencoderConfig.speechCodec16k(c.quantizer.dim);
        TrainConfig tc = c.trainConfig(TrainConfig.speechCodec(c.seed));
        int batch = tc.batchSize();
        QuantizerConfig qc = c.quantizer.toConfig();
        AudioAutoencoderConfig ac = new AudioAutoencoderConfig(c.sampleRate != null ? c.sampleRate : preset.sampleRate(),
                c.segment != null ? c.segment : preset.segment(), c.baseChannels != null ? c.baseChannels : preset.baseChannels(),
                c.strides != null ? c.strides : preset.strides(), c.residualUnits != null ? c.residualUnits : preset.residualUnits(),
                c.quantizer.dim, c.activation(preset.activation()),
                c.encoderResidualUnits != null ? c.encoderResidualUnits : c.residualUnits != null ? c.residualUnits : preset.encoderResidualUnits());
        AudioFolderDataset train = Data.openAudio(c.data, Split.TRAIN, ac.sampleRate());
        TokenizerConfig config = new TokenizerConfig(ac, qc);
        String description = train.description();
        TokenizerTrainer trainer = c.trainer(config, tc, description, () -> AudioTokenizer.create(config, c.seed));
        AudioTokenizer tokenizer = (AudioTokenizer) trainer.tokenizer();   // trained in place by the run below
        System.err.printf("vqtok train: %s on %s, %d steps x %d segments of %.2f s (hop %d, %.1f frames/s), lr %g, seed %d%n",
                qc.describe(), description, tc.steps(), batch, ac.segment() / (double) ac.sampleRate(), ac.hop(), ac.frameRate(), tc.learningRate(), c.seed);

        TrainingRun.Result run;
        try (TrainCommand.Progress progress = new TrainCommand.Progress(tc.steps(), trainer.step(), "s audio/s", ac.segment() / (double) ac.sampleRate())) {
            // each step's crops are drawn with that step's generator, so a resumed run draws the same crops
            run = TrainingRun.train(trainer, TrainingBatches.audioCrops(train, ac.segment(), tc), c.out, progress.stats, progress);
        }
        TrainingStats stats = run.stats();
        double wallSeconds = run.wallSeconds();

        io.vqtok.autoencoders.AudioEvaluator.Result validationEval = AudioEval.evaluate(tokenizer, Data.openAudio(c.data, Split.VALIDATION, ac.sampleRate()),
                AudioEval.defaultStages(tokenizer.quantizer().indexChannels()), c.evalLimit);
        AudioFolderDataset test = Data.openAudio(c.data, Split.TEST, ac.sampleRate());
        io.vqtok.autoencoders.AudioEvaluator.Result eval = AudioEval.evaluate(tokenizer, test, AudioEval.defaultStages(tokenizer.quantizer().indexChannels()), c.evalLimit);
        Path wav = siblingWav(c.out);
        float[] first = test.clip(0);
        WavFile.write(wav, new Audio(clip(tokenizer.reconstruct(first, tokenizer.quantizer().indexChannels())), ac.sampleRate()));

        Map<String, Object> m = new LinkedHashMap<>();
        m.put("quantizer", c.quantizer.name);
        m.put("config", qc.describe());
        m.put("codebook_size", tokenizer.quantizer().codebookSize());
        m.put("stages", tokenizer.quantizer().indexChannels());
        m.put("sample_rate", ac.sampleRate());
        m.put("hop", ac.hop());
        m.put("steps", tc.steps());
        m.put("resumed_from_step", stats.startStep());
        m.put("batch", batch);
        m.put("segment", ac.segment());
        m.put("base_channels", ac.baseChannels());
        m.put("residual_units", ac.residualUnits());
        m.put("encoder_residual_units", ac.encoderResidualUnits());
        m.put("lr", tc.learningRate());
        m.put("spectral_loss", tc.spectralLoss());
        m.put("mel_loss", tc.melLoss());
        m.put("waveform_l1", tc.waveformL1());
        m.put("si_snr_loss", tc.siSnrLoss());
        m.put("si_snr_start", tc.siSnrStart());
        m.put("warmup_steps", tc.warmupSteps());
        m.put("lr_schedule", tc.schedule().name().toLowerCase(java.util.Locale.ROOT));
        m.put("activation", ac.activation().name().toLowerCase(java.util.Locale.ROOT));
        m.put("seed", c.seed);
        m.put("train_audio_s_per_s", Json.round(stats.unitsPerSecond(), 2));
        m.put("train_s", Json.round(wallSeconds, 1));
        m.put("final_train_loss", Json.round(stats.lastLoss(), 6));
        m.put("codes_reseeded", stats.reseeded());
        m.put("resident_memory", TrainCommand.memory(stats));
        m.put("validation", AudioEval.json(validationEval));
        m.put("test", AudioEval.json(eval));
        m.put("model", c.out.toString());
        m.put("log", run.log().toString());
        m.put("reconstruction", wav.toString());
        String human = String.format("trained %s: %d steps in %.1f s, %.1f s of audio per second (compute only), final loss %.5f%n",
                qc.describe(), tc.steps(), wallSeconds, stats.unitsPerSecond(), stats.lastLoss())
                + "validation: " + AudioEval.human(validationEval) + "\n"
                + "test: " + AudioEval.human(eval) + "\n"
                + "model: " + c.out + "   reconstruction of " + test.files().get(0).getFileName() + ": " + wav;
        return new TrainCommand.Summary(m, human);
    }

    static float[] clip(float[] x) {
        float[] y = x.clone();
        for (int i = 0; i < y.length; i++) y[i] = Math.max(-1f, Math.min(1f, y[i]));
        return y;
    }

    static Path siblingWav(Path model) {
        String name = model.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return model.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".wav");
    }
}
