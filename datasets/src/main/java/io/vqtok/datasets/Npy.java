package io.vqtok.datasets;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reader and writer for NumPy {@code .npy} files holding one array.
 *
 * <p>File layout: the magic {@code \x93NUMPY}, a major and a minor version byte, the header length
 * (unsigned little-endian, 2 bytes in version 1.0, 4 bytes in 2.0 and 3.0), the header (a Python dict
 * literal such as {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}, padded with spaces
 * and ended by {@code '\n'} so that the data starts at a multiple of 64 bytes), then the elements.
 *
 * <p>What is read, as NumPy and other tools write it:
 * <ul>
 *   <li>versions 1.0, 2.0 and 3.0;</li>
 *   <li>dtypes {@code i1 i2 i4 i8} (signed), {@code u1 u2 u4 u8} (unsigned), {@code f4 f8} (IEEE float),
 *       little-endian ({@code <}), big-endian ({@code >}), native ({@code =}) or, for one-byte types, {@code |};
 *       values are decoded in the file's byte order (see {@link NpyArray} for the Java array each gives);</li>
 *   <li>C-order and Fortran-order ({@code 'fortran_order': True}, column-major) arrays: a Fortran-order array is
 *       transposed on reading, so the result is always in C order with the file's shape (element
 *       {@code (i, j)} of a 2-D array is {@code data[i * cols + j]} either way).</li>
 * </ul>
 * The header length and the data size the shape and dtype imply are checked against the file's real size before
 * anything is allocated for them; a file whose data is short or followed by extra bytes is refused.
 *
 * <p>Writes version 1.0 (2.0 for a header over 65535 bytes), C order. Writes go to a
 * temporary file in the target's directory that is then renamed atomically, so a failed write never leaves a
 * partial file.
 */
public final class Npy {

    /** The six magic bytes that open every .npy file. */
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Data alignment NumPy uses for the start of the data. */
    public static final int ALIGNMENT = 64;
    /** List of supported dtypes, for messages. */
    static final String SUPPORTED = "supported dtypes: |i1, |u1, <i2, <u2, <i4, <u4, <i8, <u8, <f4, <f8"
            + " and their big-endian (>) forms";

    private static final int MAX_HEADER = 1 << 20;
    private static final int CHUNK = 1 << 16;
    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*");
    private static final Pattern DESCR_STRING = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)\\b");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    /** Element types this class understands. */
    enum Kind {
        U1('u', 1, byte[].class), I1('i', 1, byte[].class), U2('u', 2, short[].class),
        I2('i', 2, short[].class), U4('u', 4, int[].class), I4('i', 4, int[].class), U8('u', 8, long[].class),
        I8('i', 8, long[].class), F4('f', 4, float[].class), F8('f', 8, double[].class);

        final char code;
        final int size;
        final Class<?> arrayClass;

        Kind(char code, int size, Class<?> arrayClass) {
            this.code = code;
            this.size = size;
            this.arrayClass = arrayClass;
        }

        /** Returns the kind of a dtype string such as {@code <f4}, or null if unsupported. */
        static Kind of(String dtype) {
            if (dtype == null || dtype.length() < 3) {
                return null;
            }
            char order = dtype.charAt(0);
            if (order != '<' && order != '>' && order != '|' && order != '=') {
                return null;
            }
            char code = dtype.charAt(1);
            int size;
            try {
                size = Integer.parseInt(dtype.substring(2));
            } catch (NumberFormatException e) {
                return null;
            }
            for (Kind k : values()) {
                if (k.code == code && k.size == size) {
                    // '|' (not applicable) is only valid for one-byte types
                    return order == '|' && size != 1 ? null : k;
                }
            }
            return null;
        }

        static ByteOrder order(String dtype) {
            return switch (dtype.charAt(0)) {
                case '>' -> ByteOrder.BIG_ENDIAN;
                case '=' -> ByteOrder.nativeOrder();
                default -> ByteOrder.LITTLE_ENDIAN;
            };
        }
    }

    // ------------------------------------------------------------------------------------------------ writing

    /**
     * Writes {@code int32} data ({@code <i4}).
     *
     * @param file the target; replaced atomically
     * @param data the elements in C order
     * @param shape the dimensions; none means one dimension of {@code data.length}
     * @throws IllegalArgumentException if the shape does not match the data length
     * @throws java.io.UncheckedIOException if the file cannot be written
     */
    public static void writeInts(Path file, int[] data, int... shape) {
        write(file, new NpyArray("<i4", shapeOf(data.length, shape), data));
    }

    /** Receives {@code int32} values, in C order, for {@link #streamInts}. */
    @FunctionalInterface
    public interface IntSink {
        void write(int[] values) throws IOException;
    }

    /** Produces the values of a streamed array by writing them to a sink, in order. */
    @FunctionalInterface
    public interface IntProducer {
        void produce(IntSink sink) throws IOException;
    }

    /**
     * Writes an {@code int32} array of a known shape whose values arrive in pieces, so arrays larger than
     * memory can be written in constant memory. The file appears only once all
     * {@code shape[0]·...·shape[n-1]} values were written; on any failure, or too few or too many values, no
     * file is left behind.
     *
     * @throws java.io.UncheckedIOException if writing fails or the producer fails or writes the wrong count
     */
    public static void streamInts(Path file, IntProducer producer, int... shape) {
        stream(file, "<i4", shape, raw -> producer.produce(values -> {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asIntBuffer().put(values);
            raw.write(b.array(), values.length);
        }));
    }

    /** Receives {@code float32} values, in C order, for {@link #streamFloats}. */
    @FunctionalInterface
    public interface FloatSink {
        void write(float[] values) throws IOException;
    }

    /** Produces the values of a streamed float array by writing them to a sink, in order. */
    @FunctionalInterface
    public interface FloatProducer {
        void produce(FloatSink sink) throws IOException;
    }

    /** As {@link #streamInts}, for a {@code float32} array. */
    public static void streamFloats(Path file, FloatProducer producer, int... shape) {
        stream(file, "<f4", shape, raw -> producer.produce(values -> {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            raw.write(b.array(), values.length);
        }));
    }

    /** Little-endian element bytes and how many elements they hold. */
    private interface RawSink {
        void write(byte[] bytes, int elements) throws IOException;
    }

    private interface RawProducer {
        void produce(RawSink sink) throws IOException;
    }

    private static void stream(Path file, String descr, int[] shape, RawProducer producer) {
        if (shape.length == 0) throw new IllegalArgumentException("a streamed array needs an explicit shape");
        long expected = 1;
        for (int d : shape) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            expected *= d;
        }
        long total = expected;
        AtomicFiles.write(file, out -> {
            out.write(header(descr, shape.clone()));
            long[] count = {0};
            producer.produce((bytes, elements) -> {
                count[0] += elements;
                if (count[0] > total)
                    throw new IOException("more than the " + total + " values of shape " + Arrays.toString(shape));
                out.write(bytes);
            });
            if (count[0] != total)
                throw new IOException("got " + count[0] + " values, expected " + total + " for shape " + Arrays.toString(shape));
        });
    }

    /**
     * Writes {@code float32} data ({@code <f4}).
     *
     * @param file the target; replaced atomically
     * @param data the elements in C order
     * @param shape the dimensions; none means one dimension of {@code data.length}
     * @throws IllegalArgumentException if the shape does not match the data length
     * @throws java.io.UncheckedIOException if the file cannot be written
     */
    public static void writeFloats(Path file, float[] data, int... shape) {
        write(file, new NpyArray("<f4", shapeOf(data.length, shape), data));
    }

    /**
     * Writes {@code int64} data ({@code <i8}).
     *
     * @param file the target; replaced atomically
     * @param data the elements in C order
     * @param shape the dimensions; none means one dimension of {@code data.length}
     * @throws IllegalArgumentException if the shape does not match the data length
     * @throws java.io.UncheckedIOException if the file cannot be written
     */
    public static void writeLongs(Path file, long[] data, int... shape) {
        write(file, new NpyArray("<i8", shapeOf(data.length, shape), data));
    }

    /**
     * Writes an array of any supported dtype (big-endian dtypes are written big-endian).
     *
     * @param file the target; replaced atomically
     * @param array the array
     * @throws java.io.UncheckedIOException if the file cannot be written
     */
    public static void write(Path file, NpyArray array) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(array, "array");
        byte[] header = header(array.dtype(), array.shape());
        AtomicFiles.write(file, out -> {
            out.write(header);
            writeData(out, array);
        });
    }

    /**
     * Builds the complete preamble (magic, version, length, padded header) for an array.
     *
     * @param dtype the dtype string
     * @param shape the dimensions
     * @return bytes whose length is a multiple of {@link #ALIGNMENT}, the last being {@code '\n'}
     */
    static byte[] header(String dtype, int[] shape) {
        StringBuilder dict = new StringBuilder("{'descr': '").append(dtype).append("', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            dict.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        dict.append(shape.length == 1 ? ",), }" : "), }");
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        int major = 1;
        int prefix = 10;
        int pad = (ALIGNMENT - (prefix + text.length + 1) % ALIGNMENT) % ALIGNMENT;
        int headerLen = text.length + pad + 1;
        if (major == 1 && headerLen > 65535) {
            major = 2;
            prefix = 12;
            pad = (ALIGNMENT - (prefix + text.length + 1) % ALIGNMENT) % ALIGNMENT;
            headerLen = text.length + pad + 1;
        }
        ByteBuffer b = ByteBuffer.allocate(prefix + headerLen).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) headerLen);
        } else {
            b.putInt(headerLen);
        }
        b.put(text);
        for (int i = 0; i < pad; i++) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n');
        return b.array();
    }

    private static void writeData(OutputStream out, NpyArray array) throws IOException {
        Kind kind = Kind.of(array.dtype());
        Object data = array.data();
        int n = (int) array.count();
        ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(Kind.order(array.dtype()));
        int perChunk = CHUNK / kind.size;
        for (int off = 0; off < n; off += perChunk) {
            int len = Math.min(perChunk, n - off);
            buf.clear();
            switch (kind) {
                case U1, I1 -> buf.put((byte[]) data, off, len);
                case U2, I2 -> buf.asShortBuffer().put((short[]) data, off, len);
                case U4, I4 -> buf.asIntBuffer().put((int[]) data, off, len);
                case U8, I8 -> buf.asLongBuffer().put((long[]) data, off, len);
                case F4 -> buf.asFloatBuffer().put((float[]) data, off, len);
                case F8 -> buf.asDoubleBuffer().put((double[]) data, off, len);
                default -> throw new IllegalStateException(kind.name());
            }
            out.write(buf.array(), 0, len * kind.size);
        }
    }

    private static int[] shapeOf(int length, int[] shape) {
        if (shape == null || shape.length == 0) {
            return new int[] {length};
        }
        long count = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            count *= d;
        }
        if (count != length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + count
                    + " elements but the data has " + length);
        }
        return shape.clone();
    }

    // ------------------------------------------------------------------------------------------------ reading

    /**
     * Reads a .npy file (any dtype, version and order listed in the class comment).
     *
     * @param file the file
     * @return the array, in C order
     * @throws DatasetNotFoundException if the file does not exist
     * @throws DatasetException if it is not an NPY file, its header is malformed, its dtype is unsupported, its data
     *         is truncated or followed by extra bytes, or it has more elements than one Java array holds
     */
    public static NpyArray read(Path file) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), CHUNK)) {
            long fileSize = Files.size(file);
            byte[] pre = in.readNBytes(8);
            if (pre.length < 8 || !Arrays.equals(pre, 0, 6, MAGIC, 0, 6)) {
                throw new DatasetException(file + ": not an NPY file (bad magic " + hex(pre, 6)
                        + ", expected 93 4E 55 4D 50 59 = \\x93NUMPY)");
            }
            int major = pre[6] & 0xFF;
            int minor = pre[7] & 0xFF;
            if (major < 1 || major > 3) {
                throw new DatasetException(file + ": unsupported NPY format version " + major + "." + minor
                        + "; expected 1.0, 2.0 or 3.0");
            }
            int lenBytes = major == 1 ? 2 : 4;
            byte[] lb = in.readNBytes(lenBytes);
            if (lb.length < lenBytes) {
                throw new DatasetException(file + ": truncated NPY header: the " + lenBytes
                        + "-byte header length is missing");
            }
            long headerLen = lenBytes == 2 ? ByteBuffer.wrap(lb).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFFL
                    : ByteBuffer.wrap(lb).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
            long dataStart = 8 + lenBytes + headerLen;
            if (dataStart > fileSize) {
                throw new DatasetException(file + ": truncated NPY header: expected " + headerLen
                        + " header bytes, found " + (fileSize - 8 - lenBytes));
            }
            if (headerLen > MAX_HEADER) {
                throw new DatasetException(file + ": malformed NPY header: length " + headerLen
                        + " bytes is implausibly large (at most " + MAX_HEADER + " expected)");
            }
            byte[] hb = in.readNBytes((int) headerLen);
            if (hb.length < headerLen) {
                throw new DatasetException(file + ": truncated NPY header: expected " + headerLen
                        + " header bytes, found " + hb.length);
            }
            String header = new String(hb, major >= 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            Header h = parseHeader(file, header);
            Kind kind = h.kind();
            long count = 1;
            for (int d : h.shape()) {
                count *= d; // both factors are at most 2^31, so no overflow before the check
                if (count > Integer.MAX_VALUE - 8) {
                    throw new DatasetException(file + ": shape " + shapeText(h.shape())
                            + " has too many elements to hold in one Java array");
                }
            }
            long nbytes = count * kind.size;
            long available = fileSize - dataStart;
            if (nbytes > available) {
                throw truncatedData(file, h, count, nbytes, available);
            }
            if (nbytes < available) {
                throw new DatasetException(file + ": " + (available - nbytes) + " trailing bytes after the " + nbytes
                        + " bytes of data (shape " + shapeText(h.shape()) + ", dtype " + h.dtype() + ")");
            }
            if (nbytes > Integer.MAX_VALUE - 8) {
                throw new DatasetException(file + ": " + nbytes + " bytes of data are too many to read at once");
            }
            byte[] raw = in.readNBytes((int) nbytes);
            if (raw.length < nbytes) { // the file shrank while being read
                throw truncatedData(file, h, count, nbytes, raw.length);
            }
            if (h.fortranOrder()) {
                raw = fortranToC(raw, h.shape(), kind.size);
            }
            return new NpyArray(h.dtype(), h.shape(), decode(raw, kind, Kind.order(h.dtype()), (int) count));
        } catch (NoSuchFileException e) {
            throw new DatasetNotFoundException(file + ": no such file", e);
        } catch (EOFException e) {
            throw new DatasetException(file + ": truncated NPY file (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot read (" + e + ")", e);
        }
    }

    private static DatasetException truncatedData(Path file, Header h, long count, long nbytes, long found) {
        return new DatasetException(file + ": truncated data: expected " + nbytes + " bytes (" + count
                + " elements of " + h.dtype() + ", shape " + shapeText(h.shape()) + "), found " + found);
    }

    /**
     * Reorders the elements of a Fortran-order (column-major: first index fastest) array into C order (last index
     * fastest), keeping the shape.
     *
     * @param raw the elements, {@code size} bytes each, in Fortran order
     * @param shape the dimensions
     * @param size bytes per element
     * @return the same elements in C order
     */
    static byte[] fortranToC(byte[] raw, int[] shape, int size) {
        int rank = shape.length;
        int count = raw.length / size;
        if (rank < 2 || count == 0) {
            return raw; // 0-D and 1-D arrays are the same in both orders
        }
        long[] cStride = new long[rank]; // in elements
        cStride[rank - 1] = 1;
        for (int k = rank - 2; k >= 0; k--) {
            cStride[k] = cStride[k + 1] * shape[k + 1];
        }
        byte[] out = new byte[raw.length];
        int[] index = new int[rank];
        long c = 0; // C-order position of the element at Fortran position f
        for (int f = 0; f < count; f++) {
            System.arraycopy(raw, f * size, out, (int) (c * size), size);
            for (int k = 0; k < rank; k++) { // next Fortran position: the first index runs fastest
                c += cStride[k];
                if (++index[k] < shape[k]) {
                    break;
                }
                c -= cStride[k] * shape[k];
                index[k] = 0;
            }
        }
        return out;
    }

    /**
     * Reads a .npy file of integer code indices, e.g. tokens written by a tokenizer.
     *
     * @param file the file
     * @return the elements in C order as {@code int}s
     * @throws DatasetException as {@link #read(Path)} does, and if the dtype is floating point, a value does
     *         not fit in an {@code int}, or a value is negative
     */
    public static int[] readIndices(Path file) {
        return readIndexArray(file).asInts();
    }

    /**
     * As {@link #readIndices}, keeping the array's shape: the validated indices as an {@code <i4} array. Any integer
     * dtype is accepted ({@code i1 i2 i4 i8 u1 u2 u4 u8}, either byte order, C or Fortran order) as long as every
     * value is in {@code [0, 2^31 - 1]}; the first value outside that range is named in the error.
     *
     * @throws DatasetException on the same conditions as {@link #readIndices}
     */
    public static NpyArray readIndexArray(Path file) {
        NpyArray a = read(file);
        if (a.isFloatingPoint()) {
            throw new DatasetException(file + ": dtype " + a.dtype()
                    + " is floating point; expected integer code indices (int32 or int64)");
        }
        Kind kind = Kind.of(a.dtype());
        Object d = a.data();
        int[] out = new int[(int) a.count()];
        for (int i = 0; i < out.length; i++) {
            long v = switch (kind) {
                case U1 -> ((byte[]) d)[i] & 0xFF;
                case I1 -> ((byte[]) d)[i];
                case U2 -> ((short[]) d)[i] & 0xFFFF;
                case I2 -> ((short[]) d)[i];
                case U4 -> Integer.toUnsignedLong(((int[]) d)[i]);
                case I4 -> ((int[]) d)[i];
                case U8, I8 -> ((long[]) d)[i];
                default -> throw new IllegalStateException(kind.name());
            };
            if (kind == Kind.U8 && v < 0 || v > Integer.MAX_VALUE) { // a u8 with the top bit set is >= 2^63
                throw new DatasetException(file + ": value " + (kind == Kind.U8 ? Long.toUnsignedString(v) : v)
                        + " at flat index " + i + " does not fit in int32; expected code indices");
            }
            if (v < 0) {
                throw new DatasetException(file + ": negative code index " + v + " at flat index " + i
                        + "; expected indices >= 0");
            }
            out[i] = (int) v;
        }
        return new NpyArray("<i4", a.shape(), out);
    }

    /** The parsed header dict. */
    private record Header(String dtype, Kind kind, boolean fortranOrder, int[] shape) {
    }

    private static Header parseHeader(Path file, String header) {
        String h = header.strip();
        if (!h.startsWith("{") || !h.endsWith("}")) {
            throw new DatasetException(file + ": malformed NPY header (expected a Python dict literal"
                    + " {'descr': ..., 'fortran_order': ..., 'shape': (...)}, found: " + abbreviate(h) + ")");
        }
        Matcher fortran = FORTRAN.matcher(h);
        if (!fortran.find()) {
            throw new DatasetException(file + ": malformed NPY header: no 'fortran_order': True/False entry in "
                    + abbreviate(h));
        }
        if (!DESCR.matcher(h).find()) {
            throw new DatasetException(file + ": malformed NPY header: no 'descr' entry in " + abbreviate(h));
        }
        Matcher descr = DESCR_STRING.matcher(h);
        if (!descr.find()) {
            throw new DatasetException(file + ": unsupported dtype (structured or non-string descr) in "
                    + abbreviate(h) + "; " + SUPPORTED);
        }
        String dtype = descr.group(1);
        Kind kind = Kind.of(dtype);
        if (kind == null) {
            throw new DatasetException(file + ": unsupported dtype " + dtype + "; " + SUPPORTED);
        }
        Matcher shape = SHAPE.matcher(h);
        if (!shape.find()) {
            throw new DatasetException(file + ": malformed NPY header: no 'shape': (...) entry in "
                    + abbreviate(h));
        }
        List<Integer> dims = new ArrayList<>();
        for (String part : shape.group(1).split(",")) {
            String p = part.strip();
            if (p.endsWith("L")) {
                p = p.substring(0, p.length() - 1);
            }
            if (p.isEmpty()) {
                continue;
            }
            int d;
            try {
                d = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new DatasetException(file + ": malformed NPY header: shape entry '" + part.strip()
                        + "' is not a non-negative int32 in " + abbreviate(h), e);
            }
            if (d < 0) {
                throw new DatasetException(file + ": malformed NPY header: negative dimension " + d + " in "
                        + abbreviate(h));
            }
            dims.add(d);
        }
        return new Header(dtype, kind, fortran.group(1).equals("True"),
                dims.stream().mapToInt(Integer::intValue).toArray());
    }

    private static Object decode(byte[] raw, Kind kind, ByteOrder order, int count) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(order);
        switch (kind) {
            case U1, I1:
                return raw;
            case U2, I2: {
                short[] a = new short[count];
                b.asShortBuffer().get(a);
                return a;
            }
            case U4:
            case I4: {
                int[] a = new int[count];
                b.asIntBuffer().get(a);
                return a;
            }
            case U8:
            case I8: {
                long[] a = new long[count];
                b.asLongBuffer().get(a);
                return a;
            }
            case F4: {
                float[] a = new float[count];
                b.asFloatBuffer().get(a);
                return a;
            }
            case F8: {
                double[] a = new double[count];
                b.asDoubleBuffer().get(a);
                return a;
            }
            default:
                throw new IllegalStateException(kind.name());
        }
    }

    private static String shapeText(int[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return sb.append(shape.length == 1 ? ",)" : ")").toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }

    private static String hex(byte[] b, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(n, b.length); i++) {
            sb.append(i == 0 ? "" : " ").append(String.format("%02X", b[i] & 0xFF));
        }
        return sb.length() == 0 ? "(empty file)" : sb.toString();
    }
}
