package io.vqtok.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vqtok.datasets.Npy;
import io.vqtok.datasets.audio.Audio;
import io.vqtok.datasets.audio.WavFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static io.vqtok.cli.CliTest.vqtok;
import static org.assertj.core.api.Assertions.assertThat;

/** End-to-end audio runs of the vqtok command on a small generated corpus of tones. */
class AudioCliTest {
    @TempDir
    static Path dir;
    static Path corpus;
    static Path model;

    static void writeTones(Path folder, int files, long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < files; i++) {
            int n = 3000 + r.nextInt(3000);
            float[] x = new float[n];
            double f = 200 + 600 * r.nextDouble();
            for (int j = 0; j < n; j++) x[j] = (float) (0.5 * Math.sin(2 * Math.PI * f * j / 8000) * Math.exp(-j / 4000.0));
            WavFile.write(folder.resolve("tone" + i + ".wav"), new Audio(x, 8000));
        }
    }

    @BeforeAll
    static void trainTinyModel() throws IOException {
        corpus = dir.resolve("tones");
        Files.createDirectories(corpus.resolve("train"));
        Files.createDirectories(corpus.resolve("test"));
        writeTones(corpus.resolve("train"), 6, 1);
        writeTones(corpus.resolve("test"), 2, 2);
        model = dir.resolve("a.vqt");
        CliTest.Run r = vqtok("train", "--data", corpus.toString(), "--quantizer", "rvq", "--stages", "2", "--codebook-size", "16", "--dim", "8",
                "--sample-rate", "8000", "--segment", "2048", "--strides", "4,8", "--base-channels", "4", "--steps", "3", "--batch", "2",
                "--out", model.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out().trim());
        assertThat(j.get("hop").asInt()).isEqualTo(32);
        assertThat(j.get("test").get("files").asInt()).isEqualTo(2);
        assertThat(j.get("test").get("per_stages")).hasSize(2);
        assertThat(j.get("test").get("per_stages").get(1).get("kbps").asDouble()).isEqualTo(2.0);   // 250 frames/s × 2 × 4 bits
        assertThat(j.get("test").get("utilization_per_stage")).hasSize(2);
        assertThat(j.get("test").get("encode_x_realtime").asDouble()).isPositive();
        assertThat(WavFile.read(dir.resolve("a.wav")).sampleRate()).isEqualTo(8000);
    }

    @Test
    void encodeToAFolderThenDecodeToWavsOfTheOriginalLengths() throws IOException {
        Path codes = dir.resolve("codes");
        CliTest.Run enc = vqtok("encode", "--model", model.toString(), "--data", corpus.toString(), "--out", codes.toString());
        assertThat(enc.code()).as(enc.err()).isZero();
        assertThat(Files.readAllLines(codes.resolve("index.tsv"))).hasSize(3).first().isEqualTo("file\tsamples\tframes");
        int[] shape = Npy.readIndexArray(codes.resolve("tone0.npy")).shape();
        assertThat(shape[1]).isEqualTo(2);
        Path wavs = dir.resolve("wavs");
        CliTest.Run dec = vqtok("decode", "--model", model.toString(), "--codes", codes.toString(), "--out", wavs.toString(), "--stages", "1");
        assertThat(dec.code()).as(dec.err()).isZero();
        Audio original = WavFile.read(corpus.resolve("test/tone0.wav"));
        assertThat(WavFile.read(wavs.resolve("tone0.wav")).length()).isEqualTo(original.length());
        Path one = dir.resolve("one.wav");
        assertThat(vqtok("decode", "--model", model.toString(), "--codes", codes.resolve("tone1.npy").toString(), "--out", one.toString()).code()).isZero();
        assertThat(WavFile.read(one).length() % 32).isZero();

        CliTest.Run eval = vqtok("eval", "--model", model.toString(), "--data", corpus.toString(), "--stages", "1", "--json");
        assertThat(eval.code()).as(eval.err()).isZero();
        JsonNode ej = new ObjectMapper().readTree(eval.out().trim());
        assertThat(ej.get("per_stages")).hasSize(1);
        JsonNode st = ej.get("per_stages").get(0);
        for (String k : new String[]{"stoi", "estoi", "mel_distance", "multiscale_mel_distance", "si_snr_db", "delay_samples"})
            assertThat(st.has(k)).as(k).isTrue();
        assertThat(st.get("multiscale_mel_distance").asDouble()).isPositive();
        assertThat(ej.get("max_abs_delay_samples").isInt()).isTrue();
        CliTest.Run human = vqtok("eval", "--model", model.toString(), "--data", corpus.toString(), "--stages", "1");
        assertThat(human.code()).as(human.err()).isZero();
        assertThat(human.out()).contains("STOI").contains("mel-80").contains("mel-DAC").contains("largest alignment delay");
    }

    @Test
    void benchCodecsTabulatesTheModelsStagesBesideACodec() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.vqtok.datasets.audio.ClassicalCodec.CODEC2_3200.missingPrograms().isEmpty(),
                "codec2 not installed (scripts/bench.sh codecs installs it)");
        Path prefix = dir.resolve("bench/codecs");
        CliTest.Run r = vqtok("bench", "codecs", "--model", model.toString(), "--data", corpus.toString(), "--codecs", "codec2-3200",
                "--out", prefix.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("| codec | kbps (measured) | STOI | ESTOI |").contains("| codec2-3200 |").contains("| vqtok 2 stages | 2.00 |");
        JsonNode rows = new ObjectMapper().readTree(Files.readString(Path.of(prefix + ".json"))).get("rows");
        assertThat(rows).hasSize(3);   // codec2 and the model at 1 and 2 stages
        assertThat(rows.get(0).get("kbps").asDouble()).isBetween(3.0, 3.4);
        assertThat(rows.get(2).get("kbps").asDouble()).isEqualTo(2.0);
        assertThat(Files.readString(Path.of(prefix + ".md"))).startsWith("| codec |");
    }

    @Test
    void benchCodecsRejectsBadFlagsWithExitCode2AndWritesNothing() {
        Path prefix = dir.resolve("badbench/codecs");
        CliTest.Run unknown = vqtok("bench", "codecs", "--data", corpus.toString(), "--codecs", "mp3", "--out", prefix.toString());
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("unknown codec 'mp3'").contains("codec2-3200").doesNotContain("\tat ");
        CliTest.Run split = vqtok("bench", "codecs", "--data", corpus.toString(), "--split", "train", "--out", prefix.toString());
        assertThat(split.code()).isEqualTo(2);
        assertThat(split.err()).contains("--split must be test or validation");
        assertThat(Path.of(prefix + ".json")).doesNotExist();
    }

    @Test
    void theCodecRecipeTrainsWithSnakeDilatedUnitsMelAndL1TermsAndAWarmedUpCosineRate() throws IOException {
        Path m = dir.resolve("codec.vqt");
        CliTest.Run r = vqtok("train", "--data", corpus.toString(), "--quantizer", "rvq", "--stages", "2", "--codebook-size", "16", "--dim", "8",
                "--sample-rate", "8000", "--segment", "2048", "--strides", "4,8", "--base-channels", "4", "--residual-units", "2",
                "--activation", "snake", "--spectral-loss", "0", "--mel-loss", "1", "--waveform-l1", "0.5", "--si-snr-loss", "0.1",
                "--encoder-residual-units", "1", "--lr", "1e-3",
                "--warmup-steps", "2", "--lr-schedule", "cosine", "--steps", "3", "--batch", "2", "--out", m.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out().trim());
        assertThat(j.get("activation").asText()).isEqualTo("snake");
        assertThat(j.get("mel_loss").asDouble()).isEqualTo(1.0);
        assertThat(j.get("lr_schedule").asText()).isEqualTo("cosine");
        assertThat(j.get("si_snr_loss").asDouble()).isEqualTo(0.1);
        assertThat(j.get("encoder_residual_units").asInt()).isEqualTo(1);
        assertThat(j.get("residual_units").asInt()).isEqualTo(2);
        List<JsonNode> log = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("codec.vqt.log.jsonl"))) log.add(new ObjectMapper().readTree(line));
        assertThat(log).hasSize(3);
        // warm-up 1e-3 · 1/2, 1e-3 · 2/2, then the cosine's last step: a tenth of the peak
        assertThat(log.get(0).get("lr").asDouble()).isCloseTo(5e-4, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(log.get(1).get("lr").asDouble()).isCloseTo(1e-3, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(log.get(2).get("lr").asDouble()).isCloseTo(1e-4, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(log.get(0).has("loss.mel")).isTrue();
        assertThat(log.get(0).get("loss.mel").asDouble()).isPositive();
        assertThat(log.get(0).get("loss.waveform_l1").asDouble()).isPositive();
        assertThat(log.get(0).get("loss.neg_si_snr").asDouble()).isFinite();
        // the Snake parameters are saved and read back: the model evaluates
        CliTest.Run eval = vqtok("eval", "--model", m.toString(), "--data", corpus.toString(), "--json");
        assertThat(eval.code()).as(eval.err()).isZero();

        CliTest.Run image = vqtok("train", "--mel-loss", "1", "--steps", "1", "--out", dir.resolve("img.vqt").toString());
        assertThat(image.code()).isEqualTo(2);
        assertThat(image.err()).contains("--mel-loss, --waveform-l1, --si-snr-loss, --si-snr-start, --spectral-loss and --encoder-residual-units apply to audio data only");
        CliTest.Run imageUnits = vqtok("train", "--encoder-residual-units", "1", "--steps", "1", "--out", dir.resolve("img.vqt").toString());
        assertThat(imageUnits.code()).isEqualTo(2);
        assertThat(imageUnits.err()).contains("apply to audio data only");
        CliTest.Run act = vqtok("train", "--data", corpus.toString(), "--activation", "relu", "--steps", "1", "--out", dir.resolve("x.vqt").toString());
        assertThat(act.code()).isEqualTo(2);
        assertThat(act.err()).contains("unknown --activation 'relu'");
    }

    @Test
    void audioRunsWithoutLossOrScheduleFlagsTakeTheLibrarysSpeechCodecPreset() throws IOException {
        Path m = dir.resolve("preset.vqt");
        CliTest.Run r = vqtok("train", "--data", corpus.toString(), "--quantizer", "rvq", "--stages", "2", "--codebook-size", "16", "--dim", "8",
                "--sample-rate", "8000", "--segment", "2048", "--strides", "4,8", "--base-channels", "4", "--steps", "2", "--batch", "2",
                "--out", m.toString(), "--json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out().trim());
        io.vqtok.autoencoders.TrainConfig p = io.vqtok.autoencoders.TrainConfig.speechCodec(0);
        io.vqtok.autoencoders.AudioAutoencoderConfig a = io.vqtok.autoencoders.AudioAutoencoderConfig.speechCodec16k(8);
        assertThat(j.get("lr").asDouble()).isEqualTo(p.learningRate());
        assertThat(j.get("mel_loss").asDouble()).isEqualTo(p.melLoss());
        assertThat(j.get("waveform_l1").asDouble()).isEqualTo(p.waveformL1());
        assertThat(j.get("spectral_loss").asDouble()).isEqualTo(p.spectralLoss());
        assertThat(j.get("lr_schedule").asText()).isEqualTo("cosine");
        assertThat(j.get("warmup_steps").asInt()).isEqualTo(2);   // the preset's 200, capped at the run's 2 steps
        assertThat(j.get("residual_units").asInt()).isEqualTo(a.residualUnits());
        assertThat(j.get("encoder_residual_units").asInt()).isEqualTo(a.encoderResidualUnits());
        assertThat(j.get("si_snr_loss").asDouble()).isEqualTo(p.siSnrLoss());
        assertThat(j.get("activation").asText()).isEqualTo(a.activation().name().toLowerCase(java.util.Locale.ROOT));
    }

    @Test
    void badAudioInputGivesShortErrorsAndNoOutput() throws IOException {
        Path wrong = dir.resolve("wrong.npy");
        Npy.writeInts(wrong, new int[12], 4, 3);
        CliTest.Run shape = vqtok("decode", "--model", model.toString(), "--codes", wrong.toString(), "--out", dir.resolve("w.wav").toString());
        assertThat(shape.code()).isNotZero();
        assertThat(shape.err()).contains("do not match the model's [F, 2]").doesNotContain("\tat ");
        assertThat(dir.resolve("w.wav")).doesNotExist();

        Path range = dir.resolve("range.npy");
        Npy.writeInts(range, new int[]{0, 1, 16, 2}, 2, 2);
        CliTest.Run rg = vqtok("decode", "--model", model.toString(), "--codes", range.toString(), "--out", dir.resolve("r.wav").toString());
        assertThat(rg.err()).contains("out of range");
        assertThat(dir.resolve("r.wav")).doesNotExist();

        Path broken = dir.resolve("broken");
        Files.createDirectories(broken.resolve("train"));
        Files.createDirectories(broken.resolve("test"));
        Files.writeString(broken.resolve("train/bad.wav"), "RIFF but not really");
        Files.writeString(broken.resolve("train/worse.wav"), "RIFF not either");   // two files: enough to carve a validation split
        CliTest.Run corrupt = vqtok("train", "--data", broken.toString(), "--quantizer", "vq", "--steps", "1", "--out", dir.resolve("b.vqt").toString());
        assertThat(corrupt.code()).isEqualTo(2);
        assertThat(corrupt.err()).contains("bad.wav").doesNotContain("\tat ");
        assertThat(dir.resolve("b.vqt")).doesNotExist();

        CliTest.Run missing = vqtok("eval", "--model", model.toString(), "--data", dir.resolve("nowhere").toString());
        assertThat(missing.code()).isNotZero();
    }
}
