package io.vqtok.datasets.audio;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A classical speech codec run through its Debian command-line tools (Codec2's {@code c2enc}/{@code c2dec},
 * opus-tools, speex, SoX's AMR-NB), for comparing learned tokenizers with what the field compares them with.
 *
 * <p>{@link #encodeDecode} resamples the input to the codec's rate with {@link Resampler}, writes it as 16-bit
 * PCM (raw little-endian or WAV) to a temporary folder, runs the encoder and the decoder there, reads the decoded
 * 16-bit signal back and resamples it to the input's rate. The bitrate is measured from the encoded file: its
 * payload bytes (without the Ogg pages' headers and the two Opus/Speex header packets, or the 6-byte AMR magic;
 * Codec2 files are headerless) times 8 over the input's duration. The decoded signal may be delayed and of a
 * slightly different length; {@link SpeechQuality#measure} aligns it.
 *
 * @param name the codec's name in tables, e.g. {@code codec2-3200}
 * @param nominalKbps the codec mode's nominal bitrate in kbit/s
 * @param rate the sample rate the codec runs at, Hz
 * @param debianPackage the Debian package with the binaries
 * @param input how the encoder reads its input
 * @param encode the encoder's command line, with {@code {in}} and {@code {out}} for the files
 * @param encodedSuffix the encoded file's suffix (some tools choose the format by it)
 * @param decode the decoder's command line, with {@code {in}} and {@code {out}}
 * @param output how the decoder writes its output
 * @param container the encoded file's framing, for counting payload bytes
 */
public record ClassicalCodec(String name, double nominalKbps, int rate, String debianPackage, Pcm input,
        List<String> encode, String encodedSuffix, List<String> decode, Pcm output, Container container) {

    /** How PCM goes to or comes from a tool. */
    public enum Pcm {
        /** Headerless 16-bit signed little-endian mono at the codec's rate ({@code .raw}). */
        RAW_S16LE,
        /** A 16-bit PCM WAV file ({@code .wav}). */
        WAV
    }

    /** The encoded file's framing. */
    public enum Container {
        /** Codec frames only. */
        NONE,
        /** Ogg pages whose first two packets are the stream and comment headers (Opus, Speex). */
        OGG,
        /** The AMR storage format: a 6-byte {@code #!AMR\n} magic, then frames with their one-byte headers. */
        AMR
    }

    /** Seconds a single tool may run before it is killed. */
    static final long TIMEOUT_SECONDS = 120;

    /** Codec2 3200 bit/s at 8 kHz. */
    public static final ClassicalCodec CODEC2_3200 = codec2("3200", 3.2);
    /** Codec2 2400 bit/s at 8 kHz. */
    public static final ClassicalCodec CODEC2_2400 = codec2("2400", 2.4);
    /** Codec2 1600 bit/s at 8 kHz. */
    public static final ClassicalCodec CODEC2_1600 = codec2("1600", 1.6);
    /** Codec2 700C (700 bit/s) at 8 kHz. */
    public static final ClassicalCodec CODEC2_700C = codec2("700C", 0.7);
    /** Opus at 6 kbit/s hard CBR, 16 kHz input. */
    public static final ClassicalCodec OPUS_6 = opus(6);
    /** Opus at 8 kbit/s hard CBR, 16 kHz input. */
    public static final ClassicalCodec OPUS_8 = opus(8);
    /** Speex wideband quality 0 (3.95 kbit/s nominal) at 16 kHz. */
    public static final ClassicalCodec SPEEX_WB_Q0 = speex(0, 3.95);
    /** Speex wideband quality 2 (7.75 kbit/s nominal) at 16 kHz. */
    public static final ClassicalCodec SPEEX_WB_Q2 = speex(2, 7.75);
    /** AMR-NB mode 0 (4.75 kbit/s) at 8 kHz, through SoX. */
    public static final ClassicalCodec AMR_NB_475 = amr(0, 4.75);
    /** AMR-NB mode 7 (12.2 kbit/s) at 8 kHz, through SoX. */
    public static final ClassicalCodec AMR_NB_122 = amr(7, 12.2);

    /** Every codec above, in table order. */
    public static final List<ClassicalCodec> ALL = List.of(CODEC2_3200, CODEC2_2400, CODEC2_1600, CODEC2_700C,
            OPUS_6, OPUS_8, SPEEX_WB_Q0, SPEEX_WB_Q2, AMR_NB_475, AMR_NB_122);

    /** The Debian packages {@link #ALL} needs. */
    public static final List<String> DEBIAN_PACKAGES = List.of("codec2", "opus-tools", "speex", "sox", "libsox-fmt-base");

    /**
     * Validates the description.
     *
     * @throws IllegalArgumentException if a field is missing or out of range
     */
    public ClassicalCodec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(debianPackage, "debianPackage");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(encodedSuffix, "encodedSuffix");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(container, "container");
        encode = List.copyOf(encode);
        decode = List.copyOf(decode);
        if (!(nominalKbps > 0) || rate <= 0) {
            throw new IllegalArgumentException(name + ": nominal kbps and rate must be positive, got " + nominalKbps
                    + " kbps at " + rate + " Hz");
        }
        for (List<String> cmd : List.of(encode, decode)) {
            if (cmd.isEmpty() || !cmd.contains("{in}") || !cmd.contains("{out}")) {
                throw new IllegalArgumentException(name + ": a command line needs a program, {in} and {out}, got " + cmd);
            }
        }
    }

    private static ClassicalCodec codec2(String mode, double kbps) {
        return new ClassicalCodec("codec2-" + mode, kbps, 8000, "codec2", Pcm.RAW_S16LE,
                List.of("c2enc", mode, "{in}", "{out}"), ".bit", List.of("c2dec", mode, "{in}", "{out}"), Pcm.RAW_S16LE,
                Container.NONE);
    }

    private static ClassicalCodec opus(int kbps) {
        return new ClassicalCodec("opus-" + kbps, kbps, 16000, "opus-tools", Pcm.WAV,
                List.of("opusenc", "--quiet", "--hard-cbr", "--bitrate", Integer.toString(kbps), "{in}", "{out}"), ".opus",
                List.of("opusdec", "--quiet", "--rate", "16000", "{in}", "{out}"), Pcm.WAV, Container.OGG);
    }

    private static ClassicalCodec speex(int quality, double kbps) {
        return new ClassicalCodec("speex-wb-q" + quality, kbps, 16000, "speex", Pcm.WAV,
                List.of("speexenc", "-w", "--quality", Integer.toString(quality), "{in}", "{out}"), ".spx",
                List.of("speexdec", "{in}", "{out}"), Pcm.WAV, Container.OGG);
    }

    private static ClassicalCodec amr(int mode, double kbps) {
        return new ClassicalCodec(String.format(Locale.ROOT, "amr-nb-%s", kbps), kbps, 8000, "sox libsox-fmt-base",
                Pcm.WAV, List.of("sox", "{in}", "-t", "amr-nb", "-C", Integer.toString(mode), "{out}"), ".amr",
                List.of("sox", "-t", "amr-nb", "{in}", "-b", "16", "{out}"), Pcm.WAV, Container.AMR);
    }

    /**
     * Looks a codec up by name.
     *
     * @param name a name of {@link #ALL}, case-insensitive
     * @return the codec
     * @throws IllegalArgumentException naming the known codecs if there is none of that name
     */
    public static ClassicalCodec named(String name) {
        for (ClassicalCodec c : ALL) {
            if (c.name().equalsIgnoreCase(name.trim())) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown codec '" + name + "'; expected one of "
                + String.join(", ", ALL.stream().map(ClassicalCodec::name).toList()));
    }

    /** @return the programs this codec runs (the first word of each command line), each once */
    public List<String> programs() {
        return Stream.of(encode.get(0), decode.get(0)).distinct().toList();
    }

    /** @return the programs of {@link #programs()} that are not found on the PATH */
    public List<String> missingPrograms() {
        return programs().stream().filter(p -> findOnPath(p) == null).toList();
    }

    /** The executable file of that name in a PATH folder, or null. */
    static Path findOnPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * One pass through the codec.
     *
     * @param samples the decoded signal at the input's rate (its length may differ from the input's by the
     *        codec's framing and delay)
     * @param sampleRate the input's rate in Hz
     * @param fileBytes the encoded file's size
     * @param payloadBytes the encoded file's codec payload (see the class comment)
     * @param kbps {@code payloadBytes * 8 / 1000} over the input's duration
     */
    public record Decoded(float[] samples, int sampleRate, long fileBytes, long payloadBytes, double kbps) {
    }

    /**
     * Encodes and decodes a signal.
     *
     * @param signal the input samples in [-1, 1] (outside is clipped by the 16-bit conversion)
     * @param sampleRate their rate in Hz
     * @return the decoded signal at {@code sampleRate} and the measured bitrate
     * @throws IllegalStateException if a program is missing (naming the Debian package to install), fails or
     *         writes an unreadable output (with the end of what it printed)
     * @throws IllegalArgumentException if the signal is empty or the rate is not positive
     */
    public Decoded encodeDecode(float[] signal, int sampleRate) {
        Objects.requireNonNull(signal, "signal");
        if (signal.length == 0 || sampleRate <= 0) {
            throw new IllegalArgumentException(name + ": need a non-empty signal and a positive rate, got "
                    + signal.length + " samples at " + sampleRate + " Hz");
        }
        List<String> missing = missingPrograms();
        if (!missing.isEmpty()) {
            throw new IllegalStateException(name + ": program " + String.join(", ", missing) + " not found on PATH;"
                    + " install the Debian package " + debianPackage + " (scripts/bench.sh codecs installs them)");
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("vqtok-codec-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Path in = dir.resolve(input == Pcm.WAV ? "in.wav" : "in.raw");
            Path enc = dir.resolve("encoded" + encodedSuffix);
            Path out = dir.resolve(output == Pcm.WAV ? "out.wav" : "out.raw");
            float[] atRate = new Resampler(sampleRate, rate).apply(signal);
            writePcm(in, atRate);
            run(encode, in, enc, dir);
            run(decode, enc, out, dir);
            float[] decoded;
            int decodedRate;
            if (output == Pcm.WAV) {
                Audio a = WavFile.read(out);
                decoded = a.samples();
                decodedRate = a.sampleRate();
            } else {
                decoded = readRaw(out);
                decodedRate = rate;
            }
            byte[] bytes = Files.readAllBytes(enc);
            long payload = payloadBytes(bytes);
            double seconds = signal.length / (double) sampleRate;
            return new Decoded(new Resampler(decodedRate, sampleRate).apply(decoded), sampleRate, bytes.length, payload,
                    payload * 8 / seconds / 1000);
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": " + e.getMessage(), e);
        } catch (io.vqtok.datasets.DatasetException e) {
            throw new IllegalStateException(name + ": the decoder's output is unreadable: " + e.getMessage(), e);
        } finally {
            deleteTree(dir);
        }
    }

    private void writePcm(Path file, float[] x) throws IOException {
        if (input == Pcm.WAV) {
            WavFile.write(file, new Audio(x, rate), WavFile.Encoding.PCM_16);
            return;
        }
        ByteBuffer b = ByteBuffer.allocate(2 * x.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : x) {
            b.putShort((short) Math.max(-32768, Math.min(32767, Math.round(v * 32768.0))));
        }
        Files.write(file, b.array());
    }

    private float[] readRaw(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] x = new float[bytes.length / 2];
        for (int i = 0; i < x.length; i++) {
            x[i] = b.getShort() / 32768f;
        }
        if (x.length == 0) {
            throw new IllegalStateException(name + ": the decoder wrote no samples to " + file.getFileName());
        }
        return x;
    }

    private void run(List<String> template, Path in, Path out, Path dir) throws IOException {
        List<String> cmd = new ArrayList<>();
        for (String s : template) {
            cmd.add(s.equals("{in}") ? in.toString() : s.equals("{out}") ? out.toString() : s);
        }
        Path log = dir.resolve("log.txt");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(name + ": " + cmd.get(0) + " ran longer than " + TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException(name + ": interrupted", e);
        }
        if (p.exitValue() != 0 || !Files.isRegularFile(out) || Files.size(out) == 0) {
            String said = Files.readString(log, StandardCharsets.UTF_8).strip();
            if (said.length() > 400) {
                said = "..." + said.substring(said.length() - 400);
            }
            throw new IllegalStateException(name + ": '" + String.join(" ", cmd) + "' exited with code " + p.exitValue()
                    + (Files.isRegularFile(out) ? "" : " and wrote no " + out.getFileName()) + (said.isEmpty() ? "" : ": " + said));
        }
    }

    /** The codec payload of an encoded file (see the class comment). */
    long payloadBytes(byte[] file) {
        return switch (container) {
            case NONE -> file.length;
            case AMR -> {
                byte[] magic = "#!AMR\n".getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < magic.length; i++) {
                    if (file.length <= i || file[i] != magic[i]) {
                        throw new IllegalStateException(name + ": the encoded file does not start with the AMR magic #!AMR");
                    }
                }
                yield file.length - magic.length;
            }
            case OGG -> oggAudioPayload(file, name);
        };
    }

    /**
     * Sums the sizes of an Ogg stream's packets after the first two (the codec's identification and comment
     * headers): each page is {@code "OggS"}, 22 header bytes, a segment count and a table of segment sizes; a
     * packet ends at a segment shorter than 255.
     */
    static long oggAudioPayload(byte[] file, String what) {
        long payload = 0;
        int packets = 0;
        int pos = 0;
        while (pos < file.length) {
            if (pos + 27 > file.length || file[pos] != 'O' || file[pos + 1] != 'g' || file[pos + 2] != 'g'
                    || file[pos + 3] != 'S') {
                throw new IllegalStateException(what + ": broken Ogg page at byte " + pos);
            }
            int segments = file[pos + 26] & 0xFF;
            int body = pos + 27 + segments;
            if (body > file.length) {
                throw new IllegalStateException(what + ": truncated Ogg page at byte " + pos);
            }
            int bodyBytes = 0;
            for (int s = 0; s < segments; s++) {
                int lace = file[pos + 27 + s] & 0xFF;
                bodyBytes += lace;
                if (packets >= 2) {
                    payload += lace;
                }
                if (lace < 255) {
                    packets++;
                }
            }
            pos = body + bodyBytes;
        }
        return payload;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }

    @Override
    public String toString() {
        return name + " (" + nominalKbps + " kbps at " + rate + " Hz)";
    }
}
