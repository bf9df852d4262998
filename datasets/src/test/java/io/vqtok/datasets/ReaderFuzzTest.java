package io.vqtok.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import io.vqtok.datasets.audio.Audio;
import io.vqtok.datasets.audio.WavFile;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded fuzzing of every reader of the module: valid files (written by the module's writers or built here) are
 * mutated a few hundred times per format (truncated, bit-flipped, header fields set to 0, 1, -1 = 0xFFFFFFFF, 2^31 - 1,
 * 2^31, large or random values, random bytes appended or overwritten) and read. Each read must either return data
 * consistent with the file's size or throw a {@link DatasetException} whose message names the file; anything else,
 * including an {@link OutOfMemoryError}, fails the test naming the case and its seed, so it can be replayed alone.
 * Each format prints how many reads returned data and how many were refused.
 */
class ReaderFuzzTest {

    /** The fixed seed: case {@code i} of a format uses {@code new SplittableRandom(SEED + 1000 * format + i)}. */
    private static final long SEED = 20240607L;
    private static final int CASES = 300;
    /** With {@code -Dfuzz.verbose=true} every refusal is printed with its case. */
    private static final boolean VERBOSE = Boolean.getBoolean("fuzz.verbose");
    private static final long[] INTERESTING = {0, 1, 2, 3, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 1 << 20,
        1 << 24, 0x7FFFFFFFL, 0x80000000L, 0xFFFFFFFEL, 0xFFFFFFFFL};

    @TempDir
    Path dir;

    /** A header field: where it is, how many bytes, which byte order. */
    private record Field(String name, int offset, int width, boolean bigEndian) {
    }

    /**
     * Reads one mutated file made from base file {@code base}: returns normally if the data came back consistent,
     * throws otherwise.
     */
    private interface Reader {
        void read(Path file, int base, SplittableRandom random) throws Exception;
    }

    /** Tallies of one format. */
    private static final class Tally {
        int cases;
        int reads;
        int returned;
        int refused;
        final List<String> failures = new ArrayList<>();
    }

    // ------------------------------------------------------------------------------------------------ mutations

    /** A mutation of {@code valid}, chosen by {@code r}; {@code what} receives a description of it. */
    private static byte[] mutate(byte[] valid, List<Field> fields, SplittableRandom r, StringBuilder what) {
        byte[] b = valid.clone();
        switch (r.nextInt(7)) {
            case 0 -> b = truncate(b, r, what);
            case 1 -> flipBits(b, r, what);
            case 2 -> setField(b, fields, r, what);
            case 3 -> {
                setField(b, fields, r, what);
                setField(b, fields, r, what);
            }
            case 4 -> {
                setField(b, fields, r, what);
                b = truncate(b, r, what);
            }
            case 5 -> {
                int n = 1 + r.nextInt(64);
                byte[] extra = new byte[n];
                r.nextBytes(extra);
                b = Arrays.copyOf(b, b.length + n);
                System.arraycopy(extra, 0, b, valid.length, n);
                what.append("appended ").append(n).append(" random bytes; ");
            }
            default -> {
                int at = r.nextInt(Math.min(b.length, 64));
                int n = 1 + r.nextInt(Math.min(8, b.length - at));
                for (int i = 0; i < n; i++) {
                    b[at + i] = (byte) r.nextInt(256);
                }
                what.append("overwrote ").append(n).append(" bytes at ").append(at).append("; ");
            }
        }
        return b;
    }

    private static byte[] truncate(byte[] b, SplittableRandom r, StringBuilder what) {
        int len = r.nextInt(b.length);
        what.append("truncated to ").append(len).append(" bytes; ");
        return Arrays.copyOf(b, len);
    }

    private static void flipBits(byte[] b, SplittableRandom r, StringBuilder what) {
        int n = 1 + r.nextInt(8);
        what.append("flipped bits");
        for (int i = 0; i < n; i++) {
            int bit = r.nextInt(b.length * 8);
            b[bit / 8] ^= (byte) (1 << (bit % 8));
            what.append(' ').append(bit);
        }
        what.append("; ");
    }

    private static void setField(byte[] b, List<Field> fields, SplittableRandom r, StringBuilder what) {
        Field f = fields.get(r.nextInt(fields.size()));
        if (f.offset + f.width > b.length) {
            return;
        }
        long old = get(b, f);
        long v = switch (r.nextInt(4)) {
            case 0, 1 -> INTERESTING[r.nextInt(INTERESTING.length)];
            case 2 -> old + r.nextInt(-3, 4);
            default -> r.nextLong();
        };
        long mask = f.width == 8 ? -1L : (1L << (8 * f.width)) - 1;
        v &= mask;
        what.append(f.name).append(" = ").append(v).append(" (was ").append(old).append("); ");
        for (int i = 0; i < f.width; i++) {
            int shift = 8 * (f.bigEndian ? f.width - 1 - i : i);
            b[f.offset + i] = (byte) (v >>> shift);
        }
    }

    private static long get(byte[] b, Field f) {
        long v = 0;
        for (int i = 0; i < f.width; i++) {
            int shift = 8 * (f.bigEndian ? f.width - 1 - i : i);
            v |= (b[f.offset + i] & 0xFFL) << shift;
        }
        return v;
    }

    // ------------------------------------------------------------------------------------------------ the driver

    /**
     * Runs {@link #CASES} cases of one format: each picks a base file, mutates it, writes it as {@code name} and runs
     * every reader on it.
     */
    private Tally fuzz(int format, String label, List<byte[]> bases, List<List<Field>> fields, String name,
            MutationHook hook, Reader... readers) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("f" + format));
        Tally t = new Tally();
        long start = System.nanoTime();
        for (int i = 0; i < CASES; i++) {
            long seed = SEED + 1000L * format + i;
            SplittableRandom r = new SplittableRandom(seed);
            int base = r.nextInt(bases.size());
            StringBuilder what = new StringBuilder("base ").append(base).append(": ");
            byte[] mutated = hook == null ? mutate(bases.get(base), fields.get(base), r, what)
                    : hook.mutate(bases.get(base), fields.get(base), r, what);
            Path file = Files.write(folder.resolve(name), mutated);
            t.cases++;
            for (int k = 0; k < readers.length; k++) {
                t.reads++;
                String where = String.format(Locale.ROOT, "%s case %d (seed %d), reader %d, %s", label, i, seed, k,
                        what);
                try {
                    readers[k].read(file, base, new SplittableRandom(seed));
                    t.returned++;
                } catch (DatasetException e) {
                    String m = e.getMessage();
                    if (m == null || m.isEmpty() || !m.contains(file.getFileName().toString())) {
                        t.failures.add(where + ": message does not name the file: " + m);
                    } else {
                        t.refused++;
                        if (VERBOSE) {
                            System.out.println(where + ": " + m);
                        }
                    }
                } catch (Throwable e) { // anything else, Errors included, is a finding
                    t.failures.add(where + ": " + e);
                }
            }
        }
        System.out.printf(Locale.ROOT, "fuzz %-9s %d cases, %d reads: %d returned data, %d refused with"
                + " DatasetException, %d other outcomes (%.1f s)%n", label, t.cases, t.reads, t.returned, t.refused,
                t.failures.size(), (System.nanoTime() - start) / 1e9);
        return t;
    }

    /** A format-specific mutation, used instead of {@link #mutate}. */
    private interface MutationHook {
        byte[] mutate(byte[] valid, List<Field> fields, SplittableRandom r, StringBuilder what) throws IOException;
    }

    private static void assertClean(Tally t) {
        assertThat(t.failures).as("readers must return consistent data or throw DatasetException naming the file")
                .isEmpty();
        assertThat(t.returned).as("some mutations leave a readable file").isPositive();
        assertThat(t.refused).as("some mutations are refused").isPositive();
    }

    // ------------------------------------------------------------------------------------------------ IDX

    private static List<Field> idxFields(int dims) {
        List<Field> f = new ArrayList<>(List.of(new Field("magic", 0, 4, true)));
        for (int d = 0; d < dims; d++) {
            f.add(new Field("dim" + d, 4 + 4 * d, 4, true));
        }
        return f;
    }

    /**
     * The IDX readers, each checking what it returned against the payload size (decompressed for gzip). Base 0 is an
     * image file, base 1 a label file.
     */
    private static Reader[] idxReaders(boolean gzip) {
        Reader whole = (file, base, r) -> {
            if (base == 1) {
                IdxLabels all = IdxLabels.read(file);
                assertThat(8 + (long) all.size()).isEqualTo(payload(file, gzip));
                return;
            }
            IdxImages all = IdxImages.read(file);
            assertThat(16 + (long) all.size() * all.height() * all.width()).isEqualTo(payload(file, gzip));
            for (float v : all.image(all.size() - 1)) assertThat(v).isBetween(0f, 1f);
        };
        Reader split = (file, base, r) -> {
            Split s = Split.values()[r.nextInt(3)];
            if (base == 1) {
                IdxLabels part = IdxLabels.read(file, s);
                assertThat(part.size()).isEqualTo(s.slice((int) (payload(file, gzip) - 8), file).size());
                return;
            }
            IdxImages part = IdxImages.read(file, s);
            long n = (payload(file, gzip) - 16) / ((long) part.height() * part.width());
            assertThat(part.size()).isEqualTo(s.slice((int) n, file).size());
        };
        Reader stream = (file, base, r) -> {
            if (base == 1) {
                IdxLabels.read(file, Split.TRAIN);
                return;
            }
            Split s = Split.values()[r.nextInt(3)];
            try (IdxImageStream st = IdxImageStream.open(file, s)) {
                float[] dst = new float[st.imageSize()];
                // read at most 50 images in order, the last one, then the first again (a reopen)
                int n = st.size();
                for (int i = 0; i < Math.min(n, 50); i++) st.copyImage(i, dst, 0);
                st.copyImage(n - 1, dst, 0);
                st.copyImage(0, dst, 0);
                for (float v : dst) assertThat(v).isBetween(0f, 1f);
                // the images read were really there: the stream does not read to the end, so count what decompresses
                assertThat(16 + (long) n * dst.length).isLessThanOrEqualTo(gzip ? readableBytes(file)
                        : Files.size(file));
            }
        };
        return new Reader[] {whole, split, stream};
    }

    /** The length of the file's content, decompressed for gzip. */
    private static long payload(Path file, boolean gzip) throws IOException {
        if (!gzip) {
            return Files.size(file);
        }
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            return in.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }

    /** How many bytes decompress from a gzip file before its end or its first error. */
    private static long readableBytes(Path file) throws IOException {
        long n = 0;
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            while (in.read() >= 0) n++; // byte by byte: a larger read that meets the error would lose its bytes
        } catch (IOException e) {
            // corrupt from here on: what came before is what a reader can have used
        }
        return n;
    }

    @Test
    @Timeout(60)
    void idxRaw() throws Exception {
        List<byte[]> bases = List.of(Fixtures.idxImages(14, 3, 4), Fixtures.idxLabels(3, 1, 4, 1, 5, 9, 2, 6, 5, 3));
        Tally t = fuzz(1, "IDX raw", bases, List.of(idxFields(3), idxFields(1)), "data-idx-ubyte", null,
                idxReaders(false));
        assertClean(t);
    }

    @Test
    @Timeout(60)
    void idxGzip() throws Exception {
        byte[] images = Fixtures.idxImages(14, 3, 4);
        byte[] labels = Fixtures.idxLabels(3, 1, 4, 1, 5, 9, 2, 6, 5, 3);
        List<byte[]> bases = List.of(images, labels);
        // half the cases mutate the IDX content and compress it, half mutate the compressed bytes
        MutationHook hook = (valid, fields, r, what) -> {
            if (r.nextBoolean()) {
                what.append("content: ");
                return Fixtures.gzip(mutate(valid, fields, r, what));
            }
            byte[] gz = Fixtures.gzip(valid);
            List<Field> gzFields = List.of(new Field("gzip flags", 3, 1, false), new Field("gzip method", 2, 1, false),
                    new Field("gzip crc", gz.length - 8, 4, false), new Field("gzip isize", gz.length - 4, 4, false));
            what.append("compressed: ");
            return mutate(gz, gzFields, r, what);
        };
        Tally t = fuzz(2, "IDX gzip", bases, List.of(idxFields(3), idxFields(1)), "data-idx-ubyte.gz", hook,
                idxReaders(true));
        assertClean(t);
    }

    // ------------------------------------------------------------------------------------------------ NPY

    private static final String[] DESCRS = {"<i4", "<i8", ">i8", "<u8", ">u4", "<u2", "|u1", "|i1", "<f4", ">f8",
        "<f2", "<c8", "|O", "<i3", "", "i4"};
    /** Shapes: some that fit the 24 data bytes for some dtype, some that do not, some that are not shapes. */
    private static final String[] SHAPES = {"()", "(0,)", "(6,)", "(2, 3)", "(3, 2)", "(1, 6, 1)", "(12,)", "(3,)",
        "(24,)", "(4, 3)", "(2, 12)", "(4, 3, 2)", "(1, 3)", "(2147483647,)", "(65536, 65536)", "(-1,)",
        "(2, 2147483647)", "(2, 3, 4, 5, 6, 7, 8, 9)", "(x,)", "(99999999999,)", "(0, 2147483647)"};

    /** An .npy file built by hand around {@code data}, with the given header fields. */
    private static byte[] npy(String descr, boolean fortran, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': "
                + shape + ", }";
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        byte[] header = (dict + " ".repeat(pad) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length).put(header)
                .put(data);
        return b.array();
    }

    @Test
    @Timeout(60)
    void npy() throws Exception {
        Path valid = dir.resolve("valid.npy");
        Npy.writeInts(valid, new int[] {3, 0, 511, 7, 42, 1}, 2, 3);
        byte[] ints = Files.readAllBytes(valid);
        Npy.writeFloats(valid, new float[] {0.5f, -1f, 2f, 1e-3f, 8f, 3f}, 3, 2);
        byte[] floats = Files.readAllBytes(valid);
        int dataStart = 10 + (ints[8] & 0xFF | (ints[9] & 0xFF) << 8); // the same for both: same header length
        assertThat(floats.length).isEqualTo(ints.length);
        List<Field> fields = List.of(new Field("version", 6, 1, false), new Field("header length", 8, 2, false),
                new Field("data", dataStart, 4, false), new Field("data end", dataStart + 16, 8, false));
        // a third of the cases rebuild the header with another dtype, order and shape around the same data
        MutationHook hook = (base, f, r, what) -> {
            if (r.nextInt(3) == 0) {
                String descr = DESCRS[r.nextInt(DESCRS.length)];
                boolean fortran = r.nextBoolean();
                String shape = SHAPES[r.nextInt(SHAPES.length)];
                what.append("header ").append(descr).append(fortran ? " fortran " : " C ").append(shape).append("; ");
                byte[] rebuilt = npy(descr, fortran, shape, Arrays.copyOfRange(base, dataStart, base.length));
                return r.nextBoolean() ? rebuilt : mutate(rebuilt, f, r, what);
            }
            return mutate(base, f, r, what);
        };
        Reader read = (file, base, r) -> {
            NpyArray a = Npy.read(file);
            int size = Integer.parseInt(a.dtype().substring(2));
            assertThat(a.count() * size).isLessThanOrEqualTo(Files.size(file) - 10);
            long product = 1;
            for (int d : a.shape()) product *= d;
            assertThat(product).isEqualTo(a.count());
            a.asDoubles();
        };
        Reader indices = (file, base, r) -> {
            int[] codes = Npy.readIndices(file);
            assertThat((long) codes.length).isLessThanOrEqualTo(Files.size(file));
            for (int c : codes) assertThat(c).isNotNegative();
        };
        Reader indexArray = (file, base, r) -> {
            NpyArray a = Npy.readIndexArray(file);
            assertThat(a.dtype()).isEqualTo("<i4");
        };
        Tally t = fuzz(3, "NPY", List.of(ints, floats), List.of(fields, fields), "codes.npy", hook, read, indices,
                indexArray);
        assertClean(t);
    }

    // ------------------------------------------------------------------------------------------------ WAV

    /** The size fields of every chunk of a RIFF file, and the fmt fields. */
    private static List<Field> wavFields(byte[] wav) {
        List<Field> f = new ArrayList<>(List.of(new Field("RIFF size", 4, 4, false)));
        ByteBuffer b = ByteBuffer.wrap(wav).order(ByteOrder.LITTLE_ENDIAN);
        for (int pos = 12; pos + 8 <= wav.length; ) {
            String id = new String(wav, pos, 4, StandardCharsets.US_ASCII);
            int size = b.getInt(pos + 4);
            f.add(new Field(id + " size", pos + 4, 4, false));
            if (id.equals("fmt ")) {
                int body = pos + 8;
                f.add(new Field("format tag", body, 2, false));
                f.add(new Field("channels", body + 2, 2, false));
                f.add(new Field("sample rate", body + 4, 4, false));
                f.add(new Field("byte rate", body + 8, 4, false));
                f.add(new Field("block align", body + 12, 2, false));
                f.add(new Field("bits", body + 14, 2, false));
            }
            pos += 8 + size + (size & 1);
        }
        return f;
    }

    @Test
    @Timeout(60)
    void wav() throws Exception {
        float[] x = new float[301];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i * 0.1) * 0.5f;
        byte[] pcm = WavFile.encode(new Audio(x, 16000), WavFile.Encoding.PCM_16);
        byte[] flt = WavFile.encode(new Audio(x, 22050), WavFile.Encoding.FLOAT_32);
        // a stereo 24-bit file with an odd-sized LIST chunk (and its pad byte) before the data
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        ByteBuffer fmt = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).put("fmt ".getBytes(StandardCharsets.US_ASCII))
                .putInt(16).putShort((short) 1).putShort((short) 2).putInt(8000).putInt(8000 * 6).putShort((short) 6)
                .putShort((short) 24);
        s.writeBytes(fmt.array());
        s.writeBytes(new byte[] {'L', 'I', 'S', 'T', 5, 0, 0, 0, 'I', 'N', 'F', 'O', 0, 0});
        byte[] frames = new byte[6 * 50];
        new SplittableRandom(1).nextBytes(frames);
        s.writeBytes("data".getBytes(StandardCharsets.US_ASCII));
        s.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(frames.length).array());
        s.writeBytes(frames);
        byte[] body = s.toByteArray();
        byte[] stereo = ByteBuffer.allocate(12 + body.length).order(ByteOrder.LITTLE_ENDIAN)
                .put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(4 + body.length)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII)).put(body).array();
        assertThat(WavFile.decode(stereo, "stereo").length()).isEqualTo(50);
        List<byte[]> bases = List.of(pcm, flt, stereo);
        Reader read = (file, base, r) -> {
            Audio a = WavFile.read(file);
            assertThat(a.sampleRate()).isPositive();
            assertThat((long) a.length()).isLessThanOrEqualTo(Files.size(file) - 44);
        };
        Reader decode = (file, base, r) -> {
            byte[] bytes = Files.readAllBytes(file);
            Audio a = WavFile.decode(bytes, file.toString());
            assertThat(a.length()).isLessThanOrEqualTo(bytes.length);
        };
        Tally t = fuzz(4, "WAV", bases, List.of(wavFields(pcm), wavFields(flt), wavFields(stereo)), "clip.wav",
                null, read, decode);
        assertClean(t);
    }

    // ------------------------------------------------------------------------------------------------ PNG

    /** The length field of every PNG chunk and the IHDR fields. */
    private static List<Field> pngFields(byte[] png) {
        List<Field> f = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(png);
        for (int pos = 8; pos + 8 <= png.length; ) {
            String id = new String(png, pos + 4, 4, StandardCharsets.US_ASCII);
            int len = b.getInt(pos);
            f.add(new Field(id + " length", pos, 4, true));
            if (id.equals("IHDR")) {
                f.add(new Field("width", pos + 8, 4, true));
                f.add(new Field("height", pos + 12, 4, true));
                f.add(new Field("bit depth", pos + 16, 1, true));
                f.add(new Field("colour type", pos + 17, 1, true));
                f.add(new Field("interlace", pos + 20, 1, true));
            }
            pos += 12 + len;
        }
        return f;
    }

    private static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(img, "png", out)).isTrue();
        return out.toByteArray();
    }

    @Test
    @Timeout(60)
    void pngInAFolder() throws Exception {
        int w = 12;
        int h = 10;
        BufferedImage rgba = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        BufferedImage gray16 = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
        byte[] pal = new byte[16];
        for (int i = 0; i < 16; i++) pal[i] = (byte) (i * 17);
        BufferedImage palette = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(4, 16, pal, pal.clone(), new byte[16]));
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                rgba.setRGB(x, y, (x * 20) << 24 | Fixtures.rgb(5, x, y));
                gray16.getRaster().setSample(x, y, 0, x * 5000 + y * 100);
                palette.getRaster().setSample(x, y, 0, (x + y) % 16);
            }
        }
        List<byte[]> bases = List.of(png(Fixtures.rgbImage(w, h, 9)), png(rgba), png(gray16), png(palette));
        List<List<Field>> fields = new ArrayList<>();
        for (byte[] b : bases) fields.add(pngFields(b));
        Path folder = dir.resolve("f5");
        Fixtures.rgbPng(folder.resolve("a.png"), w, h, 1);
        Fixtures.grayPng(folder.resolve("c.png"), w, h, 3);
        long firstLength = Files.size(folder.resolve("a.png"));
        Reader loaded = (file, base, r) -> {
            ImageFolderDataset d = ImageFolderDataset.open(folder, 0);
            assertThat(d.size()).isEqualTo(3);
            assertThat((long) d.width() * d.height()).isLessThanOrEqualTo(ImageFolderDataset.MAX_PIXELS_PER_BYTE
                    * firstLength);
            for (int i = 0; i < 3; i++) for (float v : d.image(i)) assertThat(v).isBetween(0f, 1f);
        };
        Reader streamed = (file, base, r) -> {
            ImageFileDataset d = ImageFileDataset.open(folder, 1);
            float[] dst = new float[d.imageSize()];
            for (int i = 0; i < d.size(); i++) d.copyImage(i, dst, 0);
            for (float v : dst) assertThat(v).isBetween(0f, 1f);
        };
        Reader split = (file, base, r) -> {
            // a plain folder of 3 images: TRAIN is a.png and b.png
            ImageDataset d = DataSources.open(folder.toString(), Split.TRAIN, 3);
            assertThat(d.size()).isEqualTo(2);
        };
        Tally t = fuzz(5, "PNG", bases, fields, "b.png", null, loaded, streamed, split);
        assertClean(t);
    }

    /** The replay helper's own check: a case's bytes depend on its seed only. */
    @Test
    void mutationsAreDeterministic() {
        byte[] valid = Fixtures.idxImages(3, 2, 2);
        for (int i = 0; i < 20; i++) {
            StringBuilder a = new StringBuilder();
            StringBuilder b = new StringBuilder();
            byte[] x = mutate(valid, idxFields(3), new SplittableRandom(SEED + i), a);
            byte[] y = mutate(valid, idxFields(3), new SplittableRandom(SEED + i), b);
            assertThat(x).isEqualTo(y);
            assertThat(a.toString()).isEqualTo(b.toString());
        }
    }
}
