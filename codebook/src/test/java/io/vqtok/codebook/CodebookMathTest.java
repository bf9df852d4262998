package io.vqtok.codebook;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CodebookMathTest {

    @Test
    void distancesMatchBruteForceAndChunkedNearestAgrees() {
        INDArray z = Nd4j.randn(DataType.FLOAT, 40, 3);
        INDArray e = Nd4j.randn(DataType.FLOAT, 7, 3);
        INDArray d = Distances.squared(z, e);
        int[] nearest = Distances.nearest(z, e).toIntVector();
        for (int i = 0; i < 40; i++) {
            int best = -1;
            double bestD = Double.MAX_VALUE;
            for (int k = 0; k < 7; k++) {
                double s = z.getRow(i).squaredDistance(e.getRow(k));
                assertThat(d.getDouble(i, k)).isCloseTo(s, within(1e-4));
                if (s < bestD) {
                    bestD = s;
                    best = k;
                }
            }
            assertThat(nearest[i]).isEqualTo(best);
        }
        // large N·K takes the chunked path and must agree with row-by-row search
        INDArray big = Nd4j.randn(DataType.FLOAT, 20000, 3);
        INDArray manyCodes = Nd4j.randn(DataType.FLOAT, 1000, 3);
        int[] chunked = Distances.nearest(big, manyCodes).toIntVector();
        for (int i = 0; i < 20000; i += 997) {
            assertThat(chunked[i]).isEqualTo(Distances.nearest(big.getRow(i).reshape(1, 3), manyCodes).getInt(0));
        }
    }

    @Test
    void assignmentsCountAndSum() {
        INDArray z = Nd4j.createFromArray(new float[][]{{1, 2}, {3, 4}, {5, 6}});
        Assignments a = Assignments.of(z, new int[]{2, 0, 2}, 3);
        assertThat(a.counts().toDoubleVector()).containsExactly(1, 0, 2);
        assertThat(a.sums().toDoubleMatrix()[2]).containsExactly(6, 8);
        assertThat(a.sums().toDoubleMatrix()[0]).containsExactly(3, 4);
    }

    @Test
    void assignmentsCountAndSumForEmptySingleRowAndLargerBatches() {
        java.util.Random r = new java.util.Random(3);
        for (int n : new int[]{0, 1, 2, 257}) {
            INDArray z = Nd4j.rand(DataType.FLOAT, n, 5);
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) idx[i] = r.nextInt(7);
            Assignments a = Assignments.of(z, idx, 7);
            assertThat(a.sums().shape()).containsExactly(7, 5);
            assertThat(a.counts().length()).isEqualTo(7);
            // expected sums by a plain loop over the rows, independent of the one-hot product under test
            double[][] expected = new double[7][5];
            for (int i = 0; i < n; i++)
                for (int j = 0; j < 5; j++) expected[idx[i]][j] += z.getDouble(i, j);
            for (int k = 0; k < 7; k++)
                for (int j = 0; j < 5; j++)
                    assertThat(a.sums().getDouble(k, j)).as("sum[%d][%d] for N=%d", k, j, n).isCloseTo(expected[k][j], within(1e-4));
            double[] counts = a.counts().toDoubleVector();
            for (int k = 0; k < 7; k++) {
                int c = 0;
                for (int i : idx) if (i == k) c++;
                assertThat(counts[k]).isEqualTo(c);
            }
        }
        assertThatThrownBy(() -> Assignments.of(Nd4j.zeros(DataType.FLOAT, 1, 2), new int[]{7}, 7))
                .hasMessageContaining("out of range");
    }

    @Test
    void dataInitSamplesDistinctRowsAndKmeansLowersDistortion() {
        INDArray z = Nd4j.randn(DataType.FLOAT, 500, 2);
        INDArray sampled = CodebookInit.DATA.fromData(z, 16, 1, 0);
        Set<String> rows = new HashSet<>();
        for (int k = 0; k < 16; k++) rows.add(sampled.getRow(k).toString());
        assertThat(rows).hasSize(16);
        INDArray km = CodebookInit.KMEANS.fromData(z, 16, 1, 10);
        assertThat(distortion(z, km)).isLessThan(distortion(z, sampled));
        // same seed, same codebook
        assertThat(CodebookInit.NORMAL.initial(8, 4, 3)).isEqualTo(CodebookInit.NORMAL.initial(8, 4, 3));
        assertThat(CodebookInit.UNIFORM.initial(8, 4, 3).amaxNumber().doubleValue()).isLessThanOrEqualTo(1.0 / 8);
    }

    private static double distortion(INDArray z, INDArray codes) {
        INDArray d = Distances.squared(z, codes);
        return d.min(1).sumNumber().doubleValue();
    }

    @Test
    void reseederReplacesOnlyDeadCodesAndResetsTheirUsage() {
        DeadCodeReseeder r = new DeadCodeReseeder(new ReseedConfig(0.1, 0.5, 1), 3);
        INDArray codebook = Nd4j.zeros(DataType.FLOAT, 4, 2);
        INDArray usage = Nd4j.createFromArray(2f, 2f, 2f, 0f);
        INDArray z = Nd4j.createFromArray(new float[][]{{1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 5}, {6, 6}, {7, 7}, {8, 8}});
        int[] dead = r.step(1, codebook, usage, z, new int[]{0, 1, 2, 0, 1, 2, 0, 1});
        // usage after EMA: code 3 = 0.5·0 + 0.5·0 = 0 < 0.1 · 8/4
        assertThat(dead).containsExactly(3);
        assertThat(codebook.getRow(3).getDouble(0)).isGreaterThan(0);
        assertThat(codebook.getRow(0).sumNumber().doubleValue()).isZero();
        assertThat(usage.getDouble(3)).isCloseTo(2.0, within(1e-6));
        assertThat(r.totalReseeded()).isEqualTo(1);
    }

    @Test
    void emaStateResetKeepsVectorThroughAnIdleStep() {
        INDArray cb = Nd4j.createFromArray(new float[][]{{0, 0}, {1, 1}});
        EmaCodebookState s = EmaCodebookState.initial(cb, 0.9, 1e-5);
        s.reset(1, Nd4j.createFromArray(5f, -5f), 3.0);
        s.update(Assignments.of(Nd4j.createFromArray(new float[][]{{0.1f, 0}}), new int[]{0}, 2));
        assertThat(s.codebook().getRow(1).toDoubleVector()).containsExactly(new double[]{5, -5}, within(1e-3));
    }
}
