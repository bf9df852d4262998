package io.vqtok.autoencoders;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tokenizer as a safetensors file, the weights format other tools read (Hugging Face safetensors, or NumPy alone):
 * every array of {@link Tokenizer#state()} by its name, with the tokenizer's config and provenance in the metadata.
 *
 * <p>Layout: an 8-byte little-endian length N; N bytes of UTF-8 JSON, padded with spaces to a multiple of 8,
 * <pre>
 * {"__metadata__": {"format": "vqtok-tokenizer", "formatVersion": "2", "config": "{...}", "provenance": "{...}"},
 *  "&lt;name&gt;": {"dtype": "F32", "shape": [K, D], "data_offsets": [begin, end]}, ...}
 * </pre>
 * then the arrays' raw little-endian row-major bytes, back to back in state order; offsets count from the end of
 * the header. Metadata values are strings, as the format requires: config and provenance are JSON documents in
 * strings, the same ones a {@code .vqt} file's {@code vqtok.json} holds. dtypes are F32, F64, I32 and I64. Written
 * to a temporary file and renamed, so a failed export leaves no partial file.
 *
 * <p>Reading trusts nothing in the file: the header length is checked against the file size and capped at 100 MB
 * (the format's limit) before anything is allocated; the JSON is parsed as a stream (strings only in the metadata,
 * rank at most 8, integers only); every tensor's byte range must match its dtype and shape (overflow-checked), lie in
 * the file and follow the previous one without gap or overlap. The tokenizer the metadata describes is built before
 * any data is read, and each tensor is checked against its state for name, shape and dtype (unknown and missing names
 * are refused), then for finiteness. Every failure is a {@link ModelFormatException} naming the file.
 */
public final class Safetensors {
    /** The metadata key of the safetensors format. */
    static final String METADATA = "__metadata__";
    /** The largest header read: the format's own limit. */
    static final long MAX_HEADER_BYTES = 100_000_000;
    /** The most tensors a header may list (a tokenizer has a few hundred at most). */
    static final int MAX_TENSORS = 100_000;
    private static final int MAX_RANK = 8;
    private static final ObjectWriter COMPACT = ModelFile.JSON.writer().without(SerializationFeature.INDENT_OUTPUT);

    private Safetensors() {
    }

    /**
     * Writes every array of the tokenizer's state, its config and its provenance (stamped with the time and
     * environment of writing, as {@link Tokenizer#save} does). Atomic: a temporary file renamed over {@code file}.
     */
    public static void write(Path file, Tokenizer t) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) Files.createDirectories(dir);
        Path tmp = dir.resolve("." + file.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
        try {
            Provenance p = t.provenance().stamped(Instant.now().toString(), ModelFile.environment());
            ObjectNode header = ModelFile.JSON.createObjectNode();
            ObjectNode meta = header.putObject(METADATA);
            meta.put("format", ModelFile.FORMAT);
            meta.put("formatVersion", Integer.toString(Version.FORMAT_VERSION));
            meta.put("config", COMPACT.writeValueAsString(t.config()));
            meta.put("provenance", COMPACT.writeValueAsString(p));
            Map<String, INDArray> arrays = new LinkedHashMap<>();
            long offset = 0;
            for (Map.Entry<String, INDArray> e : t.state().entrySet()) {
                INDArray a = e.getValue().dup('c');
                Dtype dtype = Dtype.of(a.dataType());
                if (dtype == null)
                    throw new IllegalArgumentException("array '" + e.getKey() + "' is " + a.dataType() + "; safetensors export writes F32, F64, I32 and I64");
                long bytes = a.length() * dtype.width;
                ObjectNode entry = header.putObject(e.getKey());
                entry.put("dtype", dtype.name());
                ArrayNode shape = entry.putArray("shape");
                for (long d : a.shape()) shape.add(d);
                entry.putArray("data_offsets").add(offset).add(offset + bytes);
                offset += bytes;
                arrays.put(e.getKey(), a);
            }
            byte[] json = COMPACT.writeValueAsBytes(header);
            int padded = (json.length + 7) / 8 * 8;
            ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(padded).put(json);
            while (head.hasRemaining()) head.put((byte) ' ');
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                writeFully(out, head.flip());
                for (INDArray a : arrays.values()) writeFully(out, bytes(a));
            }
            ModelFile.replace(tmp, file);
            t.provenance(p);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads a tokenizer written by {@link #write}: built from the metadata's config and provenance, then restored from the
     * tensors; gives codes identical to the exported tokenizer's.
     */
    public static Tokenizer read(Path file) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = in.size();
            if (size < 8) throw new ModelFormatException(file + ": not a safetensors file (" + size + " bytes, shorter than its 8-byte header length)");
            ByteBuffer prefix = readAt(in, file, 0, 8);
            if (prefix.get(0) == 'P' && prefix.get(1) == 'K' && prefix.get(2) == 3 && prefix.get(3) == 4)
                throw new ModelFormatException(file + ": a ZIP archive (a .vqt model?), not a safetensors file");
            long n = prefix.order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            if (n < 2 || n > MAX_HEADER_BYTES || n > size - 8)
                throw new ModelFormatException(file + ": not a safetensors file or truncated: its header length "
                        + Long.toUnsignedString(n) + " is not within [2, " + Math.min(MAX_HEADER_BYTES, size - 8) + "] (file of " + size + " bytes)");
            byte[] json = readAt(in, file, 8, (int) n).array();
            if (json[0] != '{') throw new ModelFormatException(file + ": not a safetensors file (its header does not start with '{')");
            Header header = parseHeader(file, json);
            long dataStart = 8 + n;
            checkLayout(file, header.tensors(), size - dataStart);

            Map<String, String> meta = header.metadata();
            if (meta == null)
                throw new ModelFormatException(file + ": no " + METADATA + " in the header: not a tokenizer exported by vqtok (import reads files written by 'vqtok export')");
            String format = meta.get("format");
            if (!ModelFile.FORMAT.equals(format))
                throw new ModelFormatException(file + ": not a vqtok tokenizer (metadata format " + (format == null ? "missing" : "'" + ModelFile.printable(format) + "'")
                        + "; import reads files written by 'vqtok export')");
            int version;
            try {
                version = Integer.parseInt(String.valueOf(meta.get("formatVersion")));
            } catch (NumberFormatException e) {
                version = -1;
            }
            if (version < 1) throw new ModelFormatException(file + ": missing or invalid formatVersion in the metadata");
            if (version > Version.FORMAT_VERSION)
                throw new ModelFormatException(file + ": written by a newer vqtok (model format " + version
                        + "); this build (" + Version.VERSION + ") reads format " + Version.FORMAT_VERSION + " and older");
            if (meta.get("config") == null || meta.get("provenance") == null)
                throw new ModelFormatException(file + ": the metadata lacks config or provenance");
            TokenizerConfig config;
            Provenance provenance;
            try {
                config = ModelFile.JSON.readValue(meta.get("config"), TokenizerConfig.class);
                provenance = ModelFile.JSON.readValue(meta.get("provenance"), Provenance.class);
            } catch (IOException | IllegalArgumentException e) {
                throw new ModelFormatException(file + ": invalid model configuration: " + oneLine(e), e);
            }
            if (config == null || provenance == null) throw new ModelFormatException(file + ": the metadata's config or provenance is null");

            Tokenizer t = Tokenizer.create(file, config, provenance.seed());
            Map<String, INDArray> expected = t.state();
            for (Tensor s : header.tensors().values()) {
                INDArray want = expected.get(s.name());
                if (want == null)
                    throw new ModelFormatException(file + ": unexpected tensor '" + ModelFile.printable(s.name()) + "' for " + config.quantizer().describe());
                if (!Arrays.equals(s.shape(), want.shape()))
                    throw new ModelFormatException(file + ": tensor '" + s.name() + "' has shape " + Arrays.toString(s.shape())
                            + ", expected " + Arrays.toString(want.shape()));
                if (s.dtype() != Dtype.of(want.dataType()))
                    throw new ModelFormatException(file + ": tensor '" + s.name() + "' is " + s.dtype() + ", expected " + Dtype.of(want.dataType()));
            }
            for (String name : expected.keySet())
                if (!header.tensors().containsKey(name)) throw new ModelFormatException(file + ": missing tensor '" + name + "'");

            Map<String, INDArray> arrays = new LinkedHashMap<>();
            for (Tensor s : header.tensors().values()) {
                long bytes = s.end() - s.begin();
                if (bytes > ModelFile.MAX_ARRAY_BYTES) throw new ModelFormatException(file + ": tensor '" + s.name() + "' of " + bytes + " bytes is too large to read");
                arrays.put(s.name(), array(s, readAt(in, file, dataStart + s.begin(), (int) bytes)));
            }
            t.restore(file, new ModelFile.Contents(version, config, provenance, arrays));
            return t;
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(file + ": model file not found");
        } catch (JacksonException e) {
            throw new ModelFormatException(file + ": corrupt JSON in the safetensors header (" + oneLine(e) + ")", e);
        } catch (IOException e) {
            throw new ModelFormatException(file + ": unreadable safetensors file (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    /** The innermost cause's message on one line, without Jackson's source location. */
    private static String oneLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) t = t.getCause();
        String m = t instanceof JacksonException j ? j.getOriginalMessage() : t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /** The dtypes a tokenizer's arrays have, by their safetensors names. */
    enum Dtype {
        F32(DataType.FLOAT, 4), F64(DataType.DOUBLE, 8), I32(DataType.INT, 4), I64(DataType.LONG, 8);

        final DataType type;
        final int width;

        Dtype(DataType type, int width) {
            this.type = type;
            this.width = width;
        }

        static Dtype of(DataType type) {
            for (Dtype d : values()) if (d.type == type) return d;
            return null;
        }

        static Dtype named(String name) {
            for (Dtype d : values()) if (d.name().equals(name)) return d;
            return null;
        }
    }

    /** One header entry: a tensor's dtype, shape and byte range in the data section. */
    record Tensor(String name, Dtype dtype, long[] shape, long begin, long end) {
    }

    /** The parsed header: the metadata's known keys (null without metadata) and the tensors in header order. */
    record Header(Map<String, String> metadata, Map<String, Tensor> tensors) {
    }

    private static final List<String> METADATA_KEYS = List.of("format", "formatVersion", "config", "provenance");

    /** Parses the header as a stream, so what a hostile header can make this allocate is bounded by its length. */
    static Header parseHeader(Path file, byte[] json) throws IOException {
        try (JsonParser p = ModelFile.JSON.getFactory().createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new ModelFormatException(file + ": the safetensors header is not a JSON object");
            Map<String, String> metadata = null;
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (name.equals(METADATA)) {
                    if (metadata != null) throw new ModelFormatException(file + ": duplicate " + METADATA);
                    metadata = metadata(file, p);
                } else {
                    if (tensors.containsKey(name)) throw new ModelFormatException(file + ": duplicate tensor '" + ModelFile.printable(name) + "'");
                    if (tensors.size() >= MAX_TENSORS) throw new ModelFormatException(file + ": more than " + MAX_TENSORS + " tensors");
                    tensors.put(name, tensor(file, p, name));
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null)
                throw new ModelFormatException(file + ": the safetensors header holds more than one JSON object");
            return new Header(metadata, tensors);
        }
    }

    private static Map<String, String> metadata(Path file, JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) throw new ModelFormatException(file + ": " + METADATA + " is not a JSON object");
        Map<String, String> known = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            if (p.nextToken() != JsonToken.VALUE_STRING)
                throw new ModelFormatException(file + ": metadata value '" + ModelFile.printable(key) + "' is not a string (the format allows strings only)");
            if (METADATA_KEYS.contains(key) && known.put(key, p.getText()) != null)
                throw new ModelFormatException(file + ": duplicate metadata key '" + key + "'");
        }
        return known;
    }

    private static Tensor tensor(Path file, JsonParser p, String name) throws IOException {
        String where = file + ": tensor '" + ModelFile.printable(name) + "'";
        if (p.nextToken() != JsonToken.START_OBJECT) throw new ModelFormatException(where + " is not a JSON object");
        Dtype dtype = null;
        long[] shape = null, offsets = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            switch (field) {
                case "dtype" -> {
                    if (dtype != null) throw new ModelFormatException(where + ": duplicate dtype");
                    if (p.nextToken() != JsonToken.VALUE_STRING) throw new ModelFormatException(where + ": dtype is not a string");
                    dtype = Dtype.named(p.getText());
                    if (dtype == null) throw new ModelFormatException(where + ": unsupported dtype '" + ModelFile.printable(p.getText())
                            + "' (tokenizer arrays are F32, F64, I32 or I64)");
                }
                case "shape" -> {
                    if (shape != null) throw new ModelFormatException(where + ": duplicate shape");
                    shape = integers(p, where + ": shape", MAX_RANK);
                }
                case "data_offsets" -> {
                    if (offsets != null) throw new ModelFormatException(where + ": duplicate data_offsets");
                    offsets = integers(p, where + ": data_offsets", 2);
                    if (offsets.length != 2) throw new ModelFormatException(where + ": data_offsets has " + offsets.length + " numbers, not 2");
                }
                default -> throw new ModelFormatException(where + ": unexpected field '" + ModelFile.printable(field) + "'");
            }
        }
        if (dtype == null || shape == null || offsets == null)
            throw new ModelFormatException(where + " lacks " + (dtype == null ? "dtype" : shape == null ? "shape" : "data_offsets"));
        return new Tensor(name, dtype, shape, offsets[0], offsets[1]);
    }

    /** A JSON array of at most {@code max} non-negative integers that fit a long. */
    private static long[] integers(JsonParser p, String where, int max) throws IOException {
        if (p.nextToken() != JsonToken.START_ARRAY) throw new ModelFormatException(where + " is not a JSON array");
        List<Long> values = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (values.size() >= max) throw new ModelFormatException(where + " has more than " + max + " numbers");
            if (t != JsonToken.VALUE_NUMBER_INT) throw new ModelFormatException(where + " holds " + ModelFile.printable(p.getText()) + ", not an integer");
            // the length is checked before the value is converted: no big-number parsing of hostile digit strings
            if (p.getTextLength() > 20 || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER)
                throw new ModelFormatException(where + " holds an integer too large for 64 bits");
            long v = p.getLongValue();
            if (v < 0) throw new ModelFormatException(where + " holds the negative number " + v);
            values.add(v);
        }
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * Checks that each tensor's byte range holds exactly its dtype × shape, lies within the data section, and that the
     * ranges tile the data section: sorted by offset, each starts where the previous one ends, the last ends at the file's end.
     */
    static void checkLayout(Path file, Map<String, Tensor> tensors, long dataSize) {
        for (Tensor s : tensors.values()) {
            String where = file + ": tensor '" + ModelFile.printable(s.name()) + "'";
            long count = 1;
            try {
                if (Arrays.stream(s.shape()).anyMatch(d -> d == 0)) count = 0;
                else for (long d : s.shape()) count = Math.multiplyExact(count, d);
                count = Math.multiplyExact(count, s.dtype().width);
            } catch (ArithmeticException e) {
                throw new ModelFormatException(where + ": shape " + Arrays.toString(s.shape()) + " is too large (overflows 64 bits)");
            }
            if (s.end() < s.begin())
                throw new ModelFormatException(where + ": data_offsets [" + s.begin() + ", " + s.end() + "] end before they begin");
            if (s.end() - s.begin() != count)
                throw new ModelFormatException(where + ": " + s.dtype() + " of shape " + Arrays.toString(s.shape()) + " needs " + count
                        + " bytes, its data_offsets [" + s.begin() + ", " + s.end() + "] hold " + (s.end() - s.begin()));
            if (s.end() > dataSize)
                throw new ModelFormatException(where + ": data_offsets [" + s.begin() + ", " + s.end() + "] lie beyond the end of the file (data section of "
                        + dataSize + " bytes; truncated?)");
        }
        List<Tensor> byOffset = new ArrayList<>(tensors.values());
        byOffset.sort(Comparator.comparingLong(Tensor::begin).thenComparingLong(Tensor::end));
        long next = 0;
        String previous = null;
        for (Tensor s : byOffset) {
            if (s.begin() < next)
                throw new ModelFormatException(file + ": tensors '" + ModelFile.printable(previous) + "' and '" + ModelFile.printable(s.name())
                        + "' overlap (bytes " + s.begin() + " to " + next + " of the data section)");
            if (s.begin() > next)
                throw new ModelFormatException(file + ": bytes " + next + " to " + s.begin() + " of the data section belong to no tensor");
            next = s.end();
            previous = s.name();
        }
        if (next != dataSize)
            throw new ModelFormatException(file + ": the data section holds " + dataSize + " bytes, its tensors " + next + " (trailing data)");
    }

    private static ByteBuffer readAt(FileChannel in, Path file, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (in.read(b, position + b.position()) < 0)
                throw new ModelFormatException(file + ": truncated (ends while reading " + length + " bytes at offset " + position + ")");
        }
        return b.flip();
    }

    private static void writeFully(FileChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) out.write(b);
    }

    /** A C-order array's elements as little-endian bytes. */
    private static ByteBuffer bytes(INDArray a) {
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(a.length() * a.dataType().width())).order(ByteOrder.LITTLE_ENDIAN);
        switch (a.dataType()) {
            case FLOAT -> b.asFloatBuffer().put(a.data().asFloat());
            case DOUBLE -> b.asDoubleBuffer().put(a.data().asDouble());
            case INT -> b.asIntBuffer().put(a.data().asInt());
            default -> b.asLongBuffer().put(a.data().asLong());
        }
        return b;
    }

    private static INDArray array(Tensor s, ByteBuffer data) {
        return ModelFile.fromBytes(data.order(ByteOrder.LITTLE_ENDIAN), s.dtype().type, s.shape());
    }
}
