package io.vqtok.datasets;

import java.util.Arrays;
import java.util.Objects;

/**
 * An n-dimensional array read from a NumPy {@code .npy} file, in C (row-major) order.
 *
 * <p>{@code data} is a primitive array whose type follows the dtype: {@code byte[]} for {@code |u1} and
 * {@code |i1}, {@code short[]} for {@code <i2} and {@code <u2}, {@code int[]} for {@code <i4} and {@code <u4},
 * {@code long[]} for {@code <i8} and {@code <u8}, {@code float[]} for {@code <f4}, {@code double[]} for {@code <f8}
 * (big-endian {@code >} dtypes map the same way; the values are already decoded). Unsigned types are stored with the
 * same bits and widened correctly by the {@code as*} accessors. Equality compares contents.
 *
 * @param dtype the NumPy type string as written in the file, e.g. {@code <f4}
 * @param shape the dimensions; empty for a scalar
 * @param data the elements, {@code count()} of them, as described above
 */
public record NpyArray(String dtype, int[] shape, Object data) {

    /**
     * Validates that the data type and length match the dtype and shape.
     *
     * @throws IllegalArgumentException if they do not
     */
    public NpyArray {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        shape = shape.clone();
        long count = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            count *= d;
        }
        Npy.Kind kind = Npy.Kind.of(dtype);
        if (kind == null) {
            throw new IllegalArgumentException("unsupported dtype " + dtype + "; " + Npy.SUPPORTED);
        }
        if (data.getClass() != kind.arrayClass) {
            throw new IllegalArgumentException("dtype " + dtype + " needs a " + kind.arrayClass.getSimpleName()
                    + ", got " + data.getClass().getSimpleName());
        }
        if (java.lang.reflect.Array.getLength(data) != count) {
            throw new IllegalArgumentException("data has " + java.lang.reflect.Array.getLength(data)
                    + " elements; shape " + Arrays.toString(shape) + " needs " + count);
        }
    }

    /** @return a copy of the shape */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** @return the number of elements, the product of the shape */
    public long count() {
        return java.lang.reflect.Array.getLength(data);
    }

    /** @return the number of dimensions */
    public int rank() {
        return shape.length;
    }

    /** @return true for the integer dtypes (signed or unsigned) */
    public boolean isInteger() {
        return !isFloatingPoint();
    }

    /** @return true for {@code f4} and {@code f8} */
    public boolean isFloatingPoint() {
        Npy.Kind k = Npy.Kind.of(dtype);
        return k == Npy.Kind.F4 || k == Npy.Kind.F8;
    }

    /**
     * Returns the elements as {@code int}s (unsigned types widened, floating point truncated toward zero).
     *
     * @return a new array
     * @throws ArithmeticException if an {@code i8}, {@code u4} or {@code u8} value does not fit in an {@code int}
     */
    public int[] asInts() {
        int n = (int) count();
        int[] out = new int[n];
        switch (Npy.Kind.of(dtype)) {
            case U1 -> {
                byte[] d = (byte[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = d[i] & 0xFF;
                }
            }
            case I1 -> {
                byte[] d = (byte[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = d[i];
                }
            }
            case U2 -> {
                short[] d = (short[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = d[i] & 0xFFFF;
                }
            }
            case I2 -> {
                short[] d = (short[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = d[i];
                }
            }
            case I4 -> System.arraycopy((int[]) data, 0, out, 0, n);
            case U4 -> {
                int[] d = (int[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = Math.toIntExact(Integer.toUnsignedLong(d[i]));
                }
            }
            case I8 -> {
                long[] d = (long[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = Math.toIntExact(d[i]);
                }
            }
            case U8 -> {
                long[] d = (long[]) data;
                for (int i = 0; i < n; i++) {
                    if (d[i] < 0) { // 2^63 or more
                        throw new ArithmeticException("u8 value " + Long.toUnsignedString(d[i]) + " overflows int");
                    }
                    out[i] = Math.toIntExact(d[i]);
                }
            }
            case F4 -> {
                float[] d = (float[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = (int) d[i];
                }
            }
            case F8 -> {
                double[] d = (double[]) data;
                for (int i = 0; i < n; i++) {
                    out[i] = (int) d[i];
                }
            }
            default -> throw new IllegalStateException(dtype);
        }
        return out;
    }

    /**
     * Returns the elements as {@code long}s (unsigned types widened, floating point truncated toward zero).
     *
     * @return a new array
     * @throws ArithmeticException if a {@code u8} value is {@code 2^63} or more
     */
    public long[] asLongs() {
        Npy.Kind kind = Npy.Kind.of(dtype);
        if (data instanceof long[] d) {
            if (kind == Npy.Kind.U8) {
                for (long v : d) {
                    if (v < 0) {
                        throw new ArithmeticException("u8 value " + Long.toUnsignedString(v) + " overflows long");
                    }
                }
            }
            return d.clone();
        }
        int n = (int) count();
        long[] out = new long[n];
        if (kind == Npy.Kind.U4) {
            int[] d = (int[]) data;
            for (int i = 0; i < n; i++) {
                out[i] = Integer.toUnsignedLong(d[i]);
            }
        } else if (isFloatingPoint()) {
            double[] d = asDoubles();
            for (int i = 0; i < n; i++) {
                out[i] = (long) d[i];
            }
        } else {
            int[] d = asInts();
            for (int i = 0; i < n; i++) {
                out[i] = d[i];
            }
        }
        return out;
    }

    /**
     * Returns the elements as {@code float}s (unsigned types widened first).
     *
     * @return a new array
     */
    public float[] asFloats() {
        if (data instanceof float[] d) {
            return d.clone();
        }
        int n = (int) count();
        float[] out = new float[n];
        if (data instanceof double[] d) {
            for (int i = 0; i < n; i++) {
                out[i] = (float) d[i];
            }
        } else if (data instanceof long[] d && Npy.Kind.of(dtype) == Npy.Kind.I8) {
            for (int i = 0; i < n; i++) {
                out[i] = d[i];
            }
        } else {
            double[] d = asDoubles(); // exact for every other integer type but u8, which it rounds once
            for (int i = 0; i < n; i++) {
                out[i] = (float) d[i];
            }
        }
        return out;
    }

    /**
     * Returns the elements as {@code double}s (unsigned types widened first).
     *
     * @return a new array
     */
    public double[] asDoubles() {
        if (data instanceof double[] d) {
            return d.clone();
        }
        int n = (int) count();
        double[] out = new double[n];
        Npy.Kind kind = Npy.Kind.of(dtype);
        if (data instanceof float[] d) {
            for (int i = 0; i < n; i++) {
                out[i] = d[i];
            }
        } else if (data instanceof long[] d) {
            for (int i = 0; i < n; i++) {
                // a u8 with the top bit set: its value is 2^64 + d[i]
                out[i] = kind == Npy.Kind.U8 && d[i] < 0 ? d[i] + 0x1p64 : d[i];
            }
        } else if (kind == Npy.Kind.U4) {
            int[] d = (int[]) data;
            for (int i = 0; i < n; i++) {
                out[i] = Integer.toUnsignedLong(d[i]);
            }
        } else {
            int[] d = asInts();
            for (int i = 0; i < n; i++) {
                out[i] = d[i];
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray a && dtype.equals(a.dtype) && Arrays.equals(shape, a.shape)
                && Arrays.deepEquals(new Object[] {data}, new Object[] {a.data});
    }

    @Override
    public int hashCode() {
        return Objects.hash(dtype, Arrays.hashCode(shape), Arrays.deepHashCode(new Object[] {data}));
    }

    @Override
    public String toString() {
        return "NpyArray[dtype=" + dtype + ", shape=" + Arrays.toString(shape) + "]";
    }
}
