package io.vqtok.autoencoders;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Raster order, interleaved stages and the delay pattern: written-out examples, definitions over grids of sizes, round trips, errors. */
class TokenSequencesTest {
    private static final int P = -1;

    static int[][] randomCodes(Random r, int frames, int stages, int k) {
        int[][] c = new int[frames][stages];
        for (int[] row : c) for (int q = 0; q < stages; q++) row[q] = r.nextInt(k);
        return c;
    }

    // ---------------------------------------------------------------- raster

    @Test
    void rasterReadsRowsTopToBottomLeftToRight() {
        int[][] grid = {{1, 2, 3}, {4, 5, 6}};
        assertThat(TokenSequences.raster(grid)).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(TokenSequences.unraster(new int[]{1, 2, 3, 4, 5, 6}, 2, 3)).isDeepEqualTo(grid);
        assertThat(TokenSequences.unraster(new int[]{1, 2, 3, 4, 5, 6}, 3, 2)).isDeepEqualTo(new int[][]{{1, 2}, {3, 4}, {5, 6}});

        int[][][][] stages = {{{{1, 10}, {2, 20}}, {{3, 30}, {4, 40}}}};           // [1][2][2][2]
        assertThat(TokenSequences.raster(stages)).isDeepEqualTo(new int[][][]{{{1, 10}, {2, 20}, {3, 30}, {4, 40}}});
    }

    @Test
    void rasterPositionIJHoldsCodeIJOverAGridOfSizes() {
        Random r = new Random(1);
        for (int n = 1; n <= 3; n++)
            for (int h = 1; h <= 5; h++)
                for (int w = 1; w <= 5; w++) {
                    int[][][] grids = new int[n][h][w];
                    for (int[][] g : grids) for (int[] row : g) for (int j = 0; j < w; j++) row[j] = r.nextInt(1000);
                    int[][] seqs = TokenSequences.raster(grids);
                    assertThat(seqs.length).isEqualTo(n);
                    for (int b = 0; b < n; b++) {
                        assertThat(seqs[b]).hasSize(h * w);
                        for (int i = 0; i < h; i++)
                            for (int j = 0; j < w; j++) assertThat(seqs[b][i * w + j]).isEqualTo(grids[b][i][j]);
                    }
                    assertThat(TokenSequences.unraster(seqs, h, w)).isDeepEqualTo(grids);

                    for (int q = 1; q <= 3; q++) {
                        int[][][][] res = new int[n][h][w][q];
                        for (int[][][] g : res) for (int[][] row : g) for (int[] cell : row) for (int k = 0; k < q; k++) cell[k] = r.nextInt(1000);
                        int[][][] rs = TokenSequences.raster(res);
                        for (int b = 0; b < n; b++)
                            for (int i = 0; i < h; i++)
                                for (int j = 0; j < w; j++) assertThat(rs[b][i * w + j]).containsExactly(res[b][i][j]);
                        assertThat(TokenSequences.unraster(rs, h, w)).isDeepEqualTo(res);
                    }
                }
    }

    @Test
    void rasterRefusesRaggedGridsAndWrongLengths() {
        assertThatThrownBy(() -> TokenSequences.raster(new int[][]{{1, 2}, {3}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("grid[1] has 1 columns, grid[0] has 2");
        assertThatThrownBy(() -> TokenSequences.raster(new int[0][]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("grid has no rows");
        assertThatThrownBy(() -> TokenSequences.raster(new int[][][]{{{1, 2}}, {{1}, {2}}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("grids[1] is 2x1, grids[0] is 1x2");
        assertThatThrownBy(() -> TokenSequences.raster(new int[][][][]{{{{1, 2}, {3}}}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("grids[0][0][1] has 1 stages, grids[0][0][0] has 2");
        assertThatThrownBy(() -> TokenSequences.raster(new int[][][][]{{{{1, 2}}}, {{{1, 2, 3}}}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("grids[1] is 1x1x3, grids[0] is 1x1x2");
        assertThatThrownBy(() -> TokenSequences.unraster(new int[5], 2, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a sequence of length 5 is not a 2x3 grid (length 6)");
        assertThatThrownBy(() -> TokenSequences.unraster(new int[][]{new int[6], new int[4]}, 2, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("sequences[1] has length 4, expected 2x3 = 6");
        assertThatThrownBy(() -> TokenSequences.unraster(new int[0], 0, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("grid size must be at least 1x1, got 0x3");
        assertThatThrownBy(() -> TokenSequences.unraster(new int[][][]{{{1, 2}, {3, 4}}, {{1}, {2}}}, 1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("sequences[1] has 1 stages, sequences[0] has 2");
    }

    // ---------------------------------------------------------------- interleaved

    @Test
    void interleaveWritesEachFramesStagesInTurn() {
        // T = 3, Q = 2: code (t, q) = 10·(q + 1) + t
        int[][] codes = {{10, 20}, {11, 21}, {12, 22}};
        assertThat(TokenSequences.interleave(codes)).containsExactly(10, 20, 11, 21, 12, 22);
        assertThat(TokenSequences.deinterleave(new int[]{10, 20, 11, 21, 12, 22}, 2)).isDeepEqualTo(codes);
        assertThat(TokenSequences.deinterleave(new int[]{10, 20, 11, 21, 12, 22}, 3)).isDeepEqualTo(new int[][]{{10, 20, 11}, {21, 12, 22}});
    }

    @Test
    void interleavedIndexTQHoldsCodeTQOverAGridOfSizes() {
        Random r = new Random(2);
        for (int n = 1; n <= 2; n++)
            for (int t = 1; t <= 6; t++)
                for (int q = 1; q <= 4; q++) {
                    int[][][] codes = new int[n][][];
                    for (int b = 0; b < n; b++) codes[b] = randomCodes(r, t, q, 1024);
                    int[][] seqs = TokenSequences.interleave(codes);
                    for (int b = 0; b < n; b++) {
                        assertThat(seqs[b]).hasSize(t * q);
                        for (int i = 0; i < t; i++)
                            for (int k = 0; k < q; k++) assertThat(seqs[b][i * q + k]).isEqualTo(codes[b][i][k]);
                    }
                    assertThat(TokenSequences.deinterleave(seqs, q)).isDeepEqualTo(codes);
                }
    }

    @Test
    void interleaveRefusesRaggedFramesAndWrongLengths() {
        assertThatThrownBy(() -> TokenSequences.interleave(new int[][]{{1, 2}, {3}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("codes[1] has 1 stages, codes[0] has 2");
        assertThatThrownBy(() -> TokenSequences.interleave(new int[0][]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("codes has no frames (T must be >= 1)");
        assertThatThrownBy(() -> TokenSequences.interleave(new int[][][]{{{1, 2}}, {{1, 2}, {3, 4}}}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("codes[1] is 2x2, codes[0] is 1x2");
        assertThatThrownBy(() -> TokenSequences.deinterleave(new int[5], 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("an interleaved sequence of length 5 is not T x 2 stages with T >= 1");
        assertThatThrownBy(() -> TokenSequences.deinterleave(new int[0], 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("an interleaved sequence of length 0 is not T x 2 stages with T >= 1");
        assertThatThrownBy(() -> TokenSequences.deinterleave(new int[4], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("stages must be >= 1, got 0");
        assertThatThrownBy(() -> TokenSequences.deinterleave(new int[][]{new int[4], new int[6]}, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("sequences[1] has length 6, sequences[0] has 4");
    }

    // ---------------------------------------------------------------- delay

    @Test
    void delayPatternOfThreeFramesAndTwoStages() {
        // code (t, q) = 10·(q + 1) + t: stream 0 is 10, 11, 12; stream 1 is 20, 21, 22, one step later
        int[][] codes = {{10, 20}, {11, 21}, {12, 22}};
        int[][] d = TokenSequences.delay(codes, P);
        assertThat(d.length).isEqualTo(4);
        assertThat(d[0]).containsExactly(10, P);
        assertThat(d[1]).containsExactly(11, 20);
        assertThat(d[2]).containsExactly(12, 21);
        assertThat(d[3]).containsExactly(P, 22);
        assertThat(TokenSequences.undelay(d, P)).isDeepEqualTo(codes);
    }

    @Test
    void delayPatternOfTwoFramesAndThreeStages() {
        int[][] codes = {{10, 20, 30}, {11, 21, 31}};
        assertThat(TokenSequences.delay(codes, 99)).isDeepEqualTo(new int[][]{
                {10, 99, 99},
                {11, 20, 99},
                {99, 21, 30},
                {99, 99, 31}});
        // one stage: no delay, no padding
        assertThat(TokenSequences.delay(new int[][]{{4}, {5}}, 99)).isDeepEqualTo(new int[][]{{4}, {5}});
        assertThat(TokenSequences.delayedSteps(2, 3)).isEqualTo(4);
    }

    @Test
    void streamQAtStepSHoldsCodeSMinusQOverAGridOfSizes() {
        Random r = new Random(3);
        for (int n = 1; n <= 2; n++)
            for (int t = 1; t <= 6; t++)
                for (int q = 1; q <= 4; q++) {
                    int[][][] codes = new int[n][][];
                    for (int b = 0; b < n; b++) codes[b] = randomCodes(r, t, q, 5);
                    int[][][] d = TokenSequences.delay(codes, P);
                    for (int b = 0; b < n; b++) {
                        assertThat(d[b].length).isEqualTo(t + q - 1);
                        for (int s = 0; s < t + q - 1; s++) {
                            assertThat(d[b][s]).hasSize(q);
                            for (int k = 0; k < q; k++)
                                assertThat(d[b][s][k]).as("n=%d t=%d q=%d [%d][%d]", b, t, q, s, k)
                                        .isEqualTo(k <= s && s < t + k ? codes[b][s - k][k] : P);
                        }
                    }
                    assertThat(TokenSequences.undelay(d, P)).isDeepEqualTo(codes);
                }
    }

    @Test
    void undelayChecksThePaddingPositions() {
        int[][] d = {{10, P}, {11, 20}, {12, 21}, {P, 22}};
        int[][] valueInPadding = {{10, 7}, {11, 20}, {12, 21}, {P, 22}};
        assertThatThrownBy(() -> TokenSequences.undelay(valueInPadding, P))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("delayed[0][1] is 7, expected the padding value -1 (stream 1 has no frame at step 0)");
        int[][] padInValue = {{10, P}, {11, 20}, {P, 21}, {P, 22}};
        assertThatThrownBy(() -> TokenSequences.undelay(padInValue, P))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("delayed[2][0] is the padding value -1 where stream 0 holds frame 2");
        assertThatThrownBy(() -> TokenSequences.undelay(new int[][]{{10, P, P}, {P, 20, P}}, P))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("delayed has 2 steps, a delay pattern of 3 stages needs at least 3");
        assertThatThrownBy(() -> TokenSequences.undelay(new int[][]{{10, P}, {11}}, P))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("delayed[1] has 1 stages, delayed[0] has 2");
        assertThatThrownBy(() -> TokenSequences.undelay(new int[][][]{d, {{10, P}, {11, 20}, {12, 21}, {P, P}}}, P))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("delayed[1][3][1] is the padding value -1 where stream 1 holds frame 2");
        assertThatThrownBy(() -> TokenSequences.delay(new int[][]{{1, 2}, {3, P}}, P))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("codes[1][1] is -1, the padding value of the delay pattern");
        assertThatThrownBy(() -> TokenSequences.delay(new int[][][]{{{1, 2}}, {{P, 2}}}, P))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("codes[1][0][0] is -1, the padding value of the delay pattern");
        assertThatThrownBy(() -> TokenSequences.delayedSteps(0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("frames must be >= 1, got 0");
    }

    // ---------------------------------------------------------------- INDArray overloads

    private static INDArray ints(int[] v, long... shape) {
        return Nd4j.createFromArray(v).reshape('c', shape);
    }

    @Test
    void indArrayOverloadsGiveTheLayoutsOfTheIntArrayOnes() {
        Random r = new Random(4);
        int n = 2, h = 3, w = 4, q = 3, t = 5;
        int[] flat = new int[n * h * w * q];
        for (int i = 0; i < flat.length; i++) flat[i] = r.nextInt(1024);

        // [N, h, w]: a raster sequence per image
        int[][][] grids = new int[n][h][w];
        for (int b = 0; b < n; b++) for (int i = 0; i < h; i++) for (int j = 0; j < w; j++) grids[b][i][j] = flat[(b * h + i) * w + j];
        INDArray codes3 = ints(java.util.Arrays.copyOf(flat, n * h * w), n, h, w);
        INDArray seq = TokenSequences.raster(codes3);
        assertThat(seq.dataType()).isEqualTo(DataType.INT32);
        assertThat(seq.shape()).containsExactly(n, h * w);
        assertThat(seq.toIntMatrix()).isDeepEqualTo(TokenSequences.raster(grids));
        assertThat(TokenSequences.unraster(seq, h, w).equals(codes3)).isTrue();

        // [N, h, w, Q]: [N, h·w, Q]
        INDArray codes4 = ints(flat, n, h, w, q);
        INDArray seq4 = TokenSequences.raster(codes4);
        assertThat(seq4.shape()).containsExactly(n, h * w, q);
        for (int b = 0; b < n; b++)
            for (int i = 0; i < h; i++)
                for (int j = 0; j < w; j++)
                    for (int k = 0; k < q; k++) assertThat(seq4.getInt(b, i * w + j, k)).isEqualTo(codes4.getInt(b, i, j, k));
        assertThat(TokenSequences.unraster(seq4, h, w).equals(codes4)).isTrue();

        // [T, Q] and [N, T, Q]: interleaved and delayed like the int arrays
        int[][] frames = randomCodes(r, t, q, 1024);
        INDArray a = Nd4j.createFromArray(frames);
        assertThat(TokenSequences.interleave(a).toIntVector()).containsExactly(TokenSequences.interleave(frames));
        assertThat(TokenSequences.deinterleave(TokenSequences.interleave(a), q).toIntMatrix()).isDeepEqualTo(frames);
        INDArray delayed = TokenSequences.delay(a, P);
        assertThat(delayed.dataType()).isEqualTo(DataType.INT32);
        assertThat(delayed.toIntMatrix()).isDeepEqualTo(TokenSequences.delay(frames, P));
        assertThat(TokenSequences.undelay(delayed, P).toIntMatrix()).isDeepEqualTo(frames);

        int[][][] batch = {randomCodes(r, t, q, 1024), randomCodes(r, t, q, 1024)};
        INDArray ab = Nd4j.createFromArray(batch);
        INDArray db = TokenSequences.delay(ab, P);
        assertThat(db.shape()).containsExactly(2, t + q - 1, q);
        for (int b = 0; b < 2; b++) {
            int[][] expected = TokenSequences.delay(batch[b], P);
            for (int s = 0; s < t + q - 1; s++) for (int k = 0; k < q; k++) assertThat(db.getInt(b, s, k)).isEqualTo(expected[s][k]);
        }
        assertThat(TokenSequences.undelay(db, P).equals(ab)).isTrue();
        INDArray ib = TokenSequences.interleave(ab);
        assertThat(ib.toIntMatrix()).isDeepEqualTo(TokenSequences.interleave(batch));
        assertThat(TokenSequences.deinterleave(ib, q).equals(ab)).isTrue();

        // INT64 codes are taken too
        assertThat(TokenSequences.interleave(a.castTo(DataType.INT64)).toIntVector()).containsExactly(TokenSequences.interleave(frames));
    }

    @Test
    void indArrayOverloadsRefuseFloatsAndWrongShapes() {
        assertThatThrownBy(() -> TokenSequences.raster(Nd4j.zeros(DataType.FLOAT, 1, 2, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("codes must be an integer array (the tokenizers give INT32), got FLOAT");
        assertThatThrownBy(() -> TokenSequences.raster(Nd4j.zeros(DataType.INT32, 2, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("image codes of shape [2, 2] are not [N, h, w] or [N, h, w, Q]");
        assertThatThrownBy(() -> TokenSequences.unraster(Nd4j.zeros(DataType.INT32, 2, 5), 2, 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("sequences of shape [2, 5] are not [N, 6] or [N, 6, Q] (h = 2, w = 3)");
        assertThatThrownBy(() -> TokenSequences.delay(Nd4j.zeros(DataType.INT32, 4), P))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("codes of shape [4] are not [T, Q] or [N, T, Q] with N, T, Q >= 1");
        assertThatThrownBy(() -> TokenSequences.deinterleave(Nd4j.zeros(DataType.INT32, 5), 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("an interleaved sequence of length 5 is not T x 2 stages with T >= 1");
        assertThatThrownBy(() -> TokenSequences.undelay(Nd4j.createFromArray(new int[][]{{1, 2}, {3, 4}}), P))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("delayed[0][1] is 2, expected the padding value -1 (stream 1 has no frame at step 0)");
        assertThatThrownBy(() -> TokenSequences.interleave(Nd4j.createFromArray(new long[][]{{1, 1L << 40}})))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("code at flat index 1 is 1099511627776, outside the int range");
    }
}
