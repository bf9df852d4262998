package io.vqtok.autoencoders;

import io.vqtok.codebook.CodebookInit;
import io.vqtok.quantizers.EmaQuantizerConfig;
import io.vqtok.quantizers.ResidualQuantizerConfig;
import io.vqtok.quantizers.VectorQuantizerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class AudioTokenizerTest {
    /** 8 kHz, hop 32 (strides 4, 8), small channels: fast enough for unit tests. */
    private static final AudioAutoencoderConfig SMALL = new AudioAutoencoderConfig(8000, 2048, 4, new int[]{4, 8}, 1, 8);

    private static AudioTokenizer tokenizer(int stages) {
        return AudioTokenizer.create(new TokenizerConfig(SMALL, new ResidualQuantizerConfig(
                EmaQuantizerConfig.of(16, 8).withInit(CodebookInit.DATA), stages)), 3);
    }

    /** Tones with random pitch and amplitude, [n, 1, 1, length]. */
    static INDArray tones(int n, int length, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * length];
        for (int i = 0; i < n; i++) {
            double f = 100 + r.nextDouble() * 900, a = 0.2 + 0.5 * r.nextDouble(), ph = r.nextDouble() * 6;
            for (int j = 0; j < length; j++) x[i * length + j] = (float) (a * Math.sin(2 * Math.PI * f * j / 8000 + ph));
        }
        return Nd4j.create(x, new long[]{n, 1, 1, length}, 'c');
    }

    @Test
    void everyStrideLayoutEncodesLengthOverHopFramesAndDecodesBackToTheLength() {
        for (int[] strides : List.of(new int[]{2, 4, 5, 8}, new int[]{4, 4, 4}, new int[]{3, 5}, new int[]{2})) {
            int hop = 1;
            for (int s : strides) hop *= s;
            AudioAutoencoderConfig c = new AudioAutoencoderConfig(16000, hop * 4, 4, strides, 1, 6);
            AudioAutoencoder ae = c.create(1);
            SameDiff sd = SameDiff.create();
            SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 1, 1, -1);
            SDVariable z = ae.encode(sd, x).rename("z");
            ae.decode(sd, z).rename("y");
            INDArray in = Nd4j.rand(DataType.FLOAT, 2, 1, 1, hop * 7);
            var out = sd.output(java.util.Map.of("x", in), "z", "y");
            assertThat(out.get("z").shape()).as(java.util.Arrays.toString(strides)).containsExactly(2, 6, 1, 7);
            assertThat(out.get("y").shape()).as(java.util.Arrays.toString(strides)).containsExactly(2, 1, 1, hop * 7);
        }
    }

    @Test
    void windowedEncodingEqualsEncodingTheWholeSignal() {
        AudioTokenizer t = tokenizer(2);
        // several encoding windows, the last one partial: in one call, and in two (the second with 2 windows); below, short
        // windows in many calls too. The decoding windows (250 frames) likewise.
        for (int windows : new int[]{2, AudioTokenizer.ENCODER_WINDOWS_PER_CALL + 2}) {
            int frames = (windows - 1) * t.encoderCoreFrames() + 7;
            INDArray x = tones(1, frames * t.hop(), 5);
            INDArray whole = Tokenizer.flatten(t.latents(x));                          // [F, D]
            INDArray windowed = t.latentFrames(x.data().asFloat());
            INDArray shortWindows = t.latentFrames(java.util.List.of(x.data().asFloat()), 3, 70).get(0);
            assertThat(windowed.shape()).containsExactly(frames, 8);
            // the context covers the receptive field, so frames away from the signal's two ends agree exactly
            int edge = t.contextFrames();
            INDArray a = whole.get(NDArrayIndex.interval(edge, frames - edge), NDArrayIndex.all());
            INDArray b = windowed.get(NDArrayIndex.interval(edge, frames - edge), NDArrayIndex.all());
            assertThat(a.equalsWithEps(b, 1e-4)).as("%d windows", windows).isTrue();
            assertThat(a.equalsWithEps(shortWindows.get(NDArrayIndex.interval(edge, frames - edge), NDArrayIndex.all()), 1e-4))
                    .as("%d windows, windows of 70 frames", windows).isTrue();
            // decoding by windows equals decoding the whole latent sequence
            t.quantizer().initialize(whole);
            INDArray codes = t.encode(x.data().asFloat());
            float[] decoded = t.decode(codes);
            float[] direct = t.decodeLatents(t.quantizer().codes(codes, t.quantizer().indexChannels()).transpose()
                    .reshape(1, 8, 1, frames)).data().asFloat();
            for (int i = edge * t.hop(); i < (frames - edge) * t.hop(); i++)
                assertThat(decoded[i]).as("%d windows, sample %d", windows, i).isCloseTo(direct[i], within(1e-4f));
        }
    }

    @Test
    void dilatedResidualUnitsWidenTheContextSoThatWindowedCodingStillEqualsWholeSignalCoding() {
        // three residual units per stride: dilations 1, 3, 9 reach far beyond the 4 frames of context a single unit needs
        AudioAutoencoderConfig wide = new AudioAutoencoderConfig(8000, 2048, 4, new int[]{4, 8}, 3, 8);
        // one unit: encoder radius 3 + (3 + 4)·1 + (3 + 8)·4 + 32 = 86 samples = 2.7 frames of 32, decoder 3·32 + 51 + 3 = 150 = 4.7
        assertThat(SMALL.contextFrames()).isEqualTo(5);
        // three: encoder 3 + (39 + 4)·1 + (39 + 8)·4 + 32 = 266 samples = 8.3 frames, decoder 3·32 + 231 + 3 = 330 = 10.3
        assertThat(wide.contextFrames()).isEqualTo(11);
        AudioTokenizer t = AudioTokenizer.create(new TokenizerConfig(wide, new ResidualQuantizerConfig(
                EmaQuantizerConfig.of(16, 8).withInit(CodebookInit.DATA), 2)), 3);
        assertThat(t.contextFrames()).isEqualTo(11);
        int frames = 3 * t.encoderCoreFrames() + 7;
        INDArray x = tones(1, frames * t.hop(), 5);
        INDArray whole = Tokenizer.flatten(t.latents(x));
        INDArray windowed = t.latentFrames(x.data().asFloat());
        int edge = t.contextFrames();
        INDArray a = whole.get(NDArrayIndex.interval(edge, frames - edge), NDArrayIndex.all());
        INDArray b = windowed.get(NDArrayIndex.interval(edge, frames - edge), NDArrayIndex.all());
        assertThat(a.equalsWithEps(b, 1e-4)).isTrue();
        t.quantizer().initialize(whole);
        INDArray codes = t.encode(x.data().asFloat());
        float[] decoded = t.decode(codes);
        INDArray all = t.decodeLatents(t.quantizer().codes(codes, 2).transpose().reshape(1, 8, 1, frames));
        float[] direct = all.data().asFloat();
        int from = edge * t.hop(), to = (frames - edge) * t.hop();
        for (int i = from; i < to; i++) assertThat(decoded[i]).as("sample %d", i).isCloseTo(direct[i], within(1e-4f));
    }

    @Test
    void aLighterEncoderHasItsOwnNarrowerContextAndWindowedCodingStillEqualsWholeSignalCoding() {
        // encoder with one unit per stride, decoder with three
        AudioAutoencoderConfig asym = new AudioAutoencoderConfig(8000, 2048, 4, new int[]{4, 8}, 3, 8).withEncoderResidualUnits(1);
        // encoder 3 + (3 + 4)·1 + (3 + 8)·4 + 32 = 86 samples = 2.7 frames of 32; decoder 3·32 + (39 + 4)·1 + (39 + 8)·4 + 3 = 330 = 10.3
        assertThat(asym.encoderContextFrames()).isEqualTo(3);
        assertThat(asym.decoderContextFrames()).isEqualTo(11);
        AudioTokenizer t = AudioTokenizer.create(new TokenizerConfig(asym, new ResidualQuantizerConfig(
                EmaQuantizerConfig.of(16, 8).withInit(CodebookInit.DATA), 2)), 3);
        assertThat(t.encoderContextFrames()).isEqualTo(AudioTokenizer.MIN_CONTEXT_FRAMES);
        assertThat(t.decoderContextFrames()).isEqualTo(11);
        assertThat(t.autoencoder().parameters()).containsKeys("enc.s0.res0.conv7.w", "dec.s0.res2.conv7.w", "dec.s1.res2.conv1.w")
                .doesNotContainKeys("enc.s0.res1.conv7.w", "enc.s1.res2.conv7.w");
        int frames = 3 * t.encoderCoreFrames() + 7;
        INDArray x = tones(1, frames * t.hop(), 5);
        INDArray whole = Tokenizer.flatten(t.latents(x));
        INDArray windowed = t.latentFrames(x.data().asFloat());
        int edge = t.encoderContextFrames();
        assertThat(whole.get(NDArrayIndex.interval(edge, frames - edge), NDArrayIndex.all())
                .equalsWithEps(windowed.get(NDArrayIndex.interval(edge, frames - edge), NDArrayIndex.all()), 1e-4)).isTrue();
        t.quantizer().initialize(whole);
        INDArray codes = t.encode(x.data().asFloat());
        float[] decoded = t.decode(codes);
        float[] direct = t.decodeLatents(t.quantizer().codes(codes, 2).transpose().reshape(1, 8, 1, frames)).data().asFloat();
        for (int i = 11 * t.hop(); i < (frames - 11) * t.hop(); i++) assertThat(decoded[i]).as("sample %d", i).isCloseTo(direct[i], within(1e-4f));
        // a symmetric config is what files written before the field existed give
        assertThat(new AudioAutoencoderConfig(8000, 2048, 4, new int[]{4, 8}, 3, 8, null, null).encoderResidualUnits()).isEqualTo(3);
        assertThatThrownBy(() -> asym.withEncoderResidualUnits(4)).hasMessageContaining("encoder residual units must be in [0, 3], got 4");
    }

    @Test
    void filesWrittenBeforeEncoderUnitsAndTheSiSnrWeightExistedReadAsSymmetricModelsWithoutTheTerm() throws Exception {
        TokenizerConfig c = new TokenizerConfig(AudioAutoencoderConfig.speechCodec16k(8), new ResidualQuantizerConfig(EmaQuantizerConfig.of(16, 8), 2));
        com.fasterxml.jackson.databind.node.ObjectNode tree = ModelFile.JSON.valueToTree(c);
        assertThat(tree.get("autoencoder").get("encoderResidualUnits").asInt()).isEqualTo(3);
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("autoencoder")).remove("encoderResidualUnits");
        TokenizerConfig back = ModelFile.JSON.treeToValue(tree, TokenizerConfig.class);
        assertThat(back).isEqualTo(c);
        assertThat(((AudioAutoencoderConfig) back.autoencoder()).encoderResidualUnits()).isEqualTo(3);
        com.fasterxml.jackson.databind.node.ObjectNode train = ModelFile.JSON.valueToTree(TrainConfig.speechCodec(0).withSiSnrLoss(0.5));
        assertThat(ModelFile.JSON.treeToValue(train, TrainConfig.class).siSnrLoss()).isEqualTo(0.5);
        train.remove("siSnrLoss");
        train.remove("siSnrStart");
        // a file from before the term existed was trained without it: it reads as weight 0, not as today's preset
        assertThat(ModelFile.JSON.treeToValue(train, TrainConfig.class)).isEqualTo(TrainConfig.speechCodec(0).withSiSnrLoss(0, 0));
    }

    @Test
    void aLateSiSnrTermWeighsNothingUpToItsStartAndItsScheduledWeightAfter() {
        // steps 1-2 without the term, then its weight rises 0.5/200 per step: the reported term is weight x raw SI-SNR loss
        int start = 2;
        TrainConfig tc = new TrainConfig(5, 2, 1e-3, 3, 0).withAudioLosses(0, 0, 1).withSiSnrLoss(0.5, start);
        AudioTokenizer late = tokenizer(1);
        TokenizerTrainer trainer = new TokenizerTrainer(late, tc);
        List<StepReport> reports = new ArrayList<>();
        trainer.train(() -> tones(2, 2048, 6), "tones", reports::add);
        assertThat(reports).hasSize(5);
        // the same run with the term at a fixed weight reports the raw loss x that weight; compare at the first step
        AudioTokenizer fixed = tokenizer(1);
        List<StepReport> fixedReports = new ArrayList<>();
        new TokenizerTrainer(fixed, tc.withSiSnrLoss(1.0, 0).withRun(1, 2, 1e-3, 0, 2)).train(() -> tones(2, 2048, 6), "tones", fixedReports::add);
        StepReport firstFixed = fixedReports.get(0);
        double raw = firstFixed.terms().get("neg_si_snr");
        assertThat(Math.abs(raw)).isGreaterThan(1);                   // tones against an untrained decoder: far from 0 dB
        assertThat(reports.get(0).terms().get("neg_si_snr")).isZero();
        assertThat(reports.get(1).terms().get("neg_si_snr")).isZero();
        // step 1 is before any update, so the two runs' models agree there: the zero is the weight, not the loss
        assertThat(reports.get(0).reconstruction()).isCloseTo(firstFixed.reconstruction(), within(1e-6));
        for (int s = 3; s <= 5; s++) {
            StepReport r = reports.get(s - 1);
            double weight = 0.5 * (s - start) / TrainConfig.SI_SNR_RAMP_STEPS;
            assertThat(tc.siSnrWeightAt(s)).isCloseTo(weight, within(1e-12));
            assertThat(r.terms().get("neg_si_snr")).as("step %d", s).isNotZero();
            // the total is the sum of the reported terms, so the weighted term is in the optimised loss
            double sum = r.reconstruction() + r.terms().values().stream().mapToDouble(Double::doubleValue).sum();
            assertThat(r.loss()).isCloseTo(sum, within(1e-4 * Math.abs(r.loss()) + 1e-6));
        }
        // its ratio to the raw loss is the weight: the raw term of step s is the term / weight, of the size of step 1's
        double raw3 = reports.get(2).terms().get("neg_si_snr") / (0.5 / TrainConfig.SI_SNR_RAMP_STEPS);
        assertThat(raw3).isCloseTo(raw, within(0.2 * Math.abs(raw)));
    }

    @Test
    void codesHaveOneRowPerFrameAndDecodeToWholeFrames() {
        AudioTokenizer t = tokenizer(3);
        float[] x = tones(1, 1000, 2).data().asFloat();               // not a multiple of the hop (32)
        INDArray codes = t.encode(x);
        assertThat(codes.shape()).containsExactly(32, 3);              // ⌈1000 / 32⌉
        assertThat(codes.dataType()).isEqualTo(DataType.INT32);
        assertThat(t.decode(codes)).hasSize(32 * 32);
        assertThat(t.decode(codes, 1)).hasSize(32 * 32);
        assertThat(t.reconstruct(x, 3)).hasSize(1000);
        // bitrate: 8000/32 = 250 frames/s, 4 bits per stage
        assertThat(t.kbps(2)).isCloseTo(250 * 2 * 4 / 1000.0, within(1e-9));
        assertThatThrownBy(() -> t.decode(Nd4j.zeros(DataType.INT32, 5, 2))).hasMessageContaining("do not match [F, 3]");
        assertThatThrownBy(() -> t.decode(codes, 4)).hasMessageContaining("number of stages");
        float[] bad = x.clone();
        bad[17] = Float.NaN;
        assertThatThrownBy(() -> t.encode(bad)).hasMessageContaining("sample 17").hasMessageContaining("NaN");
    }

    @Test
    void encodingSeveralWaveformsTogetherGivesEachTheCodesItGetsAlone() {
        AudioTokenizer t = tokenizer(3);
        t.quantizer().initialize(t.latentRows(tones(4, 4096, 8)));
        // lengths around the encoding window (200 frames = 6400 samples): shorter than a hop, than a window, one window
        // exactly, just over one, several
        assertThat(t.encoderCoreFrames()).isEqualTo(200);
        int[] lengths = {1000, 3 * 6400 + 17, 5, 6400, 20000, 6401, 8000, 2 * 6400 + 100};
        java.util.List<float[]> clips = new java.util.ArrayList<>();
        for (int i = 0; i < lengths.length; i++) clips.add(tones(1, lengths[i], 30 + i).data().asFloat());
        java.util.List<INDArray> together = t.encode(clips);
        assertThat(together).hasSize(clips.size());
        for (int i = 0; i < clips.size(); i++) {
            INDArray alone = t.encode(clips.get(i));
            assertThat(together.get(i).shape()).as("clip %d", i).containsExactly(alone.shape());
            assertThat(together.get(i)).as("codes of clip %d", i).isEqualTo(alone);
        }
        // short windows, 2 or 3 a call, cut the stream at every offset in a clip: every clip's frames are still its own
        java.util.List<INDArray> reference = new java.util.ArrayList<>();
        for (float[] clip : clips) reference.add(wholeWithSilentContext(t, clip));
        for (int[] geometry : new int[][]{{3, 37}, {2, 251}, {1, 500}, {8, t.encoderCoreFrames()}}) {
            java.util.List<INDArray> packed = t.latentFrames(clips, geometry[0], geometry[1]);
            for (int i = 0; i < clips.size(); i++) {
                INDArray alone = reference.get(i);
                assertThat(packed.get(i).shape()).containsExactly(alone.shape());
                double scale = alone.amaxNumber().doubleValue();
                assertThat(packed.get(i).sub(alone).amaxNumber().doubleValue())
                        .as("clip %d, windows of %d frames, %d a call", i, geometry[1], geometry[0]).isLessThanOrEqualTo(1e-5 * scale);
            }
        }
        // the stream a clip takes: its frames and the silence after it
        assertThat(t.encoderStreamFrames(1000)).isEqualTo(32 + t.encoderContextFrames());
        assertThat(t.encoderFramesPerCall()).isEqualTo(AudioTokenizer.ENCODER_WINDOWS_PER_CALL * t.encoderCoreFrames());
        assertThat(t.encode(java.util.List.of())).isEmpty();
        float[] bad = clips.get(1).clone();
        bad[40] = Float.POSITIVE_INFINITY;
        assertThatThrownBy(() -> t.encode(java.util.List.of(clips.get(0), bad))).hasMessageContaining("waveform 1 of 2")
                .hasMessageContaining("sample 40");
    }

    @Test
    void trainingWithTheSpectralLossReducesBothLosses() {
        AudioTokenizer t = AudioTokenizer.create(new TokenizerConfig(SMALL, VectorQuantizerConfig.of(32, 8).withInit(CodebookInit.DATA)), 4);
        TokenizerTrainer trainer = new TokenizerTrainer(t, new TrainConfig(30, 4, 3e-3, 4, 0, 1.0));
        List<StepReport> reports = new ArrayList<>();
        int[] i = {0};
        trainer.train(() -> tones(4, 2048, 10 + i[0]++ % 4), "tones", reports::add);
        StepReport first = reports.get(0), last = reports.get(reports.size() - 1);
        assertThat(first.terms()).containsKey("spectral");
        assertThat(last.terms().get("spectral")).isLessThan(first.terms().get("spectral"));
        assertThat(last.reconstruction()).isLessThan(first.reconstruction());
        assertThatThrownBy(() -> new TokenizerTrainer(ImageTokenizer.create(new TokenizerConfig(ImageAutoencoderConfig.fashionMnist(8),
                VectorQuantizerConfig.of(16, 8)), 1), new TrainConfig(1, 1, 1e-3, 0, 0, 1.0))).hasMessageContaining("audio tokenizers only");
    }

    @Test
    void spectralLossOfASignalAgainstTwiceItIsOnePlusLnTwo() {
        SameDiff sd = SameDiff.create();
        // white noise: every bin is far above the 1e-7 power floor (pure tones leave most bins below it)
        INDArray x = Nd4j.randn(DataType.FLOAT, 2, 1, 1, 4096).muli(0.3);
        SDVariable a = sd.constant(x), b = sd.constant(x.mul(2));
        double same = SpectralLoss.multiResolution(sd, "same", a, a, SpectralLoss.DEFAULT_RESOLUTIONS).eval().getDouble(0);
        double twice = SpectralLoss.multiResolution(sd, "twice", a, b, SpectralLoss.DEFAULT_RESOLUTIONS).eval().getDouble(0);
        assertThat(same).isCloseTo(0, within(1e-6));
        // spectral convergence ‖|S| − 2|S|‖/‖|S|‖ = 1 and mean |log|S| − log 2|S|| = ln 2 (up to the 1e-7 power floor)
        assertThat(twice).isCloseTo(1 + Math.log(2), within(1e-2));
    }

    @Test
    void saveLoadGivesIdenticalCodesAndModalityChecks(@TempDir Path dir) throws IOException {
        AudioTokenizer t = tokenizer(2);
        TokenizerTrainer trainer = new TokenizerTrainer(t, new TrainConfig(3, 2, 1e-3, 1, 0));
        trainer.train(() -> tones(2, 2048, 1), "tones", r -> { });
        Path file = dir.resolve("a.vqt");
        t.save(file);
        Tokenizer loaded = Tokenizer.load(file);
        assertThat(loaded).isInstanceOf(AudioTokenizer.class);
        float[] x = tones(1, 3000, 9).data().asFloat();
        assertThat(((AudioTokenizer) loaded).encode(x)).isEqualTo(t.encode(x));
        assertThat(loaded.config()).isEqualTo(t.config());
        assertThat(AudioTokenizer.load(file).provenance().steps()).isEqualTo(3);
        assertThatThrownBy(() -> ImageTokenizer.load(file)).isInstanceOf(ModelFormatException.class).hasMessageContaining("audio tokenizer");
    }

    @Test
    void configRejectsBadShapes() {
        assertThatThrownBy(() -> new AudioAutoencoderConfig(16000, 1000, 16, new int[]{2, 4, 5, 8}, 1, 64)).hasMessageContaining("multiple of the hop 320");
        assertThatThrownBy(() -> new AudioAutoencoderConfig(16000, 3200, 16, new int[]{1, 4}, 1, 64)).hasMessageContaining("stride");
        assertThatThrownBy(() -> new AudioAutoencoderConfig(100, 3200, 16, new int[]{4}, 1, 64)).hasMessageContaining("sample rate");
        assertThatThrownBy(() -> new AudioAutoencoderConfig(16000, 3200, 16, new int[]{4}, 9, 64)).hasMessageContaining("residual units");
    }

    @Test
    void encodeAllReadsWaveformsOnlyAsItNeedsThemAndGivesEachItsOwnCodesInOrder() {
        AudioTokenizer t = tokenizer(3);
        t.quantizer().initialize(t.latentRows(tones(4, 4096, 8)));
        // 40 waveforms of 0.1 to 1.3 s: a stream of about five encoder calls (8 windows of 200 frames of 32 samples)
        Random r = new Random(3);
        List<float[]> clips = new ArrayList<>();
        for (int i = 0; i < 40; i++) clips.add(tones(1, 800 + r.nextInt(10000), 100 + i).data().asFloat());
        int[] read = {0};
        java.util.Iterator<float[]> source = new java.util.Iterator<>() {
            @Override
            public boolean hasNext() {
                return read[0] < clips.size();
            }

            @Override
            public float[] next() {
                return clips.get(read[0]++);
            }
        };
        // the first call needs the waveforms whose frames reach the end of its 1600 core frames, and no more
        int needed = 0;
        for (long end = -t.encoderContextFrames(); end < t.encoderFramesPerCall(); needed++)
            end += t.encoderContextFrames() + t.frames(clips.get(needed).length);
        java.util.Iterator<INDArray> codes = t.encodeAll(source);
        assertThat(read[0]).isZero();
        for (int i = 0; i < clips.size(); i++) {
            assertThat(codes.hasNext()).isTrue();
            INDArray c = codes.next();
            if (i == 0) assertThat(read[0]).as("waveforms read for the first call").isEqualTo(needed).isLessThan(clips.size());
            assertThat(c).as("codes of waveform %d", i).isEqualTo(t.encode(clips.get(i)));
        }
        assertThat(codes.hasNext()).isFalse();
        assertThatThrownBy(codes::next).isInstanceOf(java.util.NoSuchElementException.class);
        // a bad waveform fails the iteration when it is read, named by its place in the sequence
        List<float[]> withBad = new ArrayList<>(clips);
        float[] bad = clips.get(25).clone();
        bad[3] = Float.NaN;
        withBad.set(25, bad);
        java.util.Iterator<INDArray> failing = t.encodeAll(withBad.iterator());
        assertThatThrownBy(() -> {
            while (failing.hasNext()) failing.next();
        }).hasMessageContaining("waveform 25: ").hasMessageContaining("sample 3");
        assertThat(t.encodeAll(java.util.Collections.emptyIterator()).hasNext()).isFalse();
    }

    /**
     * Encoder outputs {@code [F, D]} of a waveform, the whole signal in one call with the encoder's context of silence
     * on each side: what windowed coding must give (no frame's receptive field reaches past that silence).
     */
    private static INDArray wholeWithSilentContext(AudioTokenizer t, float[] samples) {
        int f = t.frames(samples.length), context = t.encoderContextFrames(), hop = t.hop();
        float[] padded = new float[(f + 2 * context) * hop];
        System.arraycopy(samples, 0, padded, context * hop, samples.length);
        INDArray z = Tokenizer.flatten(t.latents(Nd4j.create(padded, new long[]{1, 1, 1, padded.length}, 'c')));
        return z.get(NDArrayIndex.interval(context, context + f), NDArrayIndex.all());
    }
}
