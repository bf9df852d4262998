package io.vqtok.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {

    @TempDir
    Path dir;

    /** Builds an .npy file by hand: magic, version, header length, header (padded by the caller), data. */
    private Path npy(String name, int major, String header, byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        byte[] h = header.getBytes(major >= 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        ByteBuffer len = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            len.putShort((short) h.length);
        } else {
            len.putInt(h.length);
        }
        out.write(len.array());
        out.write(h);
        out.write(data);
        return Fixtures.write(dir.resolve(name), out.toByteArray());
    }

    private static byte[] le(int bytesPerValue, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * bytesPerValue).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            switch (bytesPerValue) {
                case 1 -> b.put((byte) v);
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        }
        return b.array();
    }

    @Test
    void intRoundTripWithShape() {
        Path f = dir.resolve("codes.npy");
        int[] data = {0, 1, -5, Integer.MAX_VALUE, Integer.MIN_VALUE, 42};
        Npy.writeInts(f, data, 2, 3);
        NpyArray a = Npy.read(f);
        assertThat(a.dtype()).isEqualTo("<i4");
        assertThat(a.shape()).containsExactly(2, 3);
        assertThat(a.count()).isEqualTo(6);
        assertThat(a.asInts()).containsExactly(data);
        assertThat(a.data()).isInstanceOf(int[].class);
    }

    @Test
    void floatRoundTripIsBitExact() {
        Path f = dir.resolve("emb.npy");
        float[] data = {0f, -0f, 1.5f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, Float.NEGATIVE_INFINITY, 1e-7f};
        Npy.writeFloats(f, data, 2, 2, 2);
        NpyArray a = Npy.read(f);
        assertThat(a.dtype()).isEqualTo("<f4");
        assertThat(a.shape()).containsExactly(2, 2, 2);
        float[] back = a.asFloats();
        for (int i = 0; i < data.length; i++) {
            assertThat(Float.floatToRawIntBits(back[i])).isEqualTo(Float.floatToRawIntBits(data[i]));
        }
    }

    @Test
    void defaultShapeIsOneDimensionalAndLargeArraysRoundTrip() {
        Path f = dir.resolve("big.npy");
        int[] data = new int[100_003];
        for (int i = 0; i < data.length; i++) {
            data[i] = i * 7 - 3;
        }
        Npy.writeInts(f, data);
        NpyArray a = Npy.read(f);
        assertThat(a.shape()).containsExactly(data.length);
        assertThat(a.asInts()).isEqualTo(data);
        long[] longs = {Long.MAX_VALUE, -1L, 3L};
        Npy.writeLongs(dir.resolve("l.npy"), longs);
        assertThat(Npy.read(dir.resolve("l.npy")).asLongs()).containsExactly(longs);
    }

    @Test
    void headerIsPaddedTo64BytesAndEndsWithNewline() throws Exception {
        for (int[] shape : new int[][] {{7}, {7, 1}, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 7}}) {
            Path f = dir.resolve("a" + shape.length + ".npy");
            Npy.writeFloats(f, new float[7], shape);
            byte[] bytes = Files.readAllBytes(f);
            assertThat(Arrays.copyOf(bytes, 8)).containsExactly(0x93 - 256, 'N', 'U', 'M', 'P', 'Y', 1, 0);
            int headerLen = (bytes[8] & 0xFF) | (bytes[9] & 0xFF) << 8;
            int dataStart = 10 + headerLen;
            assertThat(dataStart % 64).isZero();
            assertThat(bytes[dataStart - 1]).isEqualTo((byte) '\n');
            assertThat(bytes.length - dataStart).isEqualTo(7 * 4);
            String header = new String(bytes, 10, headerLen, StandardCharsets.ISO_8859_1);
            assertThat(header).startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (");
        }
        byte[] oneD = Files.readAllBytes(dir.resolve("a1.npy"));
        assertThat(new String(oneD, 10, oneD.length - 10 - 28, StandardCharsets.ISO_8859_1)).contains("'shape': (7,), }");
    }

    @Test
    void readsAllSupportedDtypes() throws Exception {
        String fmt = "{'descr': '%s', 'fortran_order': False, 'shape': (3,), }\n";
        assertThat(Npy.read(npy("u1.npy", 1, String.format(fmt, "|u1"), le(1, 0, 200, 255))).asInts())
                .containsExactly(0, 200, 255);
        assertThat(Npy.read(npy("i1.npy", 1, String.format(fmt, "|i1"), le(1, -128, 0, 127))).asInts())
                .containsExactly(-128, 0, 127);
        assertThat(Npy.read(npy("i2.npy", 1, String.format(fmt, "<i2"), le(2, -300, 0, 32767))).asInts())
                .containsExactly(-300, 0, 32767);
        assertThat(Npy.read(npy("u2.npy", 1, String.format(fmt, "<u2"), le(2, 0, 40000, 65535))).asInts())
                .containsExactly(0, 40000, 65535);
        assertThat(Npy.read(npy("i4.npy", 1, String.format(fmt, "<i4"), le(4, -1, 2, 3))).asInts())
                .containsExactly(-1, 2, 3);
        assertThat(Npy.read(npy("i8.npy", 1, String.format(fmt, "<i8"), le(8, -1, 2, 1L << 40))).asLongs())
                .containsExactly(-1L, 2L, 1L << 40);
        ByteBuffer f8 = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.5).putDouble(-2)
                .putDouble(1e300);
        NpyArray d = Npy.read(npy("f8.npy", 1, String.format(fmt, "<f8"), f8.array()));
        assertThat(d.asDoubles()).containsExactly(0.5, -2, 1e300);
        assertThat(d.asFloats()).containsExactly(0.5f, -2f, Float.POSITIVE_INFINITY);
        ByteBuffer be = ByteBuffer.allocate(12).order(ByteOrder.BIG_ENDIAN).putInt(1).putInt(-2).putInt(300);
        assertThat(Npy.read(npy("be.npy", 1, String.format(fmt, ">i4"), be.array())).asInts())
                .containsExactly(1, -2, 300);
        assertThat(Npy.read(npy("u1f.npy", 1, String.format(fmt, "|u1"), le(1, 0, 51, 255))).asFloats())
                .containsExactly(0f, 51f, 255f);
    }

    @Test
    void readsVersions2And3AndScalarsAndOldStyleHeaders() throws Exception {
        NpyArray v2 = Npy.read(npy("v2.npy", 2, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 1), }\n",
                le(4, 5, 6)));
        assertThat(v2.shape()).containsExactly(2, 1);
        assertThat(v2.asInts()).containsExactly(5, 6);
        NpyArray v3 = Npy.read(npy("v3.npy", 3, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }  \n",
                ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(2.5f).array()));
        assertThat(v3.asFloats()).containsExactly(2.5f);
        NpyArray scalar = Npy.read(npy("s.npy", 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (), }\n",
                le(8, 99)));
        assertThat(scalar.shape()).isEmpty();
        assertThat(scalar.count()).isEqualTo(1);
        assertThat(scalar.asInts()).containsExactly(99);
        NpyArray reordered = Npy.read(npy("r.npy", 1, "{'shape': (2L, 2L), 'fortran_order': False, 'descr': '<i4'}\n",
                le(4, 1, 2, 3, 4)));
        assertThat(reordered.shape()).containsExactly(2, 2);
        NpyArray empty = Npy.read(npy("e.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 4), }\n",
                new byte[0]));
        assertThat(empty.count()).isZero();
    }

    @Test
    void rejectsBadMagic() throws Exception {
        Path f = Fixtures.write(dir.resolve("fake.npy"), "PK\u0003\u0004 this is a zip".getBytes(StandardCharsets.ISO_8859_1));
        assertThatThrownBy(() -> Npy.read(f))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("fake.npy: not an NPY file (bad magic 50 4B 03 04");
    }

    @Test
    void readsFortranOrderArraysTransposedToCOrder() throws Exception {
        // a 2x3 matrix [[1, 2, 3], [4, 5, 6]] stored column by column: 1 4 2 5 3 6
        Path f = npy("fortran.npy", 1, "{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }\n",
                le(4, 1, 4, 2, 5, 3, 6));
        NpyArray a = Npy.read(f);
        assertThat(a.shape()).containsExactly(2, 3);
        assertThat(a.asInts()).containsExactly(1, 2, 3, 4, 5, 6); // (i, j) at i * 3 + j
        // a 2x3x2 array whose element (i, j, k) is 100i + 10j + k: in Fortran order i runs fastest, then j, then k
        long[] fortran = new long[12];
        int at = 0;
        for (int k = 0; k < 2; k++) {
            for (int j = 0; j < 3; j++) {
                for (int i = 0; i < 2; i++) {
                    fortran[at++] = 100 * i + 10 * j + k;
                }
            }
        }
        NpyArray b = Npy.read(npy("f3.npy", 1, "{'descr': '<i2', 'fortran_order': True, 'shape': (2, 3, 2), }\n",
                le(2, fortran)));
        assertThat(b.asInts()).containsExactly(0, 1, 10, 11, 20, 21, 100, 101, 110, 111, 120, 121);
        // big-endian float64 in Fortran order: [[0.5, -1], [2, 1e10]] stored as 0.5 2 -1 1e10
        ByteBuffer be = ByteBuffer.allocate(32).order(ByteOrder.BIG_ENDIAN).putDouble(0.5).putDouble(2).putDouble(-1)
                .putDouble(1e10);
        NpyArray c = Npy.read(npy("fbe.npy", 1, "{'descr': '>f8', 'fortran_order': True, 'shape': (2, 2), }\n",
                be.array()));
        assertThat(c.asDoubles()).containsExactly(0.5, -1, 2, 1e10);
        // 1-D and empty Fortran arrays are as they are
        assertThat(Npy.read(npy("f1.npy", 1, "{'descr': '|u1', 'fortran_order': True, 'shape': (3,), }\n",
                le(1, 7, 8, 9))).asInts()).containsExactly(7, 8, 9);
        assertThat(Npy.read(npy("f0.npy", 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (0, 5), }\n",
                new byte[0])).count()).isZero();
        assertThat(Npy.readIndices(f)).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void readsBigEndianFloatsAndUnsignedWideTypes() throws Exception {
        String fmt = "{'descr': '%s', 'fortran_order': False, 'shape': (3,), }\n";
        ByteBuffer f4 = ByteBuffer.allocate(12).order(ByteOrder.BIG_ENDIAN).putFloat(1.5f).putFloat(-0.25f)
                .putFloat(3e38f);
        NpyArray a = Npy.read(npy("bef4.npy", 1, String.format(fmt, ">f4"), f4.array()));
        assertThat(a.dtype()).isEqualTo(">f4");
        assertThat(a.asFloats()).containsExactly(1.5f, -0.25f, 3e38f);
        NpyArray u4 = Npy.read(npy("u4.npy", 1, String.format(fmt, "<u4"), le(4, 0, 7, 0xFFFFFFFFL)));
        assertThat(u4.asLongs()).containsExactly(0L, 7L, 4294967295L);
        assertThat(u4.asDoubles()).containsExactly(0, 7, 4294967295.0);
        assertThatThrownBy(u4::asInts).isInstanceOf(ArithmeticException.class);
        ByteBuffer u8 = ByteBuffer.allocate(24).order(ByteOrder.BIG_ENDIAN).putLong(5).putLong(1L << 40).putLong(-1);
        NpyArray b = Npy.read(npy("beu8.npy", 1, String.format(fmt, ">u8"), u8.array()));
        assertThat(b.asDoubles()).containsExactly(5, 0x1p40, 0x1p64);
        assertThatThrownBy(b::asLongs).isInstanceOf(ArithmeticException.class).hasMessageContaining("18446744073709551615");
    }

    @Test
    void readIndicesAcceptsEveryIntegerDtypeWithinRange() throws Exception {
        String fmt = "{'descr': '%s', 'fortran_order': False, 'shape': (2, 2), }\n";
        long[] codes = {0, 511, 7, 300};
        for (String dtype : new String[] {"<i2", "<u2", "<i4", "<u4", "<i8", "<u8", ">i2", ">u4", ">i8", ">u8"}) {
            int size = dtype.charAt(2) - '0';
            ByteBuffer b = ByteBuffer.allocate(4 * size).order(dtype.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN
                    : ByteOrder.LITTLE_ENDIAN);
            for (long c : codes) {
                switch (size) {
                    case 2 -> b.putShort((short) c);
                    case 4 -> b.putInt((int) c);
                    default -> b.putLong(c);
                }
            }
            Path f = npy("codes-" + (dtype.charAt(0) == '>' ? "be-" : "le-") + dtype.substring(1) + ".npy", 1,
                    String.format(fmt, dtype), b.array());
            NpyArray a = Npy.readIndexArray(f);
            assertThat(a.dtype()).as(dtype).isEqualTo("<i4");
            assertThat(a.shape()).containsExactly(2, 2);
            assertThat(a.asInts()).as(dtype).containsExactly(0, 511, 7, 300);
        }
        assertThat(Npy.readIndices(npy("u1.npy", 1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }\n",
                le(1, 255, 3)))).containsExactly(255, 3);
        Path u4 = npy("big-u4.npy", 1, "{'descr': '<u4', 'fortran_order': False, 'shape': (3,), }\n",
                le(4, 1, 2, 0x80000000L));
        assertThatThrownBy(() -> Npy.readIndices(u4)).isInstanceOf(DatasetException.class)
                .hasMessage(u4 + ": value 2147483648 at flat index 2 does not fit in int32; expected code indices");
        Path u8 = npy("big-u8.npy", 1, "{'descr': '<u8', 'fortran_order': False, 'shape': (2,), }\n",
                le(8, 4, -2));
        assertThatThrownBy(() -> Npy.readIndices(u8)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("value 18446744073709551614 at flat index 1 does not fit in int32");
        Path i2 = npy("neg-i2.npy", 1, "{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }\n", le(2, 4, -3));
        assertThatThrownBy(() -> Npy.readIndices(i2)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("negative code index -3 at flat index 1");
    }

    @Test
    void headerSizesAreCheckedAgainstTheFileBeforeAnythingIsAllocated() throws Exception {
        // a shape of 2^31 - 9 int64 elements (16 GiB) in a file with 8 bytes of data
        Path huge = npy("huge-shape.npy", 1,
                "{'descr': '<i8', 'fortran_order': False, 'shape': (2147483639,), }\n", le(8, 1));
        assertThatThrownBy(() -> Npy.read(huge)).isInstanceOf(DatasetException.class)
                .hasMessage(huge + ": truncated data: expected 17179869112 bytes (2147483639 elements of <i8, shape"
                        + " (2147483639,)), found 8");
        Path tooMany = npy("many.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 65536), }\n",
                new byte[4]);
        assertThatThrownBy(() -> Npy.read(tooMany)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("many.npy: shape (65536, 65536) has too many elements");
        // a version 2.0 header length of 4 GiB - 1 in a file of a few bytes
        Path longHeader = Fixtures.write(dir.resolve("long-header.npy"),
                new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, -1, -1, -1, -1, '{', '}'});
        assertThatThrownBy(() -> Npy.read(longHeader)).isInstanceOf(DatasetException.class)
                .hasMessage(longHeader + ": truncated NPY header: expected 4294967295 header bytes, found 2");
    }

    @Test
    void rejectsUnsupportedDtypes() throws Exception {
        Path c = npy("complex.npy", 1, "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }\n", new byte[8]);
        assertThatThrownBy(() -> Npy.read(c))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("complex.npy: unsupported dtype <c8")
                .hasMessageContaining("<f4");
        Path s = npy("struct.npy", 1, "{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (1,), }\n",
                new byte[4]);
        assertThatThrownBy(() -> Npy.read(s))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("struct.npy: unsupported dtype");
        Path o = npy("obj.npy", 1, "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }\n", new byte[8]);
        assertThatThrownBy(() -> Npy.read(o))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("unsupported dtype |O");
    }

    @Test
    void rejectsMalformedHeaders() throws Exception {
        Path noShape = npy("ns.npy", 1, "{'descr': '<i4', 'fortran_order': False}\n", new byte[0]);
        assertThatThrownBy(() -> Npy.read(noShape))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("ns.npy: malformed NPY header: no 'shape'");
        Path notDict = npy("nd.npy", 1, "descr=<i4\n", new byte[0]);
        assertThatThrownBy(() -> Npy.read(notDict))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("nd.npy: malformed NPY header");
        Path badDim = npy("bd.npy", 1, "{'descr': '<i4', 'fortran_order': False, 'shape': (2, x), }\n", new byte[0]);
        assertThatThrownBy(() -> Npy.read(badDim))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("bd.npy: malformed NPY header: shape entry 'x'");
        Path version = npy("v9.npy", 9, "{}", new byte[0]);
        assertThatThrownBy(() -> Npy.read(version))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("unsupported NPY format version 9.0");
    }

    @Test
    void rejectsTruncatedHeaderAndData() throws Exception {
        Path full = dir.resolve("full.npy");
        Npy.writeInts(full, new int[] {1, 2, 3, 4}, 4);
        byte[] bytes = Files.readAllBytes(full);
        Path cutData = Fixtures.write(dir.resolve("cut.npy"), Arrays.copyOf(bytes, bytes.length - 3));
        assertThatThrownBy(() -> Npy.read(cutData))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("cut.npy: truncated data: expected 16 bytes")
                .hasMessageContaining("found 13");
        Path cutHeader = Fixtures.write(dir.resolve("cuth.npy"), Arrays.copyOf(bytes, 30));
        assertThatThrownBy(() -> Npy.read(cutHeader))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("cuth.npy: truncated NPY header");
        Path extra = Fixtures.write(dir.resolve("extra.npy"), Arrays.copyOf(bytes, bytes.length + 2));
        assertThatThrownBy(() -> Npy.read(extra))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("extra.npy: 2 trailing bytes");
    }

    @Test
    void readIndicesAcceptsIntegersAndRejectsFloats() throws Exception {
        Path ints = dir.resolve("codes.npy");
        Npy.writeInts(ints, new int[] {3, 0, 511}, 3);
        assertThat(Npy.readIndices(ints)).containsExactly(3, 0, 511);
        Npy.writeLongs(dir.resolve("codes64.npy"), new long[] {7, 8});
        assertThat(Npy.readIndices(dir.resolve("codes64.npy"))).containsExactly(7, 8);

        Path floats = dir.resolve("float-codes.npy");
        Npy.writeFloats(floats, new float[] {1f, 2f});
        assertThatThrownBy(() -> Npy.readIndices(floats))
                .isInstanceOf(DatasetException.class)
                .hasMessage(floats + ": dtype <f4 is floating point; expected integer code indices (int32 or int64)");

        Npy.writeLongs(dir.resolve("huge.npy"), new long[] {1L << 33});
        assertThatThrownBy(() -> Npy.readIndices(dir.resolve("huge.npy")))
                .isInstanceOf(DatasetException.class).hasMessageContaining("does not fit in int32");
        Npy.writeInts(dir.resolve("neg.npy"), new int[] {1, -1});
        assertThatThrownBy(() -> Npy.readIndices(dir.resolve("neg.npy")))
                .isInstanceOf(DatasetException.class).hasMessageContaining("negative code index -1 at flat index 1");
    }

    @Test
    void failedWriteLeavesExistingFileAndNoTemporaryFiles() throws Exception {
        Path f = dir.resolve("keep.npy");
        Npy.writeInts(f, new int[] {1, 2});
        byte[] before = Files.readAllBytes(f);
        assertThatThrownBy(() -> Npy.writeInts(f, new int[] {1, 2, 3}, 2, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shape [2, 2] holds 4 elements but the data has 3");
        assertThat(Files.readAllBytes(f)).isEqualTo(before);
        Npy.writeInts(f, new int[] {9});
        assertThat(Npy.read(f).asInts()).containsExactly(9);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("keep.npy");
        }
    }

    @Test
    void writeFailureMidStreamLeavesNoFile() throws Exception {
        Path f = dir.resolve("sub/partial.npy");
        // data of the wrong element type makes the writer throw after the temporary file was opened
        assertThatThrownBy(() -> AtomicFiles.write(f, out -> {
            out.write(new byte[100]);
            throw new java.io.IOException("disk full");
        })).isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("partial.npy");
        try (Stream<Path> files = Files.list(dir.resolve("sub"))) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void missingFileIsNotFound() {
        assertThatThrownBy(() -> Npy.read(dir.resolve("absent.npy")))
                .isInstanceOf(DatasetNotFoundException.class).hasMessageContaining("absent.npy");
    }

    @Test
    void streamedIntsEqualOneShotWriteAndWrongCountsLeaveNoFile(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        int[] data = new int[2 * 3 * 4];
        for (int i = 0; i < data.length; i++) data[i] = i * 7 - 5;
        Path once = tmp.resolve("once.npy");
        Path streamed = tmp.resolve("streamed.npy");
        Npy.writeInts(once, data, 2, 3, 4);
        Npy.streamInts(streamed, sink -> {
            sink.write(java.util.Arrays.copyOfRange(data, 0, 12));
            sink.write(java.util.Arrays.copyOfRange(data, 12, 24));
        }, 2, 3, 4);
        org.assertj.core.api.Assertions.assertThat(java.nio.file.Files.readAllBytes(streamed)).isEqualTo(java.nio.file.Files.readAllBytes(once));

        Path shortFile = tmp.resolve("short.npy");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Npy.streamInts(shortFile, sink -> sink.write(new int[5]), 2, 3))
                .hasMessageContaining("expected 6");
        org.assertj.core.api.Assertions.assertThat(shortFile).doesNotExist();
        Path longFile = tmp.resolve("long.npy");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Npy.streamInts(longFile, sink -> sink.write(new int[7]), 2, 3))
                .hasMessageContaining("more than");
        org.assertj.core.api.Assertions.assertThat(longFile).doesNotExist();
        try (var files = java.nio.file.Files.list(tmp)) {
            org.assertj.core.api.Assertions.assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("once.npy", "streamed.npy");
        }
    }
}
