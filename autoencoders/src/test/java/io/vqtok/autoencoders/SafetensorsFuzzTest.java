package io.vqtok.autoencoders;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vqtok.quantizers.EmaQuantizerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile and damaged safetensors files: truncations, bit flips, randomly mutated header numbers and dtypes, and
 * structured mutations of every field a reader might trust. Every read either gives a tokenizer or fails with a
 * {@link ModelFormatException} naming the file; nothing else (no OutOfMemoryError, no other exception).
 */
class SafetensorsFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static byte[] valid;
    static String header;
    static byte[] data;
    /** The codebook's name, and the tensor whose data ends the file. */
    static String codebook, last;

    @BeforeAll
    static void exportSmallModel() throws IOException {
        TokenizerConfig config = new TokenizerConfig(new ImageAutoencoderConfig(1, 8, 8, 4, 2, 0, 4), EmaQuantizerConfig.of(16, 4));
        Path file = dir.resolve("valid.safetensors");
        Safetensors.write(file, ImageTokenizer.create(config, 3));
        valid = Files.readAllBytes(file);
        int n = (int) ByteBuffer.wrap(valid, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        header = new String(valid, 8, n, StandardCharsets.UTF_8).stripTrailing();
        data = Arrays.copyOfRange(valid, 8 + n, valid.length);
        codebook = "quantizer.codebook";
        assertThat(header).contains("\"" + codebook + "\":{\"dtype\":\"F32\",\"shape\":[16,4],");
        List<String> names = new ArrayList<>();
        tree().fieldNames().forEachRemaining(names::add);
        last = names.get(names.size() - 1);
    }

    static ObjectNode tree() throws IOException {
        return (ObjectNode) JSON.readTree(header);
    }

    static byte[] file(String json, byte[] data) {
        return file(json.getBytes(StandardCharsets.UTF_8).length, json.getBytes(StandardCharsets.UTF_8), data);
    }

    static byte[] file(long headerLength, byte[] json, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        return b.putLong(headerLength).put(json).put(data).array();
    }

    static byte[] edited(Consumer<ObjectNode> edit) throws IOException {
        ObjectNode h = tree();
        edit.accept(h);
        return file(JSON.writeValueAsString(h), data);
    }

    /** Reads; returns "ok" or "clean failure" (with the message), and fails the test on anything else. */
    static String attempt(String label, byte[] content) throws IOException {
        Path file = dir.resolve("case.safetensors");
        Files.write(file, content);
        try {
            Tokenizer t = Safetensors.read(file);
            assertThat(t.state()).as(label).isNotEmpty();
            return "ok";
        } catch (ModelFormatException e) {
            assertThat(e.getMessage()).as(label).contains(file.toString());
            assertThat(e.getMessage().lines().count()).as(label + ": one line: " + e.getMessage()).isEqualTo(1);
            return "clean failure: " + e.getMessage();
        } catch (Throwable e) {
            throw new AssertionError(label + ": unexpected " + e, e);
        }
    }

    private static String outcome(String result) {
        return result.startsWith("ok") ? "ok" : "clean failure";
    }

    @Test
    void truncationsBitFlipsAndMutatedHeaderFieldsLoadOrFailCleanly() throws IOException {
        assertThat(attempt("unmodified", valid)).isEqualTo("ok");
        Random r = new Random(20260412);
        Map<String, Integer> outcomes = new LinkedHashMap<>();
        for (int i = 0; i < 200; i++) {
            int n = r.nextInt(valid.length);
            outcomes.merge("truncated " + outcome(attempt("truncated to " + n + " bytes (case " + i + ")", Arrays.copyOf(valid, n))), 1, Integer::sum);
        }
        for (int i = 0; i < 200; i++) {
            byte[] b = valid.clone();
            int flips = 1 + r.nextInt(4);
            // half the cases flip bits in the length and header only, where a reader is most exposed
            int bound = i % 2 == 0 ? 8 + header.length() : b.length;
            for (int f = 0; f < flips; f++) b[r.nextInt(bound)] ^= (byte) (1 << r.nextInt(8));
            outcomes.merge("bit flips " + outcome(attempt("bit flips (case " + i + ")", b)), 1, Integer::sum);
        }
        // each integer of the header (shapes, offsets, and the config's sizes inside the metadata strings) and each dtype
        List<int[]> numbers = new ArrayList<>();
        Matcher m = Pattern.compile("\\d+").matcher(header);
        while (m.find()) numbers.add(new int[]{m.start(), m.end()});
        List<int[]> dtypes = new ArrayList<>();
        m = Pattern.compile("\"(F32)\"").matcher(header);
        while (m.find()) dtypes.add(new int[]{m.start(1), m.end(1)});
        String[] values = {"0", "1", "-1", "-9223372036854775808", "2147483648", "4611686018427387904", "9223372036854775807",
                "18446744073709551616", "99999999999999999999999999999", "1e400", "0.5", "\"7\"", "null", "[]", "{}"};
        String[] types = {"F16", "BF16", "F64", "I32", "I64", "BOOL", "U8", "f32", "", "F32\\u0000"};
        for (int i = 0; i < 200; i++) {
            String mutated;
            if (i % 4 == 3) {
                int[] at = dtypes.get(r.nextInt(dtypes.size()));
                mutated = header.substring(0, at[0]) + types[r.nextInt(types.length)] + header.substring(at[1]);
            } else {
                int[] at = numbers.get(r.nextInt(numbers.size()));
                String v = r.nextBoolean() ? values[r.nextInt(values.length)] : Long.toString(Long.parseLong(header.substring(at[0], at[1]).substring(0,
                        Math.min(18, at[1] - at[0]))) + (r.nextBoolean() ? 1 : -1) * (1 + r.nextInt(64)));
                mutated = header.substring(0, at[0]) + v + header.substring(at[1]);
            }
            outcomes.merge("mutated field " + outcome(attempt("mutated header (case " + i + "): " + mutated.substring(0, Math.min(200, mutated.length())),
                    file(mutated, data))), 1, Integer::sum);
        }
        System.out.println("safetensors fuzz: " + outcomes);
        assertThat(outcomes.get("truncated clean failure")).as("every truncation loses data").isEqualTo(200);
        assertThat(outcomes.getOrDefault("bit flips clean failure", 0)).isGreaterThan(60);
        assertThat(outcomes.getOrDefault("bit flips ok", 0)).as("flips in weights load, as they are valid data").isGreaterThan(10);
        assertThat(outcomes.getOrDefault("mutated field clean failure", 0)).isGreaterThan(120);
    }

    /** Structured mutations, each an invalid file, with the reason its message must give. */
    @Test
    void mutatedFieldsAreRefusedWithTheReason() throws IOException {
        Map<String, byte[]> cases = new LinkedHashMap<>();
        Map<String, String> reasons = new LinkedHashMap<>();
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        add(cases, reasons, "empty file", new byte[0], "shorter than its 8-byte header length");
        add(cases, reasons, "header length 0", file(0, json, data), "header length 0 is not within");
        add(cases, reasons, "header length 2^63", file(Long.MIN_VALUE, json, data), "header length 9223372036854775808");
        add(cases, reasons, "header length -1", file(-1, json, data), "header length 18446744073709551615");
        add(cases, reasons, "header length past the end", file(json.length + data.length + 1, json, data), "is not within");
        add(cases, reasons, "header length 100 MB + 1", file(100_000_001, json, data), "is not within");
        add(cases, reasons, "header length cuts the JSON", file(json.length - 10, json, data), "corrupt JSON");
        add(cases, reasons, "a ZIP archive", new byte[]{'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0}, "a ZIP archive (a .vqt model?)");
        add(cases, reasons, "header not an object", file("[" + header + "]", data), "does not start with '{'");
        add(cases, reasons, "header with a BOM", file("\uFEFF" + header, data), "does not start with '{'");
        add(cases, reasons, "two objects", file(header + "{}", data), "more than one JSON object");
        add(cases, reasons, "garbage after the object", file(header + "x", data), "corrupt JSON");
        add(cases, reasons, "invalid UTF-8", file(json.length, replace(json, "quantizer.codebook", new byte[]{'q', (byte) 0xff, (byte) 0xfe}), data), "corrupt JSON");
        add(cases, reasons, "deep nesting", file("{\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}", data), "tensor 'x' is not a JSON object");
        add(cases, reasons, "a 30 MB name", file("{\"" + "a".repeat(30_000_000) + "\": 1}", data), "corrupt JSON");
        add(cases, reasons, "shape overflows 64 bits", edited(h -> shape(h, 4611686018427387904L, 4)), "is too large (overflows 64 bits)");
        add(cases, reasons, "shape of 256 TB", edited(h -> shape(h, 16_000_000, 4_000_000)), "needs 256000000000000 bytes, its data_offsets");
        add(cases, reasons, "negative dimension", edited(h -> shape(h, -16, 4)), "holds the negative number -16");
        add(cases, reasons, "rank 9", edited(h -> shape(h, 16, 4, 1, 1, 1, 1, 1, 1, 1)), "has more than 8 numbers");
        add(cases, reasons, "transposed shape", edited(h -> shape(h, 4, 16)), "has shape [4, 16], expected [16, 4]");
        add(cases, reasons, "a fractional dimension", file(header.replace("\"shape\":[16,4]", "\"shape\":[16.0,4]"), data), "holds 16.0, not an integer");
        add(cases, reasons, "dimension 1e400", file(header.replace("\"shape\":[16,4]", "\"shape\":[1e400,4]"), data), "not an integer");
        add(cases, reasons, "dimension of 29 digits", file(header.replace("\"shape\":[16,4]", "\"shape\":[99999999999999999999999999999,4]"), data),
                "an integer too large for 64 bits");
        add(cases, reasons, "shape not an array", file(header.replace("\"shape\":[16,4]", "\"shape\":64"), data), "shape is not a JSON array");
        add(cases, reasons, "dtype F16", edited(h -> entry(h, codebook).put("dtype", "F16")), "unsupported dtype 'F16'");
        add(cases, reasons, "dtype F64, same offsets", edited(h -> entry(h, codebook).put("dtype", "F64")), "F64 of shape [16, 4] needs 512 bytes");
        add(cases, reasons, "dtype I32 (same width)", edited(h -> entry(h, codebook).put("dtype", "I32")), "is I32, expected F32");
        add(cases, reasons, "dtype a number", edited(h -> entry(h, codebook).put("dtype", 5)), "dtype is not a string");
        add(cases, reasons, "offsets reversed", edited(h -> offsets(h, codebook, 256, 0)), "end before they begin");
        add(cases, reasons, "offsets of 2^62", edited(h -> offsets(h, codebook, 0, 1L << 62)), "hold 4611686018427387904");
        add(cases, reasons, "three offsets", edited(h -> ((ArrayNode) entry(h, codebook).get("data_offsets")).add(0)), "has more than 2 numbers");
        add(cases, reasons, "one offset", edited(h -> ((ArrayNode) entry(h, codebook).get("data_offsets")).remove(1)), "has 1 numbers, not 2");
        add(cases, reasons, "offsets past the end", edited(h -> {
            long size = data.length;
            offsets(h, last, size, size + 4 * length(h, last));
        }), "lie beyond the end of the file");
        add(cases, reasons, "two tensors on the same bytes", edited(h -> h.set("quantizer.copy", entry(h, codebook).deepCopy())), "overlap");
        byte[] shifted = new byte[8 + data.length];
        System.arraycopy(data, 0, shifted, 8, data.length);
        add(cases, reasons, "a gap before the data", file(JSON.writeValueAsString(with(tree(), h -> h.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("__metadata__")) {
                ArrayNode o = (ArrayNode) e.getValue().get("data_offsets");
                offsets(h, e.getKey(), o.get(0).asLong() + 8, o.get(1).asLong() + 8);
            }
        }))), shifted), "bytes 0 to 8 of the data section belong to no tensor");
        add(cases, reasons, "trailing bytes", file(header, Arrays.copyOf(data, data.length + 4)), "holds " + (data.length + 4) + " bytes, its tensors " + data.length);
        add(cases, reasons, "missing dtype", edited(h -> entry(h, codebook).remove("dtype")), "lacks dtype");
        add(cases, reasons, "unknown field", edited(h -> entry(h, codebook).put("strides", "x")), "unexpected field 'strides'");
        add(cases, reasons, "duplicate tensor", file(header.substring(0, header.length() - 1) + ",\"" + codebook + "\":{}}", data), "duplicate tensor");
        add(cases, reasons, "tensor not an object", edited(h -> h.put("quantizer.extra", 3)), "tensor 'quantizer.extra' is not a JSON object");
        add(cases, reasons, "unknown tensor", edited(h -> h.set("quantizer.extra", h.remove(codebook))), "unexpected tensor 'quantizer.extra' for ema K=16 D=4");
        add(cases, reasons, "missing tensor", file(JSON.writeValueAsString(with(tree(), h -> h.remove(last))),
                Arrays.copyOf(data, data.length - 4 * (int) length(tree(), last))), "missing tensor '" + last + "'");
        add(cases, reasons, "no metadata", edited(h -> h.remove("__metadata__")), "no __metadata__ in the header");
        add(cases, reasons, "metadata an array", edited(h -> h.putArray("__metadata__")), "__metadata__ is not a JSON object");
        add(cases, reasons, "metadata with a number", edited(h -> meta(h).put("formatVersion", 2)), "metadata value 'formatVersion' is not a string");
        add(cases, reasons, "metadata with an object", edited(h -> meta(h).putObject("extra")), "metadata value 'extra' is not a string");
        add(cases, reasons, "a PyTorch file", edited(h -> meta(h).put("format", "pt")), "not a vqtok tokenizer (metadata format 'pt'");
        add(cases, reasons, "a newer format", edited(h -> meta(h).put("formatVersion", "999")), "written by a newer vqtok (model format 999)");
        add(cases, reasons, "format version x", edited(h -> meta(h).put("formatVersion", "x")), "missing or invalid formatVersion");
        add(cases, reasons, "no config", edited(h -> meta(h).remove("config")), "lacks config or provenance");
        add(cases, reasons, "config of 2e9 codes", edited(h -> meta(h).put("config", meta(h).get("config").asText()
                .replace("\"codebookSize\":16", "\"codebookSize\":2000000000"))), "configuration");
        add(cases, reasons, "config of another size", edited(h -> meta(h).put("config", meta(h).get("config").asText()
                .replace("\"codebookSize\":16", "\"codebookSize\":32"))), "tensor 'quantizer.codebook' has shape [16, 4], expected [32, 4]");
        add(cases, reasons, "config nested 100k deep", edited(h -> meta(h).put("config", "[".repeat(100_000))), "invalid model configuration");
        add(cases, reasons, "config not JSON", edited(h -> meta(h).put("config", "{")), "invalid model configuration");
        add(cases, reasons, "provenance null", edited(h -> meta(h).put("provenance", "null")), "config or provenance is null");
        byte[] nan = data.clone();
        long begin = entry(tree(), codebook).get("data_offsets").get(0).asLong();
        ByteBuffer.wrap(nan).order(ByteOrder.LITTLE_ENDIAN).putFloat((int) begin + 20, Float.NaN);
        add(cases, reasons, "a NaN in the codebook", file(header, nan), "array 'quantizer.codebook' holds a non-finite value at flat index 5");
        for (Map.Entry<String, byte[]> c : cases.entrySet())
            assertThat(attempt(c.getKey(), c.getValue())).as(c.getKey()).startsWith("clean failure").contains(reasons.get(c.getKey()));
        System.out.println("safetensors structured cases: " + cases.size());
    }

    private static void add(Map<String, byte[]> cases, Map<String, String> reasons, String label, byte[] content, String reason) {
        cases.put(label, content);
        reasons.put(label, reason);
    }

    private static ObjectNode with(ObjectNode h, Consumer<ObjectNode> edit) {
        edit.accept(h);
        return h;
    }

    private static ObjectNode entry(ObjectNode h, String name) {
        return (ObjectNode) h.get(name);
    }

    private static ObjectNode meta(ObjectNode h) {
        return (ObjectNode) h.get("__metadata__");
    }

    private static void shape(ObjectNode h, long... dims) {
        ArrayNode a = entry(h, codebook).putArray("shape");
        for (long d : dims) a.add(d);
    }

    private static void offsets(ObjectNode h, String name, long begin, long end) {
        entry(h, name).putArray("data_offsets").add(begin).add(end);
    }

    private static long length(ObjectNode h, String name) {
        long n = 1;
        for (var d : entry(h, name).get("shape")) n *= d.asLong();
        return n;
    }

    private static byte[] replace(byte[] b, String what, byte[] by) {
        String s = new String(b, StandardCharsets.ISO_8859_1);
        int at = s.indexOf(what);
        byte[] r = b.clone();
        System.arraycopy(by, 0, r, at, by.length);
        return r;
    }
}
