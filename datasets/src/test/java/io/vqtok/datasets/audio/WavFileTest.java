package io.vqtok.datasets.audio;

import static io.vqtok.datasets.audio.AudioFixtures.chunk;
import static io.vqtok.datasets.audio.AudioFixtures.f32;
import static io.vqtok.datasets.audio.AudioFixtures.f64;
import static io.vqtok.datasets.audio.AudioFixtures.fmt;
import static io.vqtok.datasets.audio.AudioFixtures.fmtExtensible;
import static io.vqtok.datasets.audio.AudioFixtures.le;
import static io.vqtok.datasets.audio.AudioFixtures.riff;
import static io.vqtok.datasets.audio.AudioFixtures.wav;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vqtok.datasets.DatasetException;
import io.vqtok.datasets.DatasetNotFoundException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WavFileTest {

    @TempDir
    Path dir;

    private Audio read(String name, byte[] bytes) throws Exception {
        return WavFile.read(AudioFixtures.write(dir.resolve(name), bytes));
    }

    @Test
    void readsUnsigned8BitPcm() throws Exception {
        Audio a = read("u8.wav", wav(1, 1, 8000, 8, le(1, 0, 64, 128, 192, 255)));
        assertThat(a.sampleRate()).isEqualTo(8000);
        assertThat(a.samples()).containsExactly(-1f, -0.5f, 0f, 0.5f, 127 / 128f);
    }

    @Test
    void reads16BitPcmExactly() throws Exception {
        Audio a = read("s16.wav", wav(1, 1, 44100, 16, le(2, -32768, -16384, -1, 0, 1, 16384, 32767)));
        assertThat(a.sampleRate()).isEqualTo(44100);
        assertThat(a.samples()).containsExactly(-1f, -0.5f, -1 / 32768f, 0f, 1 / 32768f, 0.5f, 32767 / 32768f);
    }

    @Test
    void reads24BitPcmWithSignExtension() throws Exception {
        Audio a = read("s24.wav", wav(1, 1, 48000, 24, le(3, -8388608, -1, 0, 0x400000, 8388607, 0x123456)));
        assertThat(a.samples()).containsExactly(-1f, -1 / 8388608f, 0f, 0.5f, 8388607 / 8388608f,
                (float) (0x123456 / 8388608.0));
    }

    @Test
    void reads32BitIntPcm() throws Exception {
        Audio a = read("s32.wav", wav(1, 1, 16000, 32, le(4, Integer.MIN_VALUE, -(1 << 29), 0, 1 << 30)));
        assertThat(a.samples()).containsExactly(-1f, -0.25f, 0f, 0.5f);
    }

    @Test
    void readsFloat32AndFloat64KeepingValuesBeyondFullScale() throws Exception {
        Audio f = read("f32.wav", wav(3, 1, 22050, 32, f32(0.1f, -0.75f, 1.5f)));
        assertThat(f.samples()).containsExactly(0.1f, -0.75f, 1.5f);
        Audio d = read("f64.wav", wav(3, 1, 22050, 64, f64(0.1, -0.75, -2.0)));
        assertThat(d.samples()).containsExactly(0.1f, -0.75f, -2f);
    }

    @Test
    void mixesChannelsDownByAveraging() throws Exception {
        // stereo frames (L, R): (0.5, -0.25), (1/32768*2, 0), (-1, -1)
        Audio st = read("st.wav", wav(1, 2, 16000, 16, le(2, 16384, -8192, 2, 0, -32768, -32768)));
        assertThat(st.samples()).containsExactly(0.125f, 1 / 32768f, -1f);
        // three float channels
        Audio three = read("3ch.wav", wav(3, 3, 16000, 32, f32(0.3f, 0.6f, 0.9f, -0.3f, 0f, 0f)));
        assertThat(three.samples()[0]).isCloseTo(0.6f, org.assertj.core.data.Offset.offset(1e-7f));
        assertThat(three.samples()[1]).isCloseTo(-0.1f, org.assertj.core.data.Offset.offset(1e-7f));
    }

    @Test
    void readsWaveFormatExtensiblePcmAndFloat() throws Exception {
        // 24 valid bits in 24-bit containers, stereo
        byte[] pcm = riff(chunk("fmt ", fmtExtensible(1, 2, 96000, 24, 24)),
                chunk("data", le(3, 0x400000, 0x200000, -8388608, -8388608)));
        Audio a = read("ext24.wav", pcm);
        assertThat(a.sampleRate()).isEqualTo(96000);
        assertThat(a.samples()).containsExactly(0.375f, -1f);
        // 20 valid bits left-justified in 32-bit containers scale as 32-bit
        byte[] pcm20 = riff(chunk("fmt ", fmtExtensible(1, 1, 16000, 32, 20)), chunk("data", le(4, 1L << 30)));
        assertThat(read("ext20.wav", pcm20).samples()).containsExactly(0.5f);
        byte[] flt = riff(chunk("fmt ", fmtExtensible(3, 1, 16000, 32, 32)), chunk("data", f32(0.25f, -0.5f)));
        assertThat(read("extf.wav", flt).samples()).containsExactly(0.25f, -0.5f);
    }

    @Test
    void skipsUnknownChunksIncludingOddSizedOnesWithPadding() throws Exception {
        byte[] bytes = riff(
                chunk("JUNK", new byte[] {9, 9, 9}),                       // odd: padded to 4
                chunk("fmt ", fmt(1, 1, 16000, 16)),
                chunk("LIST", "INFOISFT\u0005\u0000\u0000\u0000vqtok".getBytes(StandardCharsets.ISO_8859_1)),
                chunk("fact", le(4, 2)),
                chunk("data", le(2, 1000, -1000)),
                chunk("id3 ", new byte[] {1, 2, 3, 4, 5}));
        assertThat(read("chunks.wav", bytes).samples()).containsExactly(1000 / 32768f, -1000 / 32768f);
    }

    @Test
    void readsFmtAfterDataAndOddSizedDataChunk() throws Exception {
        // 8-bit mono with 3 samples: data has odd size and is padded; fmt comes after it
        byte[] bytes = riff(chunk("data", le(1, 0, 128, 255)), chunk("fmt ", fmt(1, 1, 11025, 8)));
        Audio a = read("late-fmt.wav", bytes);
        assertThat(a.sampleRate()).isEqualTo(11025);
        assertThat(a.samples()).containsExactly(-1f, 0f, 127 / 128f);
    }

    @Test
    void acceptsStreamingDataSizeAndIgnoresTrailingPartialFrame() throws Exception {
        byte[] bytes = wav(1, 2, 16000, 16, le(2, 100, 300, -200, -400, 7));
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(40, -1);   // data size 0xFFFFFFFF
        assertThat(read("stream.wav", bytes).samples()).containsExactly(200 / 32768f, -300 / 32768f);
    }

    @Test
    void streamedWavWithPlaceholderSizesIsReadToTheEndInWholeFrames() throws Exception {
        // RIFF and data sizes 0xFFFFFFFF or 0, as encoders writing to a pipe leave them; a LIST chunk before the data
        short[] v = {100, -100, 2000, -2000, 32767, -32768, 5};
        long[] values = new long[v.length];
        for (int i = 0; i < v.length; i++) values[i] = v[i];
        for (int placeholder : new int[] {-1, 0}) {
            byte[] bytes = riff(chunk("fmt ", fmt(1, 2, 8000, 16)), chunk("LIST", new byte[] {'I', 'N', 'F', 'O', 1}),
                    chunk("data", le(2, values)));
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(4, placeholder);                        // RIFF size
            int data = bytes.length - 14 - 4;                // "data" id: 14 data bytes and its size field before them
            assertThat(new String(bytes, data - 4, 4, StandardCharsets.US_ASCII)).isEqualTo("data");
            b.putInt(data, placeholder);                     // data size
            Audio a = read("pipe" + placeholder + ".wav", bytes);
            assertThat(a.sampleRate()).isEqualTo(8000);
            // 14 bytes = 3 whole stereo frames and half a frame, which is dropped; frames are averaged to mono
            assertThat(a.samples()).containsExactly(0f, 0f, -0.5f / 32768f);
        }
    }

    @Test
    void pcm16RoundTripIsExactForMultiplesOfOneOver32768AndHeaderIsCanonical() throws Exception {
        float[] x = new float[1000];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i * 97 % 65536 - 32768) / 32768f;
        }
        Path f = dir.resolve("sub/out.wav");
        WavFile.write(f, new Audio(x, 16000));
        byte[] bytes = Files.readAllBytes(f);
        assertThat(bytes).hasSize(44 + 2 * x.length);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(new String(bytes, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("RIFF");
        assertThat(b.getInt(4)).isEqualTo(bytes.length - 8);
        assertThat(new String(bytes, 8, 8, StandardCharsets.US_ASCII)).isEqualTo("WAVEfmt ");
        assertThat(b.getInt(16)).isEqualTo(16);
        assertThat(b.getShort(20)).isEqualTo((short) 1);      // PCM
        assertThat(b.getShort(22)).isEqualTo((short) 1);      // mono
        assertThat(b.getInt(24)).isEqualTo(16000);
        assertThat(b.getInt(28)).isEqualTo(32000);            // byte rate
        assertThat(b.getShort(32)).isEqualTo((short) 2);      // block align
        assertThat(b.getShort(34)).isEqualTo((short) 16);
        assertThat(new String(bytes, 36, 4, StandardCharsets.US_ASCII)).isEqualTo("data");
        assertThat(b.getInt(40)).isEqualTo(2 * x.length);
        assertThat(WavFile.read(f)).isEqualTo(new Audio(x, 16000));
    }

    @Test
    void pcm16RoundsToNearestAndClipsOutOfRangeValues() throws Exception {
        float[] x = {0.1f, -0.1f, 1f, 1.5f, -1f, -2f, 0.49f / 32768, 0.51f / 32768};
        Path f = dir.resolve("clip.wav");
        WavFile.write(f, new Audio(x, 8000));
        float[] y = WavFile.read(f).samples();
        assertThat(y).containsExactly(3277 / 32768f, -3277 / 32768f, 32767 / 32768f, 32767 / 32768f, -1f, -1f, 0f,
                1 / 32768f);
        // quantization error of in-range values is at most half a step
        for (int i = 0; i < 2; i++) {
            assertThat(Math.abs(y[i] - x[i])).isLessThanOrEqualTo(0.5f / 32768);
        }
    }

    @Test
    void float32RoundTripIsExactAndHasFactChunk() throws Exception {
        float[] x = AudioFixtures.noise(777, 0.8, 3);
        x[0] = 1.75f;
        Path f = dir.resolve("float.wav");
        WavFile.write(f, new Audio(x, 24000), WavFile.Encoding.FLOAT_32);
        byte[] bytes = Files.readAllBytes(f);
        assertThat(bytes).hasSize(58 + 4 * x.length);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getShort(20)).isEqualTo((short) 3);
        assertThat(new String(bytes, 38, 4, StandardCharsets.US_ASCII)).isEqualTo("fact");
        assertThat(b.getInt(46)).isEqualTo(x.length);
        Audio a = WavFile.read(f);
        assertThat(a.sampleRate()).isEqualTo(24000);
        assertThat(a.samples()).containsExactly(x);
    }

    @Test
    void writeReplacesAtomicallyLeavingNoTemporaryFiles() throws Exception {
        Path f = dir.resolve("a.wav");
        WavFile.write(f, new Audio(new float[] {0.5f, 0.25f}, 8000));
        WavFile.write(f, new Audio(new float[] {-0.5f}, 16000));
        assertThat(WavFile.read(f)).isEqualTo(new Audio(new float[] {-0.5f}, 16000));
        try (Stream<Path> list = Files.list(dir)) {
            assertThat(list.map(p -> p.getFileName().toString())).containsExactly("a.wav");
        }
        assertThat(WavFile.read(writeEmpty()).length()).isZero();
    }

    private Path writeEmpty() {
        Path f = dir.resolve("empty.wav");
        WavFile.write(f, new Audio(new float[0], 16000));
        return f;
    }

    @Test
    void writeRejectsNonFiniteSamplesWithoutCreatingAFile() {
        Path f = dir.resolve("nan.wav");
        assertThatThrownBy(() -> WavFile.write(f, new Audio(new float[] {0f, Float.NaN}, 8000)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sample 1 is NaN");
        assertThat(f).doesNotExist();
    }

    @Test
    void rejectsUnsupportedFormatTagNamingFileAndExpectation() throws Exception {
        Path f = AudioFixtures.write(dir.resolve("adpcm.wav"), wav(2, 1, 8000, 4, new byte[8]));
        assertThatThrownBy(() -> WavFile.read(f))
                .isInstanceOf(DatasetException.class)
                .hasMessage(f + ": unsupported WAV format tag 2 (expected PCM 1, float 3 or extensible 0xFFFE)");
        Path ext = AudioFixtures.write(dir.resolve("ext-alaw.wav"),
                riff(chunk("fmt ", fmtExtensible(6, 1, 8000, 8, 8)), chunk("data", new byte[4])));
        assertThatThrownBy(() -> WavFile.read(ext))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(ext.toString())
                .hasMessageContaining("sub-format 6 (expected PCM 1 or float 3)");
    }

    @Test
    void rejectsUnsupportedSampleSizes() throws Exception {
        Path f = AudioFixtures.write(dir.resolve("f16.wav"), wav(3, 1, 8000, 16, new byte[4]));
        assertThatThrownBy(() -> WavFile.read(f))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("float sample size 16 bits (expected 32 or 64)");
        Path p = AudioFixtures.write(dir.resolve("p48.wav"), wav(1, 1, 8000, 48, new byte[12]));
        assertThatThrownBy(() -> WavFile.read(p))
                .hasMessageContaining("PCM sample size 48 bits (expected 8, 16, 24 or 32)");
    }

    @Test
    void rejectsTruncatedDataNamingTheSizes() throws Exception {
        byte[] full = wav(1, 1, 16000, 16, le(2, 1, 2, 3, 4, 5, 6, 7, 8));
        Path f = AudioFixtures.write(dir.resolve("cut.wav"), Arrays.copyOf(full, full.length - 5));
        assertThatThrownBy(() -> WavFile.read(f))
                .isInstanceOf(DatasetException.class)
                .hasMessage(f + ": truncated: the data chunk declares 16 bytes but only 11 follow");
    }

    @Test
    void rejectsTruncatedFmtChunkAndHeader() throws Exception {
        byte[] full = wav(1, 1, 16000, 16, le(2, 1));
        Path f = AudioFixtures.write(dir.resolve("cutfmt.wav"), Arrays.copyOf(full, 30));
        assertThatThrownBy(() -> WavFile.read(f))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("chunk 'fmt ' at byte 12 declares 16 bytes but only 10 follow");
        Path tiny = AudioFixtures.write(dir.resolve("tiny.wav"), Arrays.copyOf(full, 7));
        assertThatThrownBy(() -> WavFile.read(tiny))
                .hasMessageContaining(tiny + ": not a WAV file (7 bytes");
    }

    @Test
    void rejectsNonWavFilesAndMissingChunks() throws Exception {
        Path text = AudioFixtures.write(dir.resolve("text.wav"), "hello, this is not audio".getBytes(
                StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> WavFile.read(text))
                .isInstanceOf(DatasetException.class)
                .hasMessage(text + ": not a WAV file (starts with 'hell', expected 'RIFF')");
        byte[] avi = riff(chunk("fmt ", fmt(1, 1, 8000, 8)));
        System.arraycopy("AVI ".getBytes(StandardCharsets.US_ASCII), 0, avi, 8, 4);
        Path aviFile = AudioFixtures.write(dir.resolve("avi.wav"), avi);
        assertThatThrownBy(() -> WavFile.read(aviFile)).hasMessageContaining("form type 'AVI ' (expected 'WAVE')");
        Path noData = AudioFixtures.write(dir.resolve("nodata.wav"), riff(chunk("fmt ", fmt(1, 1, 8000, 8))));
        assertThatThrownBy(() -> WavFile.read(noData)).hasMessageContaining(noData + ": no 'data' chunk");
        Path noFmt = AudioFixtures.write(dir.resolve("nofmt.wav"), riff(chunk("data", new byte[4])));
        assertThatThrownBy(() -> WavFile.read(noFmt)).hasMessageContaining(noFmt + ": no 'fmt ' chunk");
        byte[] rifx = wav(1, 1, 8000, 8, new byte[2]);
        rifx[3] = 'X';
        Path rifxFile = AudioFixtures.write(dir.resolve("rifx.wav"), rifx);
        assertThatThrownBy(() -> WavFile.read(rifxFile)).hasMessageContaining("big-endian RIFX");
    }

    @Test
    void rejectsInconsistentFormatFields() throws Exception {
        byte[] badAlign = fmt(1, 2, 16000, 16);
        badAlign[12] = 3;   // block align 3 for 2 x 16 bits
        Path f = AudioFixtures.write(dir.resolve("align.wav"), riff(chunk("fmt ", badAlign), chunk("data",
                new byte[6])));
        assertThatThrownBy(() -> WavFile.read(f))
                .hasMessageContaining(f + ": block align 3 bytes does not match 2 channel(s) of 16-bit samples"
                        + " (expected 4)");
        Path zero = AudioFixtures.write(dir.resolve("zero.wav"), wav(1, 0, 16000, 16, new byte[2]));
        assertThatThrownBy(() -> WavFile.read(zero)).hasMessageContaining(zero + ": 0 channels");
        Path norate = AudioFixtures.write(dir.resolve("norate.wav"), wav(1, 1, 0, 16, new byte[2]));
        assertThatThrownBy(() -> WavFile.read(norate)).hasMessageContaining("sample rate 0 Hz");
        Path shortFmt = AudioFixtures.write(dir.resolve("short.wav"), riff(chunk("fmt ", new byte[14]),
                chunk("data", new byte[2])));
        assertThatThrownBy(() -> WavFile.read(shortFmt)).hasMessageContaining("'fmt ' chunk of 14 bytes"
                + " (expected at least 16)");
    }

    @Test
    void rejectsNonFiniteFloatSamples() throws Exception {
        Path f = AudioFixtures.write(dir.resolve("inf.wav"), wav(3, 2, 8000, 32, f32(0f, 0f, 0f,
                Float.POSITIVE_INFINITY)));
        assertThatThrownBy(() -> WavFile.read(f))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(f + ": sample 1 of channel 1 is Infinity");
    }

    @Test
    void missingFileIsNotFound() {
        Path f = dir.resolve("nope.wav");
        assertThatThrownBy(() -> WavFile.read(f))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining(f.toString());
    }

    @Test
    void audioRecordValidatesAndComparesContents() {
        assertThatThrownBy(() -> new Audio(new float[1], 0)).isInstanceOf(IllegalArgumentException.class);
        Audio a = new Audio(new float[] {1, 2}, 8000);
        assertThat(a).isEqualTo(new Audio(new float[] {1, 2}, 8000)).hasSameHashCodeAs(new Audio(
                new float[] {1, 2}, 8000));
        assertThat(a).isNotEqualTo(new Audio(new float[] {1, 2}, 16000));
        assertThat(a.seconds()).isEqualTo(2 / 8000.0);
        assertThat(a.resampled(8000)).isSameAs(a);
        assertThat(new Audio(new float[22050], 22050).resampled(16000).length()).isEqualTo(16000);
    }
}
