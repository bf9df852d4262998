package io.vqtok.datasets.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vqtok.datasets.DatasetException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassicalCodecTest {

    private static final int RATE = 16000;

    private static float[] speech(double seconds) {
        return SpeechSignals.f32(SpeechSignals.speechLike(RATE, seconds));
    }

    /** A broken Ogg page count would shift kbps; this checks the count on a hand-built stream. */
    @Test
    void oggPayloadSkipsPageHeadersAndTheTwoHeaderPackets() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        page(b, 19);            // identification header packet
        page(b, 40);            // comment header packet
        page(b, 255, 10, 15);   // two audio packets: 255 + 10 = 265 bytes, then 15
        page(b, 255, 255, 0);   // one packet of exactly 510 bytes (ended by a 0 lace)
        long payload = ClassicalCodec.oggAudioPayload(b.toByteArray(), "test");
        assertThat(payload).isEqualTo(265 + 15 + 510);
        assertThatThrownBy(() -> ClassicalCodec.oggAudioPayload("OggX".getBytes(StandardCharsets.US_ASCII), "t.opus"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("t.opus").hasMessageContaining("Ogg");
    }

    private static void page(ByteArrayOutputStream b, int... laces) {
        byte[] header = new byte[27];
        header[0] = 'O';
        header[1] = 'g';
        header[2] = 'g';
        header[3] = 'S';
        header[26] = (byte) laces.length;
        b.writeBytes(header);
        int body = 0;
        for (int l : laces) {
            b.write(l);
            body += l;
        }
        b.writeBytes(new byte[body]);
    }

    @Test
    void amrPayloadIsTheFileLessItsMagic() {
        byte[] file = new byte[6 + 13 * 3];
        System.arraycopy("#!AMR\n".getBytes(StandardCharsets.US_ASCII), 0, file, 0, 6);
        assertThat(ClassicalCodec.AMR_NB_475.payloadBytes(file)).isEqualTo(39);
        assertThatThrownBy(() -> ClassicalCodec.AMR_NB_475.payloadBytes(new byte[10]))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("AMR magic");
    }

    @Test
    void codec2AndOpusMeetTheirNominalRatesAndKeepSpeechIntelligible() {
        for (ClassicalCodec c : List.of(ClassicalCodec.CODEC2_3200, ClassicalCodec.OPUS_6)) {
            assumeTrue(c.missingPrograms().isEmpty(), c.name() + " tools not installed (scripts/bench.sh codecs installs them)");
            float[] x = speech(6.0);
            ClassicalCodec.Decoded d = c.encodeDecode(x, RATE);
            assertThat(d.sampleRate()).isEqualTo(RATE);
            assertThat(d.kbps()).as("%s measured kbps", c.name()).isCloseTo(c.nominalKbps(), within(0.15 * c.nominalKbps()));
            assertThat(d.payloadBytes()).isLessThanOrEqualTo(d.fileBytes());
            SpeechQuality q = SpeechQuality.measure(x, d.samples(), RATE);
            // unrelated noise is the baseline a codec must beat by far (STOI's clipping gives noise about 0.43 here)
            float[] noise = SpeechSignals.f32(SpeechSignals.lcgNoise(x.length, 7));
            double baseline = Stoi.stoi(x, noise, RATE);
            assertThat(q.stoi()).as("%s STOI (noise baseline %.3f)", c.name(), baseline).isGreaterThan(baseline + 0.3);
            if (c == ClassicalCodec.OPUS_6) {
                // opusdec drops the encoder's pre-skip, so the output is (within a sample or two of resampling) not delayed
                assertThat(Math.abs(q.delaySamples())).as("opus delay").isLessThanOrEqualTo(2);
            }
        }
    }

    @Test
    void theBenchmarkAveragesOverTheFilesOfAFolder(@TempDir Path dir) {
        ClassicalCodec c = ClassicalCodec.CODEC2_3200;
        assumeTrue(c.missingPrograms().isEmpty(), "codec2 not installed");
        WavFile.write(dir.resolve("a.wav"), new Audio(speech(2.0), RATE));
        WavFile.write(dir.resolve("b.wav"), new Audio(speech(3.0), RATE));
        AudioFolderDataset data = AudioFolderDataset.openFolder(dir, RATE);
        CodecBenchmark.Row row = CodecBenchmark.run(c, data, 0);
        assertThat(row.quality().files()).isEqualTo(2);
        assertThat(row.seconds()).isCloseTo(5.0, within(1e-9));
        SpeechQuality a = SpeechQuality.measure(data.clip(0), c.encodeDecode(data.clip(0), RATE).samples(), RATE);
        SpeechQuality b = SpeechQuality.measure(data.clip(1), c.encodeDecode(data.clip(1), RATE).samples(), RATE);
        assertThat(row.quality().stoi()).isCloseTo((a.stoi() + b.stoi()) / 2, within(1e-12));
        assertThat(row.quality().multiScaleMelDistance())
                .isCloseTo((a.multiScaleMelDistance() + b.multiScaleMelDistance()) / 2, within(1e-12));
        assertThat(row.kbps()).isCloseTo(3.2, within(0.1));
    }

    @Test
    void aMissingProgramNamesItAndItsPackage() {
        ClassicalCodec c = new ClassicalCodec("nope", 1, 8000, "vqtok-nope-pkg", ClassicalCodec.Pcm.RAW_S16LE,
                List.of("vqtok-no-such-encoder", "{in}", "{out}"), ".bit", List.of("vqtok-no-such-encoder", "{in}", "{out}"),
                ClassicalCodec.Pcm.RAW_S16LE, ClassicalCodec.Container.NONE);
        assertThat(c.missingPrograms()).containsExactly("vqtok-no-such-encoder");
        assertThatThrownBy(() -> c.encodeDecode(speech(1.0), RATE)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("vqtok-no-such-encoder").hasMessageContaining("vqtok-nope-pkg");
    }

    @Test
    void aFailingProgramIsReportedWithItsExitCode() {
        assumeTrue(ClassicalCodec.findOnPath("false") != null, "no 'false' program");
        ClassicalCodec c = new ClassicalCodec("broken", 1, 8000, "coreutils", ClassicalCodec.Pcm.RAW_S16LE,
                List.of("false", "{in}", "{out}"), ".bit", List.of("false", "{in}", "{out}"), ClassicalCodec.Pcm.RAW_S16LE,
                ClassicalCodec.Container.NONE);
        assertThatThrownBy(() -> c.encodeDecode(speech(1.0), RATE)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("broken").hasMessageContaining("exited with code 1");
    }

    @Test
    void badDescriptionsNamesAndInputsAreRejected(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> ClassicalCodec.named("mp3")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("mp3").hasMessageContaining("codec2-3200");
        assertThat(ClassicalCodec.named("OPUS-8")).isSameAs(ClassicalCodec.OPUS_8);
        assertThatThrownBy(() -> new ClassicalCodec("x", 1, 8000, "p", ClassicalCodec.Pcm.WAV, List.of("enc", "{in}"), ".x",
                List.of("dec", "{in}", "{out}"), ClassicalCodec.Pcm.WAV, ClassicalCodec.Container.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("{out}");
        assertThatThrownBy(() -> ClassicalCodec.OPUS_6.encodeDecode(new float[0], RATE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-empty");
        Files.write(dir.resolve("broken.wav"), "not a wav file".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> AudioFolderDataset.openFolder(dir, RATE)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("broken.wav");
    }
}
