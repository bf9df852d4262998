package io.vqtok.datasets;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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

    private Idx() {
    }

    /** The sizes and the payload of an IDX file. */
    record Contents(int[] dims, byte[] data) {
    }

    /**
     * Reads and validates an unsigned-byte IDX file.
     *
     * @param file the file
     * @param expectedMagic the magic wanted, which also fixes the number of dimensions
     * @param kind what such a file holds, for messages (e.g. "IDX unsigned-byte images")
     * @return the sizes and the payload
     * @throws DatasetNotFoundException if the file does not exist
     * @throws DatasetException if the file is not such an IDX file, is truncated or has trailing bytes
     */
    static Contents read(Path file, int expectedMagic, String kind) {
        int nDims = expectedMagic & 0xFF;
        int headerBytes = 4 + 4 * nDims;
        try (InputStream in = open(file)) {
            int[] dims = header(in, file, expectedMagic, kind);
            long total = 1;
            for (int d : dims) total *= d;
            if (total > Integer.MAX_VALUE - 8) {
                throw new DatasetException(String.format("%s: sizes %s give more than %d bytes of data,"
                        + " too large to hold in memory", file, java.util.Arrays.toString(dims),
                        Integer.MAX_VALUE - 8));
            }
            byte[] data = in.readNBytes((int) total);
            if (data.length < total) {
                throw new DatasetException(String.format("%s: truncated: expected %d bytes of data after the"
                        + " %d-byte header (sizes %s), found %d", file, total, headerBytes, dimsText(dims),
                        data.length));
            }
            if (in.read() != -1) {
                long extra = 1 + in.transferTo(OutputStream.nullOutputStream());
                throw new DatasetException(String.format("%s: %d trailing bytes: expected exactly %d bytes of"
                        + " data after the %d-byte header (sizes %s)", file, extra, total, headerBytes,
                        dimsText(dims)));
            }
            return new Contents(dims, data);
        } catch (IOException e) {
            throw readFailure(file, e);
        }
    }

    /** The dataset error for a failed read of an IDX file: missing, corrupt gzip data, or any other I/O failure. */
    static DatasetException readFailure(Path file, IOException e) {
        if (e instanceof NoSuchFileException) return new DatasetNotFoundException(file + ": no such file", e);
        if (e instanceof EOFException || e instanceof ZipException)
            return new DatasetException(file + ": corrupt or truncated gzip data (" + e.getMessage() + ")", e);
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
