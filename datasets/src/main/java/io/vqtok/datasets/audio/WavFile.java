package io.vqtok.datasets.audio;

import io.vqtok.datasets.AtomicFiles;
import io.vqtok.datasets.DatasetException;
import io.vqtok.datasets.DatasetNotFoundException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reader and writer for RIFF/WAVE ({@code .wav}) audio files.
 *
 * <p>File layout (little-endian): {@code "RIFF"}, a 32-bit size, {@code "WAVE"}, then chunks, each a 4-byte
 * id, a 32-bit body size and the body, padded to an even length. The {@code "fmt "} chunk holds the format tag,
 * channel count, sample rate, byte rate, block align (bytes per frame) and bits per sample; the {@code "data"}
 * chunk holds the frames, each one sample per channel, interleaved.
 *
 * <p>Reading accepts integer PCM (format tag 1) with 8-bit unsigned, 16-, 24- or 32-bit signed samples (or
 * fewer significant bits left-justified in such a container), IEEE float (tag 3) with 32- or 64-bit samples,
 * and {@code WAVE_FORMAT_EXTENSIBLE} (tag {@code 0xFFFE}) whose sub-format GUID is PCM or IEEE float; any
 * channel count and sample rate. Unknown chunks ({@code LIST}, {@code fact}, {@code cue } ...) are skipped.
 * Channels are mixed down to mono by averaging. Integer samples are scaled to [-1, 1) by dividing by
 * {@code 2^(bits-1)} (8-bit: {@code (u - 128) / 128}); float samples are kept as they are (they may exceed
 * ±1 if the file does).
 *
 * <p>Sizes, as real tools write them: the RIFF size is not used (streaming encoders leave it 0 or
 * {@code 0xFFFFFFFF}, others get it wrong); chunks are read up to the end of the file, each odd-sized chunk followed by
 * its pad byte (a missing pad byte at the very end is tolerated). A {@code data} size of 0 or {@code 0xFFFFFFFF} is
 * the placeholder of an encoder that could not seek back and means "up to the end of the file"; any other data size
 * larger than what follows is a truncated file. The data is cut to whole frames (a trailing partial frame is
 * ignored). Every size is checked against the bytes actually present before anything is allocated for it.
 *
 * <p>Writing produces mono 16-bit PCM or 32-bit float files with a canonical header, through a temporary file
 * that is renamed atomically.
 */
public final class WavFile {

    /** Format tag of integer PCM. */
    public static final int FORMAT_PCM = 1;
    /** Format tag of IEEE floating point. */
    public static final int FORMAT_FLOAT = 3;
    /** Format tag of {@code WAVE_FORMAT_EXTENSIBLE}, whose real format is in a sub-format GUID. */
    public static final int FORMAT_EXTENSIBLE = 0xFFFE;

    /** Bytes 2..15 of the KSDATAFORMAT_SUBTYPE_PCM / _IEEE_FLOAT GUIDs (bytes 0..1 hold the format tag). */
    private static final byte[] GUID_SUFFIX = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00, 0x00,
        (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71};
    private static final long STREAMING_SIZE = 0xFFFFFFFFL;
    private static final long MAX_RIFF_SIZE = 0xFFFFFFFFL;

    /** Sample encodings the writer can produce. */
    public enum Encoding {
        /**
         * 16-bit signed integer PCM: {@code round(x * 32768)} clamped to [-32768, 32767], so values outside
         * [-1, 1) are clipped and every {@code k / 32768} survives a write and a read exactly.
         */
        PCM_16(FORMAT_PCM, 2),
        /** 32-bit IEEE float, values written unchanged (not clipped). */
        FLOAT_32(FORMAT_FLOAT, 4);

        private final int formatTag;
        private final int bytes;

        Encoding(int formatTag, int bytes) {
            this.formatTag = formatTag;
            this.bytes = bytes;
        }

        /** @return the bytes per (mono) sample */
        public int bytesPerSample() {
            return bytes;
        }
    }

    private WavFile() {
    }

    /**
     * Reads a WAV file, mixing its channels down to mono.
     *
     * @param file the file
     * @return the samples and the file's sample rate
     * @throws DatasetNotFoundException if the file does not exist
     * @throws DatasetException if the file cannot be read, is not a WAV file, is truncated or uses an
     *         unsupported format; the message names the file and what was expected
     */
    public static Audio read(Path file) {
        Objects.requireNonNull(file, "file");
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > Integer.MAX_VALUE - 8) {
                throw new DatasetException(file + ": " + size + " bytes is too large to read (expected a WAV"
                        + " file under 2 GB)");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DatasetNotFoundException(file + ": no such file (expected a WAV file)", e);
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
        return decode(bytes, file.toString());
    }

    /**
     * Decodes the bytes of a WAV file, mixing its channels down to mono.
     *
     * @param bytes the complete file content
     * @param name what to call the data in error messages (usually the file name)
     * @return the samples and the sample rate
     * @throws DatasetException if the bytes are not a supported, complete WAV file
     */
    public static Audio decode(byte[] bytes, String name) {
        Objects.requireNonNull(bytes, "bytes");
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 12) {
            throw new DatasetException(name + ": not a WAV file (" + bytes.length + " bytes, too short for a"
                    + " RIFF/WAVE header)");
        }
        String riff = fourCc(bytes, 0);
        if (riff.equals("RIFX")) {
            throw new DatasetException(name + ": big-endian RIFX WAV files are not supported (expected"
                    + " little-endian 'RIFF')");
        }
        if (riff.equals("RF64") || riff.equals("BW64")) {
            throw new DatasetException(name + ": " + riff + " (64-bit WAV) files are not supported (expected"
                    + " 'RIFF')");
        }
        if (!riff.equals("RIFF")) {
            throw new DatasetException(name + ": not a WAV file (starts with '" + printable(riff)
                    + "', expected 'RIFF')");
        }
        String wave = fourCc(bytes, 8);
        if (!wave.equals("WAVE")) {
            throw new DatasetException(name + ": RIFF form type '" + printable(wave) + "' (expected 'WAVE')");
        }
        Format fmt = null;
        int dataOffset = -1;
        long dataSize = -1;
        int pos = 12;
        while (pos + 8 <= bytes.length && (fmt == null || dataOffset < 0)) {
            String id = fourCc(bytes, pos);
            long size = Integer.toUnsignedLong(b.getInt(pos + 4));
            int body = pos + 8;
            long available = bytes.length - (long) body;
            if (id.equals("data")) {
                if (size == STREAMING_SIZE || size == 0) {
                    size = available; // a streaming encoder's placeholder: the data runs to the end of the file
                } else if (size > available) {
                    throw new DatasetException(name + ": truncated: the data chunk declares " + size
                            + " bytes but only " + available + " follow");
                }
                dataOffset = body;
                dataSize = size;
            } else {
                if (size > available) {
                    throw new DatasetException(name + ": truncated: chunk '" + printable(id) + "' at byte " + pos
                            + " declares " + size + " bytes but only " + available + " follow");
                }
                if (id.equals("fmt ")) {
                    fmt = parseFormat(b, body, (int) size, name);
                }
            }
            pos = (int) Math.min(bytes.length, body + size + (size & 1));
        }
        if (fmt == null) {
            throw new DatasetException(name + ": no 'fmt ' chunk (expected a RIFF/WAVE file with 'fmt ' and"
                    + " 'data' chunks)");
        }
        if (dataOffset < 0) {
            throw new DatasetException(name + ": no 'data' chunk (expected a RIFF/WAVE file with 'fmt ' and"
                    + " 'data' chunks)");
        }
        long frames = dataSize / fmt.blockAlign;
        if (frames > Integer.MAX_VALUE - 8) {
            throw new DatasetException(name + ": " + frames + " frames are too many to hold in one array");
        }
        return new Audio(samples(b, dataOffset, (int) frames, fmt, name), fmt.sampleRate);
    }

    /** The decoded parts of a fmt chunk: the effective tag (1 or 3), channels, rate, bytes per sample. */
    private record Format(int tag, int channels, int sampleRate, int bytesPerSample, int blockAlign) {
    }

    private static Format parseFormat(ByteBuffer b, int at, int size, String name) {
        if (size < 16) {
            throw new DatasetException(name + ": 'fmt ' chunk of " + size + " bytes (expected at least 16)");
        }
        int tag = Short.toUnsignedInt(b.getShort(at));
        int channels = Short.toUnsignedInt(b.getShort(at + 2));
        long rate = Integer.toUnsignedLong(b.getInt(at + 4));
        int blockAlign = Short.toUnsignedInt(b.getShort(at + 12));
        int bits = Short.toUnsignedInt(b.getShort(at + 14));
        int effective = tag;
        if (tag == FORMAT_EXTENSIBLE) {
            if (size < 40) {
                throw new DatasetException(name + ": WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk of " + size
                        + " bytes (expected 40)");
            }
            effective = Short.toUnsignedInt(b.getShort(at + 24));
            for (int i = 0; i < GUID_SUFFIX.length; i++) {
                if (b.get(at + 26 + i) != GUID_SUFFIX[i]) {
                    throw new DatasetException(name + ": unsupported WAVE_FORMAT_EXTENSIBLE sub-format GUID"
                            + " (expected KSDATAFORMAT_SUBTYPE_PCM or _IEEE_FLOAT)");
                }
            }
            if (effective != FORMAT_PCM && effective != FORMAT_FLOAT) {
                throw new DatasetException(name + ": unsupported WAVE_FORMAT_EXTENSIBLE sub-format " + effective
                        + " (expected PCM 1 or float 3)");
            }
        } else if (tag != FORMAT_PCM && tag != FORMAT_FLOAT) {
            throw new DatasetException(name + ": unsupported WAV format tag " + tag + " (expected PCM 1, float 3"
                    + " or extensible 0xFFFE)");
        }
        if (channels == 0) {
            throw new DatasetException(name + ": 0 channels (expected at least 1)");
        }
        if (rate == 0 || rate > Integer.MAX_VALUE) {
            throw new DatasetException(name + ": sample rate " + rate + " Hz (expected a positive rate)");
        }
        int bytesPerSample = (bits + 7) / 8;
        if (effective == FORMAT_PCM && (bits < 1 || bits > 32)) {
            throw new DatasetException(name + ": unsupported PCM sample size " + bits + " bits (expected 8, 16,"
                    + " 24 or 32)");
        }
        if (effective == FORMAT_FLOAT && bits != 32 && bits != 64) {
            throw new DatasetException(name + ": unsupported float sample size " + bits + " bits (expected 32"
                    + " or 64)");
        }
        if (blockAlign != channels * bytesPerSample) {
            throw new DatasetException(name + ": block align " + blockAlign + " bytes does not match " + channels
                    + " channel(s) of " + bits + "-bit samples (expected " + channels * bytesPerSample + ")");
        }
        return new Format(effective, channels, (int) rate, bytesPerSample, blockAlign);
    }

    private static float[] samples(ByteBuffer b, int offset, int frames, Format fmt, String name) {
        float[] out = new float[frames];
        int channels = fmt.channels;
        int size = fmt.bytesPerSample;
        boolean isFloat = fmt.tag == FORMAT_FLOAT;
        int at = offset;
        for (int t = 0; t < frames; t++) {
            double sum = 0;
            for (int c = 0; c < channels; c++) {
                double v;
                if (isFloat) {
                    v = size == 4 ? b.getFloat(at) : b.getDouble(at);
                    if (!Double.isFinite(v)) {
                        throw new DatasetException(name + ": sample " + t + " of channel " + c + " is " + v
                                + " (expected finite float samples)");
                    }
                } else {
                    v = pcm(b, at, size);
                }
                sum += v;
                at += size;
            }
            out[t] = (float) (channels == 1 ? sum : sum / channels);
        }
        return out;
    }

    /** One little-endian integer PCM sample of {@code size} bytes scaled to [-1, 1). */
    private static double pcm(ByteBuffer b, int at, int size) {
        switch (size) {
            case 1:
                return (Byte.toUnsignedInt(b.get(at)) - 128) / 128.0;
            case 2:
                return b.getShort(at) / 32768.0;
            case 3:
                int v = (b.get(at) & 0xFF) | (b.get(at + 1) & 0xFF) << 8 | b.get(at + 2) << 16;
                return v / 8388608.0;
            default:
                return b.getInt(at) / 2147483648.0;
        }
    }

    /**
     * Writes mono audio as 16-bit PCM ({@link Encoding#PCM_16}).
     *
     * @param file the target; replaced atomically, parent directories created
     * @param audio the audio
     * @throws IllegalArgumentException if a sample is NaN or infinite, or the file would exceed 4 GB
     * @throws java.io.UncheckedIOException if the file cannot be written
     */
    public static void write(Path file, Audio audio) {
        write(file, audio, Encoding.PCM_16);
    }

    /**
     * Writes mono audio with a given sample encoding.
     *
     * @param file the target; replaced atomically, parent directories created
     * @param audio the audio
     * @param encoding how to store the samples
     * @throws IllegalArgumentException if a sample is NaN or infinite, or the file would exceed 4 GB
     * @throws java.io.UncheckedIOException if the file cannot be written
     */
    public static void write(Path file, Audio audio, Encoding encoding) {
        Objects.requireNonNull(file, "file");
        byte[] bytes = encode(audio, encoding);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    /**
     * Encodes mono audio as the bytes of a WAV file: a 44-byte canonical header for PCM; for float an 18-byte
     * {@code fmt } chunk and the {@code fact} chunk (frame count) the format requires, 58 bytes in all.
     *
     * @param audio the audio
     * @param encoding how to store the samples
     * @return the complete file content
     * @throws IllegalArgumentException if a sample is NaN or infinite, or the file would exceed 4 GB
     */
    public static byte[] encode(Audio audio, Encoding encoding) {
        Objects.requireNonNull(audio, "audio");
        Objects.requireNonNull(encoding, "encoding");
        float[] x = audio.samples();
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i])) {
                throw new IllegalArgumentException("sample " + i + " is " + x[i] + "; WAV samples must be finite");
            }
        }
        boolean pcm = encoding == Encoding.PCM_16;
        int fmtSize = pcm ? 16 : 18;
        int header = 12 + 8 + fmtSize + (pcm ? 0 : 12) + 8;
        long dataSize = (long) x.length * encoding.bytes;
        if (header - 8 + dataSize > MAX_RIFF_SIZE || header + dataSize > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(x.length + " samples do not fit in a WAV file");
        }
        ByteBuffer b = ByteBuffer.allocate((int) (header + dataSize)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt((int) (header - 8 + dataSize)).put(ascii("WAVE"));
        b.put(ascii("fmt ")).putInt(fmtSize);
        b.putShort((short) encoding.formatTag).putShort((short) 1).putInt(audio.sampleRate())
                .putInt(audio.sampleRate() * encoding.bytes).putShort((short) encoding.bytes)
                .putShort((short) (8 * encoding.bytes));
        if (!pcm) {
            b.putShort((short) 0);
            b.put(ascii("fact")).putInt(4).putInt(x.length);
        }
        b.put(ascii("data")).putInt((int) dataSize);
        if (pcm) {
            for (float v : x) {
                b.putShort(toPcm16(v));
            }
        } else {
            for (float v : x) {
                b.putFloat(v);
            }
        }
        return b.array();
    }

    /** {@code round(v * 32768)} clamped to the 16-bit range. */
    static short toPcm16(float v) {
        long q = Math.round(v * 32768.0);
        return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, q));
    }

    private static String fourCc(byte[] bytes, int at) {
        return new String(bytes, at, 4, StandardCharsets.ISO_8859_1);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The id with non-printable characters shown as {@code \xNN}. */
    private static String printable(String id) {
        StringBuilder sb = new StringBuilder();
        for (char c : id.toCharArray()) {
            if (c >= 0x20 && c < 0x7F) {
                sb.append(c);
            } else {
                sb.append(String.format("\\x%02X", (int) c));
            }
        }
        return sb.toString();
    }
}
