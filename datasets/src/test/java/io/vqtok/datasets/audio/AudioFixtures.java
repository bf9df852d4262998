package io.vqtok.datasets.audio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Synthetic signals and hand-built WAV files for the audio tests, written independently of {@link WavFile} so
 * the reader is checked against the format, not against its own writer.
 */
final class AudioFixtures {

    private AudioFixtures() {
    }

    /** {@code amplitude * sin(2 pi freq t / rate + phase)} for {@code t = 0 .. n-1}. */
    static float[] sine(double freq, int rate, int n, double amplitude, double phase) {
        float[] x = new float[n];
        for (int t = 0; t < n; t++) {
            x[t] = (float) (amplitude * Math.sin(2 * Math.PI * freq * t / rate + phase));
        }
        return x;
    }

    /** Gaussian white noise with standard deviation {@code sigma}. */
    static float[] noise(int n, double sigma, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (sigma * r.nextGaussian());
        }
        return x;
    }

    /** A speech-like test signal: a few harmonics with a slow amplitude envelope plus a little noise. */
    static float[] harmonics(int rate, int n, long seed) {
        float[] x = new float[n];
        float[] hiss = noise(n, 0.01, seed);
        for (int t = 0; t < n; t++) {
            double s = t / (double) rate;
            double env = 0.5 + 0.4 * Math.sin(2 * Math.PI * 3 * s);
            double v = 0;
            for (int h = 1; h <= 8; h++) {
                v += Math.sin(2 * Math.PI * 140 * h * s + h) / h;
            }
            x[t] = (float) (0.3 * env * v) + hiss[t];
        }
        return x;
    }

    /** Little-endian bytes of the given values, each {@code size} bytes wide (two's complement). */
    static byte[] le(int size, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * size).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            for (int i = 0; i < size; i++) {
                b.put((byte) (v >> (8 * i)));
            }
        }
        return b.array();
    }

    static byte[] f32(float... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return b.array();
    }

    static byte[] f64(double... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }

    /** A chunk: id, little-endian size, body and a pad byte if the size is odd. */
    static byte[] chunk(String id, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(id.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(le(4, body.length));
        out.writeBytes(body);
        if (body.length % 2 == 1) {
            out.write(0);
        }
        return out.toByteArray();
    }

    /** A 16-byte fmt body. */
    static byte[] fmt(int tag, int channels, int rate, int bits) {
        int block = channels * ((bits + 7) / 8);
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) tag).putShort((short) channels).putInt(rate).putInt(rate * block)
                .putShort((short) block).putShort((short) bits);
        return b.array();
    }

    /** A 40-byte WAVE_FORMAT_EXTENSIBLE fmt body whose sub-format GUID starts with {@code subTag}. */
    static byte[] fmtExtensible(int subTag, int channels, int rate, int containerBits, int validBits) {
        ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        b.put(fmt(0xFFFE, channels, rate, containerBits));
        b.putShort((short) 22).putShort((short) validBits).putInt(channels == 2 ? 3 : 4);
        b.putShort((short) subTag);
        b.put(new byte[] {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00, (byte) 0xAA, 0x00, 0x38,
            (byte) 0x9B, 0x71});
        return b.array();
    }

    /** {@code RIFF <size> WAVE} followed by the given chunks. */
    static byte[] riff(byte[]... chunks) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("WAVE".getBytes(StandardCharsets.US_ASCII));
        for (byte[] c : chunks) {
            body.writeBytes(c);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(le(4, body.size()));
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    /** A plain WAV file: fmt then data. */
    static byte[] wav(int tag, int channels, int rate, int bits, byte[] data) {
        return riff(chunk("fmt ", fmt(tag, channels, rate, bits)), chunk("data", data));
    }

    static Path write(Path file, byte[] content) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, content);
    }

    /** Writes mono 16-bit PCM whose sample {@code t} is {@code values[t] / 32768}. */
    static Path pcm16(Path file, int rate, short... values) throws IOException {
        long[] v = new long[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = values[i];
        }
        return write(file, wav(1, 1, rate, 16, le(2, v)));
    }
}
