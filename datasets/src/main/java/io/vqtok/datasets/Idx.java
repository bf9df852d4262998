package io.vqtok.datasets;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reader for the IDX format of MNIST-style files, raw or gzip-compressed (detected from the gzip magic
 * bytes {@code 1f 8b}, not from the file name).
 *
 * <p>Layout (all integers big-endian): a 4-byte magic {@code 0x0000TTDD} where {@code TT} is the element type
 * ({@code 08} = unsigned byte) and {@code DD} the number of dimensions, then {@code DD} 4-byte sizes, then
 * exactly the product of the sizes in elements, row-major.
 */
final class Idx {

    /** Magic of a 3-D unsigned-byte IDX file (images: count, rows, columns). */
    static final int IMAGES_MAGIC = 0x00000803;
    /** Magic of a 1-D unsigned-byte IDX file (labels: count). */
    static final int LABELS_MAGIC = 0x00000801;

    private static final int BUFFER = 1 << 16;
    /** The largest payload read into memory: one Java array. */
    static final long MAX_PAYLOAD = Integer.MAX_VALUE - 8;

    private Idx() {
    }

    /**
     * The sizes of an IDX file and the payload of the items read.
     *
     * @param dims the sizes from the header ({@code dims[0]} is the item count of the whole file)
     * @param slice the items read, or null when all of them were
     * @param data the bytes of the items read, item after item
     */
    record Contents(int[] dims, Split.Slice slice, byte[] data) {
        /** @return the number of items read */
        int count() {
            return slice == null ? dims[0] : slice.size();
        }
    }

    /**
     * Reads and validates a whole unsigned-byte IDX file.
     *
     * @see #read(Path, int, String, Split)
     */
    static Contents read(Path file, int expectedMagic, String kind) {
        return read(file, expectedMagic, kind, null);
    }

    /**
     * Reads and validates an unsigned-byte IDX file, keeping the items (slices along the first dimension) of one
     * split ({@link Split#slice}). The whole file is checked all the same: its length must match the header's sizes.
     * Nothing is allocated on the header's word alone: a raw file's length is compared with the sizes before the
     * payload is read, and a gzip file's payload is read in pieces that grow with what actually arrives, so a lying
     * header ends in "truncated" rather than in a huge allocation.
     *
     * @param file the file
     * @param expectedMagic the magic wanted, which also fixes the number of dimensions
     * @param kind what such a file holds, for messages (e.g. "IDX unsigned-byte images")
     * @param split the split whose items to keep, or null for all
     * @return the sizes and the payload of the items kept
     * @throws DatasetNotFoundException if the file does not exist
     * @throws DatasetException if the file is not such an IDX file, is truncated or has trailing bytes, its payload
     *         is larger than one Java array, or a split is asked for and the file has fewer than 2 items to carve
     */
    static Contents read(Path file, int expectedMagic, String kind, Split split) {
        int nDims = expectedMagic & 0xFF;
        int headerBytes = 4 + 4 * nDims;
        try (InputStream in = open(file)) {
            boolean gzip = in instanceof GZIPInputStream;
            int[] dims = header(in, file, expectedMagic, kind);
            long total = payloadBytes(file, dims, MAX_PAYLOAD);
            if (!gzip) {
                checkRawLength(file, dims, headerBytes, total);
            }
            Split.Slice slice = split == null ? null : split.slice(dims[0], file);
            long item = total / dims[0];
            long from = slice == null ? 0 : slice.from() * item;
            long wanted = slice == null ? total : slice.size() * item;
            long skipped = skipUpTo(in, from);
            byte[] data = skipped < from ? new byte[0] : readUpTo(in, (int) wanted, gzip);
            long found = skipped + data.length;
            if (found == from + wanted) {
                found += skipUpTo(in, total - found);
            }
            if (found < total) {
                throw truncated(file, dims, headerBytes, total, found);
            }
            if (in.read() != -1) {
                long extra = 1 + in.transferTo(OutputStream.nullOutputStream());
                throw trailing(file, dims, headerBytes, total, extra);
            }
            return new Contents(dims, slice, data);
        } catch (IOException e) {
            throw readFailure(file, e);
        }
    }

    /**
     * The payload size {@code dims[0] * ... * dims[n-1]} in bytes, computed without overflow.
     *
     * @throws DatasetException if it exceeds {@code cap}
     */
    static long payloadBytes(Path file, int[] dims, long cap) {
        long total = 1;
        try {
            for (int d : dims) {
                total = Math.multiplyExact(total, d);
            }
        } catch (ArithmeticException e) {
            total = Long.MAX_VALUE;
        }
        if (total > cap) {
            throw new DatasetException(String.format("%s: sizes %s give %s bytes of data, more than the %d that"
                    + " fit in memory at once", file, dimsText(dims), total == Long.MAX_VALUE ? "over 2^63"
                    : Long.toString(total), cap));
        }
        return total;
    }

    /** Compares a raw (not gzip) file's length with the header's sizes: the truncated and trailing-bytes errors. */
    static void checkRawLength(Path file, int[] dims, int headerBytes, long total) throws IOException {
        long found = Files.size(file) - headerBytes;
        if (found < total) {
            throw truncated(file, dims, headerBytes, total, found);
        }
        if (found > total) {
            throw trailing(file, dims, headerBytes, total, found - total);
        }
    }

    private static DatasetException truncated(Path file, int[] dims, int headerBytes, long total, long found) {
        return new DatasetException(String.format("%s: truncated: expected %d bytes of data after the %d-byte header"
                + " (sizes %s), found %d", file, total, headerBytes, dimsText(dims), found));
    }

    private static DatasetException trailing(Path file, int[] dims, int headerBytes, long total, long extra) {
        return new DatasetException(String.format("%s: %d trailing bytes: expected exactly %d bytes of data after the"
                + " %d-byte header (sizes %s)", file, extra, total, headerBytes, dimsText(dims)));
    }

    /**
     * Reads up to {@code n} bytes: all of them, or fewer at the end of the stream. When {@code untrusted} is false (a
     * raw file whose length was checked) the buffer is allocated at once; otherwise it starts at 1 MiB and doubles as
     * data arrives, so its size follows the data actually present rather than {@code n}.
     */
    private static byte[] readUpTo(InputStream in, int n, boolean untrusted) throws IOException {
        byte[] buf = new byte[untrusted ? Math.min(n, 1 << 20) : n];
        int len = 0;
        while (len < n) {
            if (len == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
            }
            int r = in.read(buf, len, buf.length - len);
            if (r < 0) {
                break;
            }
            len += r;
        }
        return len == buf.length ? buf : Arrays.copyOf(buf, len);
    }

    /** Skips up to {@code n} bytes; returns how many were skipped (fewer only at the end of the stream). */
    static long skipUpTo(InputStream in, long n) throws IOException {
        long done = 0;
        while (done < n) {
            long s = in.skip(n - done);
            if (s > 0) {
                done += s;
            } else if (in.read() < 0) {
                break;
            } else {
                done++;
            }
        }
        return done;
    }

    /** The dataset error for a failed read of an IDX file: missing, corrupt gzip data, or any other I/O failure. */
    static DatasetException readFailure(Path file, IOException e) {
        if (e instanceof NoSuchFileException) return new DatasetNotFoundException(file + ": no such file", e);
        if (e instanceof EOFException || e instanceof ZipException)
            return new DatasetException(file + ": corrupt or truncated gzip data ("
                    + (e.getMessage() != null ? e.getMessage() : "unexpected end of file") + ")", e);
        return new DatasetException(file + ": cannot read (" + e + ")", e);
    }

    /**
     * Reads and validates the header of an unsigned-byte IDX stream positioned at its start: the magic and the
     * positive dimension sizes (their product is not checked against anything here).
     *
     * @return the dimension sizes
     * @throws DatasetException if the magic is wrong, the header is short or a size is not positive
     */
    static int[] header(InputStream in, Path file, int expectedMagic, String kind) throws IOException {
        int nDims = expectedMagic & 0xFF;
        int headerBytes = 4 + 4 * nDims;
        byte[] header = in.readNBytes(headerBytes);
        if (header.length < 4) {
            throw new DatasetException(String.format("%s: file too short (%d bytes); expected an IDX header of"
                    + " %d bytes with magic 0x%08X (%s)", file, header.length, headerBytes, expectedMagic, kind));
        }
        int magic = readInt(header, 0);
        if (magic != expectedMagic) {
            throw new DatasetException(String.format("%s: bad magic 0x%08X, expected 0x%08X (%s)%s",
                    file, magic, expectedMagic, kind, describeMagic(magic)));
        }
        if (header.length < headerBytes) {
            throw new DatasetException(String.format("%s: truncated header: expected %d bytes (magic and %d"
                    + " dimension sizes), found %d", file, headerBytes, nDims, header.length));
        }
        int[] dims = new int[nDims];
        for (int i = 0; i < nDims; i++) {
            dims[i] = readInt(header, 4 + 4 * i);
            if (dims[i] <= 0) {
                throw new DatasetException(String.format("%s: dimension %d has size %d; expected a positive"
                        + " size", file, i, dims[i]));
            }
        }
        return dims;
    }

    /** Whether the file starts with the gzip magic bytes. */
    static boolean gzipped(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    /** Opens a file, transparently decompressing it when it starts with the gzip magic bytes. */
    static InputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), BUFFER);
        try {
            in.mark(2);
            int b0 = in.read();
            int b1 = in.read();
            in.reset();
            if (b0 == 0x1f && b1 == 0x8b) {
                return new GZIPInputStream(in, BUFFER);
            }
            return in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }

    static String dimsText(int[] dims) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : "x").append(dims[i]);
        }
        return sb.toString();
    }

    private static String describeMagic(int magic) {
        if ((magic >>> 16) != 0) {
            return "; this is not an IDX file";
        }
        int type = (magic >>> 8) & 0xFF;
        int dims = magic & 0xFF;
        if (type == 0x08) {
            return dims == 1 ? "; found an IDX unsigned-byte 1-D file (labels?)"
                    : "; found an IDX unsigned-byte file with " + dims + " dimensions";
        }
        return String.format("; found an IDX file of element type 0x%02X with %d dimensions (only unsigned bytes,"
                + " type 0x08, are supported)", type, dims);
    }
}
