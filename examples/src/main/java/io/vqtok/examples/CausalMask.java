package io.vqtok.examples;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The masks of a PixelCNN's masked convolutions over a grid read in raster order (row by row, left to right).
 *
 * <p>A kernel tap at offset {@code (dy, dx)} from the centre reads the grid position {@code dy} rows and {@code dx}
 * columns away, which lies {@code dy * w + dx} places away in raster order (for any grid width {@code w} larger than
 * the kernel's half-width). Type {@link Type#A} keeps the taps strictly before the centre ({@code dy < 0}, or
 * {@code dy == 0} and {@code dx < 0}); type {@link Type#B} also keeps the centre. A first layer of type A followed by
 * layers of type B (and position-wise 1x1 convolutions) therefore computes the output at raster position {@code p}
 * from the codes at positions {@code < p} only: the condition for the model's probabilities to multiply into a valid
 * likelihood.
 */
public final class CausalMask {
    private CausalMask() {
    }

    /** Whether a masked kernel may see its own centre. */
    public enum Type {
        /** Strictly earlier positions only: the first layer, which reads the codes themselves. */
        A,
        /** Earlier positions and the centre: later layers, whose centre already holds only earlier information. */
        B
    }

    /**
     * Whether the tap at offset {@code (dy, dx)} from the kernel centre is kept.
     *
     * @param dy row offset, negative above the centre
     * @param dx column offset, negative left of the centre
     * @param type the mask type
     * @return true if the tap reads a raster position before the centre (or the centre itself, for type B)
     */
    public static boolean visible(int dy, int dx, Type type) {
        if (dy != 0) return dy < 0;
        return type == Type.A ? dx < 0 : dx <= 0;
    }

    /**
     * The mask of one {@code size x size} kernel, 1 where a tap is kept and 0 elsewhere.
     *
     * @param size odd kernel size, at least 1
     * @param type the mask type
     * @return {@code [size][size]}, indexed {@code [ky][kx]}
     * @throws IllegalArgumentException if {@code size} is not a positive odd number
     */
    public static float[][] kernel(int size, Type type) {
        if (size < 1 || size % 2 == 0) throw new IllegalArgumentException("kernel size must be a positive odd number, got " + size);
        int c = size / 2;
        float[][] m = new float[size][size];
        for (int ky = 0; ky < size; ky++)
            for (int kx = 0; kx < size; kx++)
                m[ky][kx] = visible(ky - c, kx - c, type) ? 1f : 0f;
        return m;
    }

    /**
     * The mask for a conv2d weight array of layout {@code [kH, kW, in, out]}, the same for every channel pair.
     *
     * @param size odd kernel size
     * @param in input channels, at least 1
     * @param out output channels, at least 1
     * @param type the mask type
     * @return float {@code [size, size, in, out]} of zeros and ones
     */
    public static INDArray weights(int size, int in, int out, Type type) {
        if (in < 1 || out < 1) throw new IllegalArgumentException("channel counts must be at least 1, got in=" + in + ", out=" + out);
        float[][] k = kernel(size, type);
        float[] data = new float[size * size * in * out];
        int i = 0;
        for (int ky = 0; ky < size; ky++)
            for (int kx = 0; kx < size; kx++)
                for (int a = 0; a < in; a++)
                    for (int b = 0; b < out; b++)
                        data[i++] = k[ky][kx];
        return Nd4j.create(data, new long[]{size, size, in, out}, DataType.FLOAT);
    }
}
