package io.vqtok.autoencoders;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Layouts that turn code grids into sequences for an autoregressive prior, and back; the values are copied as they
 * are ({@link Vocabulary} maps codes to token ids).
 *
 * <ul>
 *   <li>Raster order for images: codes {@code [N][h][w]} become {@code [N][h·w]}, row by row from the top, left to
 *       right within a row (position {@code i·w + j} holds {@code (i, j)}); residual codes {@code [N][h][w][Q]}
 *       become {@code [N][h·w][Q]}, to which the stage patterns below apply.</li>
 *   <li>Residual stages, after MusicGen (Copet et al. 2023, "Simple and Controllable Music Generation"), for codes
 *       {@code [T][Q]} (T frames or positions, Q stages): <em>interleaved</em>, one sequence
 *       {@code t0q0, t0q1, …, t0q(Q−1), t1q0, …} of length T·Q (index {@code t·Q + q}); and the <em>delay</em>
 *       pattern, Q parallel streams {@code [T+Q−1][Q]} where stream q is shifted right by q steps: step s of stream q
 *       holds code {@code (s − q, q)} for {@code q ≤ s < T + q} and the padding value elsewhere.</li>
 * </ul>
 *
 * <p>Arrays are indexed {@code [first][second]…} in the order of the shapes above and must be rectangular; every
 * layout needs at least one frame (or one row and column). The {@link INDArray} overloads take the tokenizers'
 * integer codes ({@link ImageTokenizer#encode}: {@code [N, h, w]} or {@code [N, h, w, Q]}; {@link AudioTokenizer#encode}:
 * {@code [F, Q]}) and give INT32 arrays of the same layouts. Malformed input is an {@link IllegalArgumentException}.
 */
public final class TokenSequences {
    private TokenSequences() {
    }

    // ---------------------------------------------------------------- raster order

    /** One image's codes {@code [h][w]} in raster order {@code [h·w]}. */
    public static int[] raster(int[][] grid) {
        int[] hw = gridSize(grid, "grid");
        int h = hw[0], w = hw[1];
        int[] out = new int[Math.multiplyExact(h, w)];
        for (int i = 0; i < h; i++) System.arraycopy(grid[i], 0, out, i * w, w);
        return out;
    }

    /** Codes {@code [N][h][w]} in raster order {@code [N][h·w]}; every image must be h×w. */
    public static int[][] raster(int[][][] grids) {
        int[][] out = new int[grids.length][];
        int[] first = null;
        for (int n = 0; n < grids.length; n++) {
            int[] hw = gridSize(grids[n], "grids[" + n + "]");
            if (first == null) first = hw;
            else if (!Arrays.equals(hw, first))
                throw new IllegalArgumentException("grids[" + n + "] is " + hw[0] + "x" + hw[1] + ", grids[0] is " + first[0] + "x" + first[1]);
            out[n] = raster(grids[n]);
        }
        return out;
    }

    /** Residual codes {@code [N][h][w][Q]} in raster order {@code [N][h·w][Q]}; every image must be h×w×Q. */
    public static int[][][] raster(int[][][][] grids) {
        int[][][] out = new int[grids.length][][];
        int[] first = null;
        for (int n = 0; n < grids.length; n++) {
            String name = "grids[" + n + "]";
            int[] hw = gridSize(grids[n], name);
            int q = -1;
            int[][] seq = new int[Math.multiplyExact(hw[0], hw[1])][];
            for (int i = 0; i < hw[0]; i++)
                for (int j = 0; j < hw[1]; j++) {
                    int[] stages = grids[n][i][j];
                    if (stages == null || stages.length == 0)
                        throw new IllegalArgumentException(name + "[" + i + "][" + j + "] has no stages");
                    if (q < 0) q = stages.length;
                    else if (stages.length != q)
                        throw new IllegalArgumentException(name + "[" + i + "][" + j + "] has " + stages.length + " stages, "
                                + name + "[0][0] has " + q);
                    seq[i * hw[1] + j] = stages.clone();
                }
            int[] hwq = {hw[0], hw[1], q};
            if (first == null) first = hwq;
            else if (!Arrays.equals(hwq, first))
                throw new IllegalArgumentException(name + " is " + hwq[0] + "x" + hwq[1] + "x" + hwq[2] + ", grids[0] is "
                        + first[0] + "x" + first[1] + "x" + first[2]);
            out[n] = seq;
        }
        return out;
    }

    /** A raster-order sequence {@code [h·w]} as codes {@code [h][w]}. */
    public static int[][] unraster(int[] sequence, int h, int w) {
        checkGridSize(h, w);
        if (sequence.length != (long) h * w)
            throw new IllegalArgumentException("a sequence of length " + sequence.length + " is not a " + h + "x" + w + " grid (length " + (long) h * w + ")");
        int[][] out = new int[h][];
        for (int i = 0; i < h; i++) out[i] = Arrays.copyOfRange(sequence, i * w, i * w + w);
        return out;
    }

    /** Raster-order sequences {@code [N][h·w]} as codes {@code [N][h][w]}. */
    public static int[][][] unraster(int[][] sequences, int h, int w) {
        checkGridSize(h, w);
        int[][][] out = new int[sequences.length][][];
        for (int n = 0; n < sequences.length; n++) {
            if (sequences[n] == null || sequences[n].length != (long) h * w)
                throw new IllegalArgumentException("sequences[" + n + "] has length " + (sequences[n] == null ? 0 : sequences[n].length)
                        + ", expected " + h + "x" + w + " = " + (long) h * w);
            out[n] = unraster(sequences[n], h, w);
        }
        return out;
    }

    /** Raster-order residual sequences {@code [N][h·w][Q]} as codes {@code [N][h][w][Q]}. */
    public static int[][][][] unraster(int[][][] sequences, int h, int w) {
        checkGridSize(h, w);
        int[][][][] out = new int[sequences.length][][][];
        int q = -1;
        for (int n = 0; n < sequences.length; n++) {
            String name = "sequences[" + n + "]";
            int[][] seq = sequences[n];
            if (seq == null || seq.length != (long) h * w)
                throw new IllegalArgumentException(name + " has length " + (seq == null ? 0 : seq.length) + ", expected " + h + "x" + w + " = " + (long) h * w);
            int stages = frameWidth(seq, name);
            if (q < 0) q = stages;
            else if (stages != q) throw new IllegalArgumentException(name + " has " + stages + " stages, sequences[0] has " + q);
            int[][][] grid = new int[h][w][];
            for (int i = 0; i < h; i++)
                for (int j = 0; j < w; j++) grid[i][j] = seq[i * w + j].clone();
            out[n] = grid;
        }
        return out;
    }

    // ---------------------------------------------------------------- interleaved stages

    /** Codes {@code [T][Q]} as one sequence {@code [T·Q]}: index {@code t·Q + q} holds code {@code (t, q)}. */
    public static int[] interleave(int[][] codes) {
        int q = frameWidth(codes, "codes");
        int[] out = new int[Math.multiplyExact(codes.length, q)];
        for (int t = 0; t < codes.length; t++) System.arraycopy(codes[t], 0, out, t * q, q);
        return out;
    }

    /** Codes {@code [N][T][Q]} as sequences {@code [N][T·Q]}; every item must be T×Q. */
    public static int[][] interleave(int[][][] codes) {
        checkBatch(codes, "codes");
        int[][] out = new int[codes.length][];
        for (int n = 0; n < codes.length; n++) out[n] = interleave(codes[n]);
        return out;
    }

    /** An interleaved sequence {@code [T·Q]} as codes {@code [T][Q]}. */
    public static int[][] deinterleave(int[] sequence, int stages) {
        checkStages(stages);
        if (sequence.length == 0 || sequence.length % stages != 0)
            throw new IllegalArgumentException("an interleaved sequence of length " + sequence.length + " is not T x " + stages
                    + " stages with T >= 1");
        int[][] out = new int[sequence.length / stages][];
        for (int t = 0; t < out.length; t++) out[t] = Arrays.copyOfRange(sequence, t * stages, t * stages + stages);
        return out;
    }

    /** Interleaved sequences {@code [N][T·Q]} as codes {@code [N][T][Q]}; every sequence must have the same length. */
    public static int[][][] deinterleave(int[][] sequences, int stages) {
        int[][][] out = new int[sequences.length][][];
        for (int n = 0; n < sequences.length; n++) {
            int len = sequences[n] == null ? 0 : sequences[n].length, len0 = sequences[0] == null ? 0 : sequences[0].length;
            if (len != len0) throw new IllegalArgumentException("sequences[" + n + "] has length " + len + ", sequences[0] has " + len0);
            out[n] = deinterleave(sequences[n], stages);
        }
        return out;
    }

    // ---------------------------------------------------------------- delay pattern

    /** Steps of the delay pattern of T frames and Q stages: T + Q − 1. */
    public static int delayedSteps(int frames, int stages) {
        if (frames < 1) throw new IllegalArgumentException("frames must be >= 1, got " + frames);
        checkStages(stages);
        return Math.addExact(frames, stages - 1);
    }

    /**
     * The delay pattern {@code [T+Q−1][Q]} of codes {@code [T][Q]}: step s of stream q holds code {@code (s − q, q)} for
     * {@code q ≤ s < T + q}, and {@code pad} elsewhere. A code equal to {@code pad} would be lost, so it is refused.
     */
    public static int[][] delay(int[][] codes, int pad) {
        return delay(codes, pad, "codes");
    }

    private static int[][] delay(int[][] codes, int pad, String name) {
        int q = frameWidth(codes, name);
        int frames = codes.length;
        int[][] out = new int[delayedSteps(frames, q)][q];
        for (int[] row : out) Arrays.fill(row, pad);
        for (int t = 0; t < frames; t++)
            for (int k = 0; k < q; k++) {
                int v = codes[t][k];
                if (v == pad)
                    throw new IllegalArgumentException(name + "[" + t + "][" + k + "] is " + v + ", the padding value of the delay pattern");
                out[t + k][k] = v;
            }
        return out;
    }

    /** The delay patterns {@code [N][T+Q−1][Q]} of codes {@code [N][T][Q]}; every item must be T×Q. */
    public static int[][][] delay(int[][][] codes, int pad) {
        checkBatch(codes, "codes");
        int[][][] out = new int[codes.length][][];
        for (int n = 0; n < codes.length; n++) out[n] = delay(codes[n], pad, "codes[" + n + "]");
        return out;
    }

    /**
     * Codes {@code [T][Q]} of a delay pattern {@code [T+Q−1][Q]} (T ≥ 1): every position without a value must hold
     * {@code pad}, and every position with one must not.
     */
    public static int[][] undelay(int[][] delayed, int pad) {
        return undelay(delayed, 0, delayed.length, pad, "delayed");
    }

    /** Codes {@code [N][T][Q]} of delay patterns {@code [N][T+Q−1][Q]}; every item must have the same shape. */
    public static int[][][] undelay(int[][][] delayed, int pad) {
        checkBatch(delayed, "delayed");
        int[][][] out = new int[delayed.length][][];
        for (int n = 0; n < delayed.length; n++) out[n] = undelay(delayed[n], 0, delayed[n].length, pad, "delayed[" + n + "]");
        return out;
    }

    /**
     * Undelays rows {@code [from, from + steps)} of {@code rows}, naming positions as {@code name[s][q]} with s the index
     * in {@code rows}.
     */
    static int[][] undelay(int[][] rows, int from, int steps, int pad, String name) {
        int q = frameWidth(rows, name);
        if (steps < q)
            throw new IllegalArgumentException(name + " has " + steps + " steps, a delay pattern of " + q + " stages needs at least " + q);
        int frames = steps - q + 1;
        int[][] out = new int[frames][q];
        for (int s = 0; s < steps; s++)
            for (int k = 0; k < q; k++) {
                int v = rows[from + s][k], t = s - k;
                boolean value = t >= 0 && t < frames;
                if (value && v == pad)
                    throw new IllegalArgumentException(name + "[" + (from + s) + "][" + k + "] is the padding value " + pad
                            + " where stream " + k + " holds frame " + t);
                if (!value && v != pad)
                    throw new IllegalArgumentException(name + "[" + (from + s) + "][" + k + "] is " + v + ", expected the padding value "
                            + pad + " (stream " + k + " has no frame at step " + s + ")");
                if (value) out[t][k] = v;
            }
        return out;
    }

    // ---------------------------------------------------------------- INDArray overloads

    /** Image codes {@code [N, h, w]} or {@code [N, h, w, Q]} in raster order: INT32 {@code [N, h·w]} or {@code [N, h·w, Q]}. */
    public static INDArray raster(INDArray codes) {
        long[] s = codes.shape();
        if (s.length != 3 && s.length != 4)
            throw new IllegalArgumentException("image codes of shape " + Arrays.toString(s) + " are not [N, h, w] or [N, h, w, Q]");
        int[] v = ints(codes);
        return s.length == 3 ? array(v, s[0], s[1] * s[2]) : array(v, s[0], s[1] * s[2], s[3]);
    }

    /** Raster-order sequences {@code [N, h·w]} or {@code [N, h·w, Q]} as INT32 codes {@code [N, h, w]} or {@code [N, h, w, Q]}. */
    public static INDArray unraster(INDArray sequences, int h, int w) {
        checkGridSize(h, w);
        long[] s = sequences.shape();
        if ((s.length != 2 && s.length != 3) || s[1] != (long) h * w)
            throw new IllegalArgumentException("sequences of shape " + Arrays.toString(s) + " are not [N, " + (long) h * w
                    + "] or [N, " + (long) h * w + ", Q] (h = " + h + ", w = " + w + ")");
        int[] v = ints(sequences);
        return s.length == 2 ? array(v, s[0], h, w) : array(v, s[0], h, w, s[2]);
    }

    /** Codes {@code [T, Q]} or {@code [N, T, Q]} interleaved: INT32 {@code [T·Q]} or {@code [N, T·Q]}. */
    public static INDArray interleave(INDArray codes) {
        long[] s = checkFrames(codes);
        int[] v = ints(codes);
        return s.length == 2 ? array(v, s[0] * s[1]) : array(v, s[0], s[1] * s[2]);
    }

    /** Interleaved sequences {@code [T·Q]} or {@code [N, T·Q]} as INT32 codes {@code [T, Q]} or {@code [N, T, Q]}. */
    public static INDArray deinterleave(INDArray sequences, int stages) {
        checkStages(stages);
        long[] s = sequences.shape();
        if (s.length != 1 && s.length != 2)
            throw new IllegalArgumentException("interleaved sequences of shape " + Arrays.toString(s) + " are not [L] or [N, L]");
        long len = s[s.length - 1];
        if (len == 0 || len % stages != 0)
            throw new IllegalArgumentException("an interleaved sequence of length " + len + " is not T x " + stages + " stages with T >= 1");
        int[] v = ints(sequences);
        return s.length == 1 ? array(v, len / stages, stages) : array(v, s[0], len / stages, stages);
    }

    /** The delay pattern of codes {@code [T, Q]} or {@code [N, T, Q]}: INT32 {@code [T+Q−1, Q]} or {@code [N, T+Q−1, Q]}. */
    public static INDArray delay(INDArray codes, int pad) {
        long[] s = checkFrames(codes);
        int[][][] in = nest(ints(codes), s);
        int[][][] out = new int[in.length][][];
        for (int n = 0; n < in.length; n++) out[n] = delay(in[n], pad, s.length == 2 ? "codes" : "codes[" + n + "]");
        return unnest(out, s.length == 2, in[0][0].length);
    }

    /** Codes {@code [T, Q]} or {@code [N, T, Q]} of delay patterns {@code [T+Q−1, Q]} or {@code [N, T+Q−1, Q]}, as INT32. */
    public static INDArray undelay(INDArray delayed, int pad) {
        long[] s = checkFrames(delayed);
        int[][][] in = nest(ints(delayed), s);
        int[][][] out = new int[in.length][][];
        for (int n = 0; n < in.length; n++)
            out[n] = undelay(in[n], 0, in[n].length, pad, s.length == 2 ? "delayed" : "delayed[" + n + "]");
        return unnest(out, s.length == 2, in[0][0].length);
    }

    // ---------------------------------------------------------------- checks and conversions

    /** {h, w} of a rectangular grid with at least one row and column. */
    private static int[] gridSize(int[][] grid, String name) {
        if (grid == null || grid.length == 0) throw new IllegalArgumentException(name + " has no rows");
        int w = frameWidth(grid, name, "columns");
        return new int[]{grid.length, w};
    }

    /** {h, w} of a rectangular grid of stage vectors [h][w][Q] with at least one row and column (Q not checked). */
    private static int[] gridSize(int[][][] grid, String name) {
        if (grid == null || grid.length == 0) throw new IllegalArgumentException(name + " has no rows");
        int w = grid[0] == null ? 0 : grid[0].length;
        if (w == 0) throw new IllegalArgumentException(name + "[0] has no columns");
        for (int i = 1; i < grid.length; i++)
            if (grid[i] == null || grid[i].length != w)
                throw new IllegalArgumentException(name + "[" + i + "] has " + (grid[i] == null ? 0 : grid[i].length) + " columns, "
                        + name + "[0] has " + w);
        return new int[]{grid.length, w};
    }

    /** The common length Q >= 1 of the rows of a non-empty [T][Q] array. */
    private static int frameWidth(int[][] rows, String name) {
        if (rows == null || rows.length == 0) throw new IllegalArgumentException(name + " has no frames (T must be >= 1)");
        return frameWidth(rows, name, "stages");
    }

    private static int frameWidth(int[][] rows, String name, String what) {
        int q = rows[0] == null ? 0 : rows[0].length;
        if (q == 0) throw new IllegalArgumentException(name + "[0] has no " + what);
        for (int t = 1; t < rows.length; t++)
            if (rows[t] == null || rows[t].length != q)
                throw new IllegalArgumentException(name + "[" + t + "] has " + (rows[t] == null ? 0 : rows[t].length) + " " + what + ", "
                        + name + "[0] has " + q);
        return q;
    }

    /** Every item of a batch [N][T][Q] has the shape of the first. */
    private static void checkBatch(int[][][] items, String name) {
        if (items.length == 0) return;
        int q0 = frameWidth(items[0], name + "[0]");
        int t0 = items[0].length;
        for (int n = 1; n < items.length; n++) {
            int q = frameWidth(items[n], name + "[" + n + "]");
            if (items[n].length != t0 || q != q0)
                throw new IllegalArgumentException(name + "[" + n + "] is " + items[n].length + "x" + q + ", " + name + "[0] is " + t0 + "x" + q0);
        }
    }

    private static void checkStages(int stages) {
        if (stages < 1) throw new IllegalArgumentException("stages must be >= 1, got " + stages);
    }

    private static void checkGridSize(int h, int w) {
        if (h < 1 || w < 1) throw new IllegalArgumentException("grid size must be at least 1x1, got " + h + "x" + w);
    }

    /** The shape of frames [T, Q] or [N, T, Q] with T, Q >= 1. */
    private static long[] checkFrames(INDArray a) {
        long[] s = a.shape();
        if ((s.length != 2 && s.length != 3) || s[s.length - 1] < 1 || s[s.length - 2] < 1 || s[0] < 1)
            throw new IllegalArgumentException("codes of shape " + Arrays.toString(s) + " are not [T, Q] or [N, T, Q] with N, T, Q >= 1");
        return s;
    }

    /** The values of an integer array in C order; each must fit an int. */
    private static int[] ints(INDArray a) {
        if (!a.dataType().isIntType())
            throw new IllegalArgumentException("codes must be an integer array (the tokenizers give INT32), got " + a.dataType());
        if (a.length() > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("an array of " + a.length() + " codes is too long");
        if (a.length() == 0) return new int[0];
        if (a.dataType() == DataType.INT32) return a.dup('c').data().asInt();
        long[] v = a.castTo(DataType.INT64).dup('c').data().asLong();
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] != (int) v[i]) throw new IllegalArgumentException("code at flat index " + i + " is " + v[i] + ", outside the int range");
            out[i] = (int) v[i];
        }
        return out;
    }

    private static INDArray array(int[] values, long... shape) {
        if (values.length == 0) return Nd4j.create(DataType.INT32, shape);
        return Nd4j.createFromArray(values).reshape('c', shape);
    }

    /** C-order values of shape [T, Q] or [N, T, Q] as [N][T][Q] (N = 1 for [T, Q]). */
    private static int[][][] nest(int[] v, long[] s) {
        int n = s.length == 2 ? 1 : (int) s[0], t = (int) s[s.length - 2], q = (int) s[s.length - 1];
        int[][][] out = new int[n][t][];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < t; j++) out[i][j] = Arrays.copyOfRange(v, (i * t + j) * q, (i * t + j) * q + q);
        return out;
    }

    /** [N][T][Q] as INT32 [T, Q] (single, N = 1) or [N, T, Q]. */
    private static INDArray unnest(int[][][] a, boolean single, int q) {
        int t = a[0].length;
        int[] v = new int[Math.multiplyExact(Math.multiplyExact(a.length, t), q)];
        for (int i = 0; i < a.length; i++)
            for (int j = 0; j < t; j++) System.arraycopy(a[i][j], 0, v, (i * t + j) * q, q);
        return single ? array(v, t, q) : array(v, a.length, t, q);
    }
}
