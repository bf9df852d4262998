package io.vqtok.autoencoders;

import io.vqtok.quantizers.VectorQuantizerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Hostile and damaged {@code .vqt} files: truncations, bit flips and mutated header fields (JSON config, NPY shapes,
 * dtypes, header lengths, entry names). Every load either gives a model with the saved codes or fails with a
 * {@link ModelFormatException} naming the file; nothing else (no OutOfMemoryError, no native crash, no other exception).
 */
class ModelFileFuzzTest {
    @TempDir
    static Path dir;
    static byte[] valid;
    static Map<String, byte[]> entries;

    @BeforeAll
    static void saveSmallModel() throws IOException {
        TokenizerConfig config = new TokenizerConfig(new ImageAutoencoderConfig(1, 8, 8, 4, 2, 0, 4), VectorQuantizerConfig.of(16, 4));
        Path file = dir.resolve("valid.vqt");
        ImageTokenizer.create(config, 3).save(file);
        valid = Files.readAllBytes(file);
        entries = unzip(valid);
    }

    static Map<String, byte[]> unzip(byte[] zip) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(zip))) {
            ZipEntry e;
            while ((e = in.getNextEntry()) != null) m.put(e.getName(), in.readAllBytes());
        }
        return m;
    }

    static byte[] zip(Map<String, byte[]> m) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : m.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** Loads; returns "ok" or "clean failure", and fails the test on anything else. */
    static String attempt(String label, byte[] content) throws IOException {
        Path file = dir.resolve("case.vqt");
        Files.write(file, content);
        try {
            Tokenizer t = Tokenizer.load(file);
            assertThat(t.state()).as(label).isNotEmpty();
            return "ok";
        } catch (ModelFormatException e) {
            assertThat(e.getMessage()).as(label).isNotBlank().contains(file.toString());
            return "clean failure";
        } catch (Throwable e) {
            throw new AssertionError(label + ": unexpected " + e, e);
        }
    }

    @Test
    void truncationsAndBitFlipsFailCleanly() throws IOException {
        Random r = new Random(20261129);
        Map<String, Integer> outcomes = new LinkedHashMap<>();
        for (int i = 0; i < 150; i++) {
            int n = r.nextInt(valid.length);
            outcomes.merge("truncated " + attempt("truncated to " + n + " bytes (case " + i + ")", java.util.Arrays.copyOf(valid, n)), 1, Integer::sum);
        }
        for (int i = 0; i < 150; i++) {
            byte[] b = valid.clone();
            int flips = 1 + r.nextInt(4);
            for (int f = 0; f < flips; f++) b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
            outcomes.merge("bit flips " + attempt("bit flips (case " + i + ")", b), 1, Integer::sum);
        }
        System.out.println("model file fuzz: " + outcomes);
        assertThat(outcomes.getOrDefault("truncated clean failure", 0)).isGreaterThan(140);
        // a flipped bit in an entry's data is caught by its CRC; loads that succeed flipped bits in metadata only
        assertThat(outcomes.getOrDefault("bit flips clean failure", 0)).isGreaterThan(100);
    }

    /** Structured mutations of what a reader might trust: each must fail cleanly (these are all invalid models). */
    @Test
    void mutatedHeadersFailCleanlyBeforeAllocating() throws IOException {
        String header = new String(entries.get("vqtok.json"), StandardCharsets.UTF_8);
        String codebook = entries.keySet().stream().filter(k -> k.contains("codebook")).findFirst().orElseThrow();
        List<Map.Entry<String, UnaryOperator<Map<String, byte[]>>>> cases = new ArrayList<>();
        UnaryOperator<String> json = s -> s;
        for (String[] edit : new String[][]{
                {"\"codebookSize\" : 16", "\"codebookSize\" : 2000000000"},
                {"\"codebookSize\" : 16", "\"codebookSize\" : 1000000"},
                {"\"codebookSize\" : 16", "\"codebookSize\" : -5"},
                {"\"codebookSize\" : 16", "\"codebookSize\" : 32"},
                {"\"baseChannels\" : 4", "\"baseChannels\" : 1024"},
                {"\"height\" : 8", "\"height\" : 1073741824"},
                {"\"formatVersion\" : " + Version.FORMAT_VERSION, "\"formatVersion\" : 999"},
                {"\"vqtok-tokenizer\"", "\"something-else\""},
                {"\"type\" : \"vq\"", "\"type\" : \"nope\""},
                {"{", "["},
        }) {
            assertThat(header).as("fixture JSON holds " + edit[0]).contains(edit[0]);
            cases.add(Map.entry("json " + edit[1], m -> with(m, "vqtok.json", header.replace(edit[0], edit[1]).getBytes(StandardCharsets.UTF_8))));
        }
        byte[] npy = entries.get(codebook);
        String npyHeader = new String(npy, 10, (npy[8] & 0xff) | (npy[9] & 0xff) << 8, StandardCharsets.ISO_8859_1);
        for (String[] edit : new String[][]{
                {"(16, 4)", "(16000000, 4000000)"},
                {"(16, 4)", "(4611686018427387904, 4)"},
                {"(16, 4)", "(-16, 4)"},
                {"(16, 4)", "(4, 16)"},
                {"(16, 4)", "(16, 4, 1, 1, 1, 1, 1, 1, 1)"},
                {"(16, 4)", "(16, x)"},
                {"'<f4'", "'<f2'"},
                {"'<f4'", "'<f8'"},
                {"'<f4'", "'|O8'"},
                {"'descr'", "'dscr'"},
        }) {
            assertThat(npyHeader).contains(edit[0]);
            byte[] h = npyHeader.replace(edit[0], edit[1]).getBytes(StandardCharsets.ISO_8859_1);
            byte[] mutated = new byte[10 + h.length + npy.length - 10 - npyHeader.length()];
            System.arraycopy(npy, 0, mutated, 0, 10);
            mutated[8] = (byte) h.length;
            mutated[9] = (byte) (h.length >> 8);
            System.arraycopy(h, 0, mutated, 10, h.length);
            System.arraycopy(npy, 10 + npyHeader.length(), mutated, 10 + h.length, npy.length - 10 - npyHeader.length());
            cases.add(Map.entry("npy " + edit[1], m -> with(m, codebook, mutated)));
        }
        byte[] hugeHeaderLength = npy.clone();
        hugeHeaderLength[8] = (byte) 0xff;
        hugeHeaderLength[9] = (byte) 0xff;
        cases.add(Map.entry("npy header length 65535", m -> with(m, codebook, hugeHeaderLength)));
        byte[] v2 = npy.clone();
        v2[6] = 2;
        cases.add(Map.entry("npy version 2 with a garbage length", m -> with(m, codebook, v2)));
        byte[] nan = npy.clone();
        nan[nan.length - 1] = (byte) 0x7f;
        nan[nan.length - 2] = (byte) 0xc0;
        cases.add(Map.entry("a NaN in the codebook", m -> with(m, codebook, nan)));
        cases.add(Map.entry("array missing", m -> without(m, codebook)));
        cases.add(Map.entry("header missing", m -> without(m, "vqtok.json")));
        cases.add(Map.entry("entry ../evil", m -> with(m, "../evil", new byte[]{1})));
        cases.add(Map.entry("entry arrays/../../evil.npy", m -> with(m, "arrays/../../evil.npy", npy)));
        cases.add(Map.entry("entry /abs.npy", m -> with(m, "/abs.npy", npy)));
        cases.add(Map.entry("unknown entry", m -> with(m, "notes.txt", new byte[]{1})));
        cases.add(Map.entry("unlisted array", m -> with(m, "arrays/extra.npy", npy)));
        cases.add(Map.entry("array is not npy", m -> with(m, codebook, "hello".getBytes(StandardCharsets.UTF_8))));
        cases.add(Map.entry("array with trailing bytes", m -> with(m, codebook, java.util.Arrays.copyOf(npy, npy.length + 8))));
        cases.add(Map.entry("array truncated", m -> with(m, codebook, java.util.Arrays.copyOf(npy, npy.length - 8))));
        cases.add(Map.entry("header of 2 MB", m -> with(m, "vqtok.json", new byte[2 << 20])));
        for (Map.Entry<String, UnaryOperator<Map<String, byte[]>>> c : cases) {
            assertThat(attempt(c.getKey(), zip(c.getValue().apply(new LinkedHashMap<>(entries))))).as(c.getKey()).isEqualTo("clean failure");
        }
        // the unmodified archive still loads
        assertThat(attempt("unmodified", zip(entries))).isEqualTo("ok");
    }

    @Test
    void aZipBombArrayIsRefusedBeforeInflating() throws IOException {
        // a 1 GB run of zeros compresses to about 1 MB; its NPY header claims the full size honestly
        Map<String, byte[]> m = new LinkedHashMap<>(entries);
        String h = "{'descr': '<f4', 'fortran_order': False, 'shape': (268435456,), }";
        byte[] head = new byte[10 + 118];
        System.arraycopy(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 118, 0}, 0, head, 0, 10);
        byte[] hb = (h + " ".repeat(117 - h.length()) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(hb, 0, head, 10, hb.length);
        Path file = dir.resolve("bomb.vqt");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, byte[]> e : m.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                if (e.getKey().contains("codebook")) {
                    out.write(head);
                    byte[] zeros = new byte[1 << 20];
                    for (int i = 0; i < 1024; i++) out.write(zeros);
                } else {
                    out.write(e.getValue());
                }
                out.closeEntry();
            }
        }
        assertThatThrownBy(() -> Tokenizer.load(file)).isInstanceOf(ModelFormatException.class).hasMessageContaining("bomb.vqt");
    }

    private static Map<String, byte[]> with(Map<String, byte[]> m, String name, byte[] content) {
        m.put(name, content);
        return m;
    }

    private static Map<String, byte[]> without(Map<String, byte[]> m, String name) {
        m.remove(name);
        return m;
    }
}
