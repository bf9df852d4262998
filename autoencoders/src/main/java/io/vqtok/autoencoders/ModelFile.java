package io.vqtok.autoencoders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The {@code .vqt} model file: a ZIP archive holding {@code vqtok.json} (format name and version, config,
 * provenance) and one {@code arrays/<name>.npy} per parameter or buffer (NumPy format, readable by other
 * tools). Written to a temporary file and renamed, so a failed save leaves no partial file.
 *
 * <p>Reading trusts nothing in the file: entry names must be ones the format defines (no paths, no unknown or
 * duplicate entries), the JSON header is read up to 1 MiB, and each array's size, computed from its NPY header, is
 * checked against what its compressed entry can hold (DEFLATE expands at most ~1032-fold) before anything is
 * allocated; NPY headers are parsed here, never by native code. Shapes, dtypes and finiteness are checked against the
 * model's configuration when the tokenizer is restored. Every failure is a {@link ModelFormatException} naming the file.
 */
public final class ModelFile {
    static final String FORMAT = "vqtok-tokenizer";
    static final String HEADER = "vqtok.json";
    static final String ARRAYS = "arrays/";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** The most a JSON entry may hold. */
    static final int MAX_JSON_BYTES = 1 << 20;
    /** The most one array may hold (a Java array's limit). */
    static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 64;
    /** DEFLATE's largest expansion of a compressed stream, with margin. */
    static final long MAX_INFLATION = 1100;
    private static final int MAX_ENTRIES = 100_000;
    private static final int MAX_NPY_HEADER = 1 << 16;
    /** Array and entry names: no separators, no "..", nothing a file system would interpret. */
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,199}");

    private ModelFile() {
    }

    /** What a model file holds. */
    public record Contents(int formatVersion, TokenizerConfig config, Provenance provenance, Map<String, INDArray> arrays) {
    }

    /** A model file's contents and the extra entries its reader allowed (checkpoints): arrays by name without ".npy", JSON as bytes. */
    record Archive(Contents contents, Map<String, INDArray> extraArrays, Map<String, byte[]> extraJson) {
    }

    static void write(Path file, Tokenizer t) throws IOException {
        write(file, t, Map.of(), Map.of());
    }

    /**
     * Writes the model and extra entries: {@code extraJson} entries as given, {@code extraArrays} as
     * {@code <name>.npy}. Atomic: a temporary file renamed over {@code file}.
     */
    static void write(Path file, Tokenizer t, Map<String, byte[]> extraJson, Map<String, INDArray> extraArrays) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) Files.createDirectories(dir);
        // a plain new file (not Files.createTempFile, which is owner-only): the model gets the usual permissions
        Path tmp = dir.resolve("." + file.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
        try {
            Provenance p = t.provenance().stamped(Instant.now().toString(), environment());
            try (OutputStream os = Files.newOutputStream(tmp, java.nio.file.StandardOpenOption.CREATE_NEW);
                 ZipOutputStream zip = new ZipOutputStream(new java.io.BufferedOutputStream(os, 1 << 16))) {
                ObjectNode header = JSON.createObjectNode();
                header.put("format", FORMAT);
                header.put("formatVersion", Version.FORMAT_VERSION);
                header.set("config", JSON.valueToTree(t.config()));
                header.set("provenance", JSON.valueToTree(p));
                header.set("arrays", JSON.valueToTree(t.state().keySet()));
                zip.putNextEntry(new ZipEntry(HEADER));
                zip.write(JSON.writeValueAsBytes(header));
                zip.closeEntry();
                for (Map.Entry<String, INDArray> e : t.state().entrySet()) {
                    zip.putNextEntry(new ZipEntry(ARRAYS + e.getKey() + ".npy"));
                    zip.write(Nd4j.toNpyByteArray(e.getValue().dup('c')));
                    zip.closeEntry();
                }
                for (Map.Entry<String, byte[]> e : extraJson.entrySet()) {
                    zip.putNextEntry(new ZipEntry(e.getKey()));
                    zip.write(e.getValue());
                    zip.closeEntry();
                }
                for (Map.Entry<String, INDArray> e : extraArrays.entrySet()) {
                    zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
                    zip.write(Nd4j.toNpyByteArray(e.getValue().dup('c')));
                    zip.closeEntry();
                }
            }
            replace(tmp, file);
            t.provenance(p);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Renames {@code from} over {@code to}, atomically where the file system can. */
    static void replace(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Reads and validates a model file (or a training checkpoint, which holds a model). */
    public static Contents read(Path file) throws IOException {
        return read(file, Checkpoints.ENTRIES).contents();
    }

    static Archive read(Path file, Set<String> extraFolders) throws IOException {
        return read(file, extraFolders, null);
    }

    /** What a model's arrays must be, decided from its header before any array is read: live arrays by name. */
    interface Expectation {
        Map<String, INDArray> arrays(TokenizerConfig config, Provenance provenance);
    }

    /**
     * Reads a model file that may also hold entries under {@code extraFolders} (e.g. "optimizer/": {@code .npy} arrays
     * or {@code .json} documents, one folder level) or named exactly in it (e.g. "training.json"). With an
     * expectation, each model array's NPY header is checked against the expected shape and dtype before its data is read.
     */
    static Archive read(Path file, Set<String> extraFolders, Expectation expectation) throws IOException {
        byte[] magic = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(magic, 0, 4);
            if (n < 4 || magic[0] != 'P' || magic[1] != 'K' || magic[2] != 3 || magic[3] != 4)
                throw new ModelFormatException(file + ": not a vqtok model (expected a .vqt ZIP archive written by 'vqtok train' or Tokenizer.save)");
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(file + ": model file not found");
        }
        long fileSize = Files.size(file);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Map<String, ZipEntry> entries = new LinkedHashMap<>();
            Enumeration<? extends ZipEntry> all = zip.entries();
            while (all.hasMoreElements()) {
                ZipEntry e = all.nextElement();
                if (entries.size() >= MAX_ENTRIES) throw new ModelFormatException(file + ": more than " + MAX_ENTRIES + " entries");
                String name = e.getName();
                if (!allowedName(name, extraFolders))
                    throw new ModelFormatException(file + ": unexpected entry '" + printable(name) + "' (a model holds "
                            + HEADER + " and " + ARRAYS + "<name>.npy" + (extraFolders.isEmpty() ? "" : ", and " + extraFolders) + ")");
                if (entries.put(name, e) != null) throw new ModelFormatException(file + ": duplicate entry '" + name + "'");
            }
            ZipEntry headerEntry = entries.get(HEADER);
            if (headerEntry == null) throw new ModelFormatException(file + ": truncated or not a vqtok model (no " + HEADER + " entry)");
            JsonNode header = JSON.readTree(readJson(zip, headerEntry, file));
            if (!FORMAT.equals(header.path("format").asText()))
                throw new ModelFormatException(file + ": not a vqtok tokenizer (format '" + header.path("format").asText() + "')");
            int version = header.path("formatVersion").asInt(-1);
            if (version < 1) throw new ModelFormatException(file + ": missing or invalid formatVersion");
            if (version > Version.FORMAT_VERSION)
                throw new ModelFormatException(file + ": written by a newer vqtok (model format " + version
                        + "); this build (" + Version.VERSION + ") reads format " + Version.FORMAT_VERSION + " and older");
            Set<String> listed = new HashSet<>();
            for (JsonNode name : header.path("arrays")) {
                if (!entries.containsKey(ARRAYS + name.asText() + ".npy"))
                    throw new ModelFormatException(file + ": truncated model file: array '" + printable(name.asText()) + "' is missing");
                listed.add(ARRAYS + name.asText() + ".npy");
            }
            TokenizerConfig config;
            Provenance provenance;
            try {
                config = JSON.treeToValue(header.get("config"), TokenizerConfig.class);
                provenance = JSON.treeToValue(header.get("provenance"), Provenance.class);
            } catch (IOException | IllegalArgumentException e) {
                throw new ModelFormatException(file + ": invalid model configuration: " + rootMessage(e), e);
            }
            if (config == null || provenance == null) throw new ModelFormatException(file + ": " + HEADER + " lacks config or provenance");
            Map<String, INDArray> expected = expectation == null ? Map.of() : expectation.arrays(config, provenance);
            for (String name : expected.keySet())
                if (!listed.contains(ARRAYS + name + ".npy")) throw new ModelFormatException(file + ": missing array '" + name + "'");
            long budget = MAX_INFLATION * fileSize + (1 << 20);
            Map<String, INDArray> arrays = new LinkedHashMap<>();
            Map<String, INDArray> extraArrays = new LinkedHashMap<>();
            Map<String, byte[]> extraJson = new LinkedHashMap<>();
            for (Map.Entry<String, ZipEntry> e : entries.entrySet()) {
                String name = e.getKey();
                if (name.equals(HEADER)) continue;
                if (name.endsWith(".json")) {
                    extraJson.put(name, readJson(zip, e.getValue(), file));
                    continue;
                }
                String arrayName = name.substring(0, name.length() - 4);
                if (expectation != null && name.startsWith(ARRAYS) && !expected.containsKey(arrayName.substring(ARRAYS.length())))
                    throw new ModelFormatException(file + ": unexpected array '" + arrayName.substring(ARRAYS.length()) + "' for " + config.quantizer().describe());
                INDArray a = readNpy(zip, e.getValue(), file, arrayName, budget, name.startsWith(ARRAYS) ? expected.get(arrayName.substring(ARRAYS.length())) : null);
                budget -= a.length() * a.dataType().width();
                if (name.startsWith(ARRAYS)) {
                    if (!listed.contains(name)) throw new ModelFormatException(file + ": array entry '" + name + "' is not listed in " + HEADER);
                    arrays.put(arrayName.substring(ARRAYS.length()), a);
                } else {
                    extraArrays.put(arrayName, a);
                }
            }
            return new Archive(new Contents(version, config, provenance, arrays), extraArrays, extraJson);
        } catch (ZipException e) {
            throw new ModelFormatException(file + ": truncated or corrupt model file (" + e.getMessage() + ")", e);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new ModelFormatException(file + ": corrupt JSON in the model file (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            if (e instanceof NoSuchFileException) throw e;
            throw new ModelFormatException(file + ": unreadable model file (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    private static boolean allowedName(String name, Set<String> extraFolders) {
        if (name.equals(HEADER)) return true;
        if (extraFolders.contains(name)) return name.endsWith(".json") && SAFE_NAME.matcher(name).matches();
        int slash = name.indexOf('/');
        if (slash <= 0 || name.indexOf('/', slash + 1) >= 0) return false;
        String folder = name.substring(0, slash + 1), leaf = name.substring(slash + 1);
        if (!(folder.equals(ARRAYS) || extraFolders.contains(folder))) return false;
        if (!SAFE_NAME.matcher(leaf).matches() || leaf.contains("..")) return false;
        return leaf.endsWith(".npy") ? leaf.length() > 4 : !folder.equals(ARRAYS) && leaf.endsWith(".json");
    }

    /** At most 120 characters of {@code s}, non-printable ones as '?': names from a hostile file, safe in a message. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 120; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }

    static byte[] readJson(ZipFile zip, ZipEntry entry, Path file) throws IOException {
        try (CheckedEntry in = new CheckedEntry(zip, entry, file)) {
            byte[] b = in.readNBytes(MAX_JSON_BYTES + 1);
            if (b.length > MAX_JSON_BYTES) throw new ModelFormatException(file + ": entry '" + entry.getName() + "' is larger than " + MAX_JSON_BYTES + " bytes");
            in.verifyAtEnd();
            return b;
        }
    }

    /** An entry's data with its CRC-32 checked at the end (ZipFile does not check it): a flipped bit is an error, not a changed weight. */
    private static final class CheckedEntry extends java.io.FilterInputStream {
        private final java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        private final ZipEntry entry;
        private final Path file;

        CheckedEntry(ZipFile zip, ZipEntry entry, Path file) throws IOException {
            super(new java.io.BufferedInputStream(zip.getInputStream(entry), 1 << 16));
            this.entry = entry;
            this.file = file;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) crc.update(b);
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) crc.update(buf, off, n);
            return n;
        }

        /** Requires the end of the entry and a matching CRC. */
        void verifyAtEnd() throws IOException {
            if (read() != -1) throw new ModelFormatException(file + ": entry '" + entry.getName() + "' holds more data than it should");
            if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc())
                throw new ModelFormatException(file + ": entry '" + entry.getName() + "' is corrupt (CRC mismatch)");
        }
    }

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-z])(\\d+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** Parses one NPY entry in Java, checking its size against the entry and the remaining budget before allocating. */
    private static INDArray readNpy(ZipFile zip, ZipEntry entry, Path file, String name, long budget, INDArray expected) throws IOException {
        String where = file + ": array '" + name + "'";
        try (CheckedEntry in = new CheckedEntry(zip, entry, file)) {
            byte[] pre = in.readNBytes(10);
            if (pre.length < 10 || (pre[0] & 0xff) != 0x93 || pre[1] != 'N' || pre[2] != 'U' || pre[3] != 'M' || pre[4] != 'P' || pre[5] != 'Y')
                throw new ModelFormatException(where + " is not NPY data");
            int major = pre[6];
            int headerLength;
            if (major == 1) {
                headerLength = (pre[8] & 0xff) | (pre[9] & 0xff) << 8;
            } else if (major == 2 || major == 3) {
                byte[] more = in.readNBytes(2);
                if (more.length < 2) throw new ModelFormatException(where + " is truncated");
                long len = (pre[8] & 0xffL) | (pre[9] & 0xffL) << 8 | (more[0] & 0xffL) << 16 | (more[1] & 0xffL) << 24;
                if (len > MAX_NPY_HEADER) throw new ModelFormatException(where + ": NPY header of " + len + " bytes");
                headerLength = (int) len;
            } else {
                throw new ModelFormatException(where + ": unsupported NPY version " + major);
            }
            byte[] h = in.readNBytes(headerLength);
            if (h.length < headerLength) throw new ModelFormatException(where + " is truncated (in its NPY header)");
            String dict = new String(h, StandardCharsets.ISO_8859_1);
            Matcher d = DESCR.matcher(dict), f = FORTRAN.matcher(dict), s = SHAPE.matcher(dict);
            if (!d.find() || !f.find() || !s.find()) throw new ModelFormatException(where + ": malformed NPY header");
            DataType type = dtype(d.group(2), d.group(3));
            if (type == null) throw new ModelFormatException(where + ": unsupported dtype '" + d.group(1) + d.group(2) + d.group(3)
                    + "' (model arrays are float32, float64, int32 or int64)");
            ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            boolean fortran = f.group(1).equals("True");
            String[] dims = s.group(1).trim().isEmpty() ? new String[0] : s.group(1).split(",");
            java.util.List<Long> shapeList = new java.util.ArrayList<>();
            for (String dim : dims) {
                if (dim.isBlank()) continue;
                long v;
                try {
                    v = Long.parseLong(dim.trim());
                } catch (NumberFormatException e) {
                    throw new ModelFormatException(where + ": malformed NPY shape (" + printable(s.group(1)) + ")");
                }
                if (v < 0) throw new ModelFormatException(where + ": negative dimension " + v);
                shapeList.add(v);
            }
            if (shapeList.size() > 8) throw new ModelFormatException(where + ": rank " + shapeList.size() + " (at most 8)");
            long[] shape = shapeList.stream().mapToLong(Long::longValue).toArray();
            long count = 1;
            for (long v : shape) {
                count = Math.multiplyHigh(count, v) != 0 || count * v < 0 ? -1 : count * v;
                if (count < 0 || count > MAX_ARRAY_BYTES) throw new ModelFormatException(where + ": shape " + java.util.Arrays.toString(shape) + " is too large");
            }
            if (expected != null) {
                long[] want = expected.shape();
                if (!java.util.Arrays.equals(shape, want))
                    throw new ModelFormatException(where + " has shape " + java.util.Arrays.toString(shape) + ", expected " + java.util.Arrays.toString(want));
                if (type != expected.dataType())
                    throw new ModelFormatException(where + " is " + type + ", expected " + expected.dataType());
            }
            long bytes = count * type.width();
            long compressed = entry.getCompressedSize() >= 0 ? entry.getCompressedSize() : Long.MAX_VALUE / MAX_INFLATION;
            if (bytes > MAX_ARRAY_BYTES || bytes > MAX_INFLATION * compressed + 4096 || bytes > budget)
                throw new ModelFormatException(where + ": its header claims " + bytes + " bytes, more than its "
                        + compressed + "-byte entry can hold (truncated or corrupt)");
            byte[] data = in.readNBytes((int) bytes);
            if (data.length < bytes) throw new ModelFormatException(where + " is truncated (" + data.length + " of " + bytes + " bytes)");
            in.verifyAtEnd();
            ByteBuffer buf = ByteBuffer.wrap(data).order(order);
            long[] cShape = fortran ? reversed(shape) : shape;
            INDArray a = fromBytes(buf, type, cShape);
            if (fortran && shape.length > 1) a = a.permute(reversedAxes(shape.length)).dup('c');
            return a;
        }
    }

    /**
     * A C-order array of {@code shape} from the elements in {@code buf} (its byte order set; every remaining element read):
     * FLOAT, DOUBLE, INT or LONG. Shared by the model-file and safetensors readers.
     */
    static INDArray fromBytes(ByteBuffer buf, DataType type, long[] shape) {
        int count = buf.remaining() / type.width();
        return switch (type) {
            case FLOAT -> {
                float[] v = new float[count];
                buf.asFloatBuffer().get(v);
                yield Nd4j.create(v, shape, 'c');
            }
            case DOUBLE -> {
                double[] v = new double[count];
                buf.asDoubleBuffer().get(v);
                yield Nd4j.create(v, shape, 'c');
            }
            case INT -> {
                int[] v = new int[count];
                buf.asIntBuffer().get(v);
                yield Nd4j.createFromArray(v).reshape(shape);
            }
            case LONG -> {
                long[] v = new long[count];
                buf.asLongBuffer().get(v);
                yield Nd4j.createFromArray(v).reshape(shape);
            }
            default -> throw new IllegalArgumentException("no byte decoding for " + type);
        };
    }

    private static DataType dtype(String kind, String size) {
        return switch (kind + size) {
            case "f4" -> DataType.FLOAT;
            case "f8" -> DataType.DOUBLE;
            case "i4" -> DataType.INT;
            case "i8" -> DataType.LONG;
            default -> null;
        };
    }

    private static long[] reversed(long[] shape) {
        long[] r = new long[shape.length];
        for (int i = 0; i < shape.length; i++) r[i] = shape[shape.length - 1 - i];
        return r;
    }

    private static int[] reversedAxes(int rank) {
        int[] r = new int[rank];
        for (int i = 0; i < rank; i++) r[i] = rank - 1 - i;
        return r;
    }

    /** The innermost cause's message on one line (Jackson's own message, without its source location). */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) t = t.getCause();
        String m = t instanceof com.fasterxml.jackson.core.JacksonException j ? j.getOriginalMessage() : t.getMessage();
        if (m == null) return t.getClass().getSimpleName();
        int newline = m.indexOf('\n');
        return newline < 0 ? m : m.substring(0, newline);
    }

    static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("java", System.getProperty("java.version"));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        try {
            env.put("nd4jBackend", Nd4j.getBackend().getClass().getSimpleName());
        } catch (RuntimeException e) {
            env.put("nd4jBackend", "unknown");
        }
        return env;
    }
}
