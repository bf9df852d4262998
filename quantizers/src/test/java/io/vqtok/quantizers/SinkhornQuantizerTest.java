package io.vqtok.quantizers;

import io.vqtok.codebook.CodebookInit;
import io.vqtok.codebook.Distances;
import io.vqtok.codebook.SinkhornAssignment;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SinkhornQuantizerTest {

    @Test
    void planMarginalsConvergeToUniform() {
        Nd4j.getRandom().setSeed(3);
        INDArray z = Nd4j.randn(DataType.FLOAT, 60, 4);
        INDArray e = Nd4j.randn(DataType.FLOAT, 12, 4);
        INDArray d = Distances.squared(z, e);
        double previous = Double.MAX_VALUE;
        for (int iters : new int[]{1, 3, 10, 50}) {
            INDArray q = new SinkhornAssignment(2.0, iters).plan(d);
            // after the last (row) scaling, rows sum to exactly 1/N; the columns approach 1/K
            INDArray rows = q.sum(1), cols = q.sum(0);
            assertThat(rows.sub(1.0 / 60).amaxNumber().doubleValue()).isLessThan(1e-5);
            double colError = cols.sub(1.0 / 12).amaxNumber().doubleValue();
            assertThat(colError).as("column marginal error after " + iters + " iterations").isLessThanOrEqualTo(previous + 1e-9);
            previous = colError;
        }
        assertThat(previous).isLessThan(1e-4);
    }

    @Test
    void costIsTheEuclideanDistanceNormalisedOverTheWholeMatrix() {
        // squared distances of 2 vectors to 3 codes; by hand (numpy, float64): cost = sqrt → [[1,2,3],[4,0,5]],
        // (A − 2.5)/1.7078 minus its min, Q = exp(−0.5·A), one column scaling (to 1/3) then one row scaling (to 1/2)
        INDArray squared = Nd4j.createFromArray(new float[][]{{1, 4, 9}, {16, 0, 25}});
        INDArray q = new SinkhornAssignment(0.5, 1).plan(squared);
        double[][] expected = {{0.2069978, 0.1047948, 0.1882074}, {0.1134603, 0.2482904, 0.1382493}};
        // (with the squared distance as cost the first row would be 0.1885, 0.1198, 0.1917)
        for (int i = 0; i < 2; i++)
            for (int k = 0; k < 3; k++) assertThat(q.getDouble(i, k)).isCloseTo(expected[i][k], within(1e-5));
    }

    @Test
    void trainingAssignmentIsTheArgmaxOfThePlanAndSpreadsOverCodes() {
        Nd4j.getRandom().setSeed(4);
        SinkhornQuantizer q = (SinkhornQuantizer) new SinkhornConfig(16, 4, 0.25, CodebookInit.NORMAL, 10, 5).create("q.", 1);
        // a batch crowded around one code: nearest neighbour would use few codes, the plan spreads them
        INDArray z = Nd4j.randn(DataType.FLOAT, 128, 4).muli(0.1).addiRowVector(q.codebook().getRow(0));
        GraphTestSupport.Result r = GraphTestSupport.run(q, z, Nd4j.zeros(DataType.FLOAT, 128, 4));
        INDArray expected = new SinkhornAssignment(10, 5).assign(Distances.squared(z, q.codebook()));
        assertThat(r.indices().castTo(DataType.INT64)).isEqualTo(expected.castTo(DataType.INT64));
        long usedByPlan = java.util.Arrays.stream(r.indices().toLongVector()).distinct().count();
        long usedByNearest = java.util.Arrays.stream(q.indices(z).toLongVector()).distinct().count();
        assertThat(usedByPlan).isGreaterThan(usedByNearest);
        // inference is plain nearest neighbour
        assertThat(q.indices(z).reshape(-1)).isEqualTo(Distances.nearest(z, q.codebook()));
        // the quantized output is the assigned code, and the codebook gets gradient
        assertThat(r.quantized().equalsWithEps(q.codes(r.indices().castTo(DataType.INT32).reshape(128, 1)), 1e-6)).isTrue();
        assertThat(r.gradParams().get("q.codebook").norm2Number().doubleValue()).isGreaterThan(0);

        // drawing each row's code from its plan row: with the step's generator, as SinkhornAssignment does
        SinkhornQuantizer drawing = (SinkhornQuantizer) new SinkhornConfig(16, 4, 0.25, CodebookInit.NORMAL, 10, 5, false, true).create("q.", 1);
        drawing.codebook().assign(q.codebook());
        GraphTestSupport.Result d = GraphTestSupport.run(drawing, z, Nd4j.zeros(DataType.FLOAT, 128, 4));
        int[] drawn = new SinkhornAssignment(10, 5).assign(z, q.codebook(), io.vqtok.codebook.StepRandom.of(1 ^ 0x0b7aL, 0));
        assertThat(d.indices().castTo(DataType.INT32).toIntVector()).containsExactly(drawn);
        assertThat(java.util.Arrays.stream(drawn).distinct().count()).isGreaterThan(usedByNearest);
    }

    @Test
    void codeMapAssignsAndDecodesMappedCodesAndTrainsAllThreeParts() {
        int n = 40, k = 6, d = 3;
        Nd4j.getRandom().setSeed(5);
        SinkhornQuantizer q = (SinkhornQuantizer) new SinkhornConfig(k, d, 0.25, CodebookInit.NORMAL, 10, 5, false, false, true).create("q.", 2);
        INDArray c = q.codebook().dup();
        // the map starts as the identity: the codes are the codebook's rows
        assertThat(q.codes(Nd4j.createFromArray(0, 3, 5).reshape(3, 1)).equalsWithEps(Nd4j.pullRows(c, 1, new int[]{0, 3, 5}), 1e-6)).isTrue();
        // a map set by hand: W = [[2,0,0],[1,1,0],[0,0,−1]], b = (0.5, 0, −1)
        double[][] wv = {{2, 0, 0}, {1, 1, 0}, {0, 0, -1}};
        double[] bv = {0.5, 0, -1};
        q.parameters().get("q.code_map.w").assign(Nd4j.create(wv).castTo(DataType.FLOAT));
        q.parameters().get("q.code_map.b").assign(Nd4j.createFromArray(bv).castTo(DataType.FLOAT));
        double[][] e = new double[k][d];
        for (int j = 0; j < k; j++)
            for (int o = 0; o < d; o++) {
                double v = bv[o];
                for (int i = 0; i < d; i++) v += c.getDouble(j, i) * wv[i][o];
                e[j][o] = v;
            }
        INDArray z = Nd4j.randn(DataType.FLOAT, n, d);
        // inference: nearest mapped code, by a plain loop
        long[] nearest = q.indices(z).reshape(-1).toLongVector();
        for (int r = 0; r < n; r++) {
            int best = 0;
            double bestD = Double.MAX_VALUE;
            for (int j = 0; j < k; j++) {
                double dist = 0;
                for (int o = 0; o < d; o++) dist += Math.pow(z.getDouble(r, o) - e[j][o], 2);
                if (dist < bestD) {
                    bestD = dist;
                    best = j;
                }
            }
            assertThat(nearest[r]).as("row " + r).isEqualTo(best);
        }
        GraphTestSupport.Result res = GraphTestSupport.run(q, z, Nd4j.zeros(DataType.FLOAT, n, d));
        long[] idx = res.indices().toLongVector();
        // the quantized output is the mapped code of the assignment
        for (int r = 0; r < n; r++)
            for (int o = 0; o < d; o++) assertThat(res.quantized().getDouble(r, o)).isCloseTo(e[(int) idx[r]][o], within(1e-5));
        // gradients of the codebook term mean‖sg(z) − (c_k·W + b)‖² over N·D, by a plain loop:
        // ∂/∂W = 2/(N·D) Σ_n c_kᵀ·g_n, ∂/∂b = 2/(N·D) Σ_n g_n, ∂/∂c_k = 2/(N·D) Σ_{n: k_n = k} g_n·Wᵀ, with g_n = e_k − z_n
        double[][] gw = new double[d][d], gc = new double[k][d];
        double[] gb = new double[d];
        double scale = 2.0 / (n * d);
        for (int r = 0; r < n; r++) {
            int j = (int) idx[r];
            for (int o = 0; o < d; o++) {
                double g = scale * (e[j][o] - z.getDouble(r, o));
                gb[o] += g;
                for (int i = 0; i < d; i++) {
                    gw[i][o] += c.getDouble(j, i) * g;
                    gc[j][i] += g * wv[i][o];
                }
            }
        }
        for (int i = 0; i < d; i++) {
            assertThat(res.gradParams().get("q.code_map.b").getDouble(i)).isCloseTo(gb[i], within(1e-5));
            for (int o = 0; o < d; o++) assertThat(res.gradParams().get("q.code_map.w").getDouble(i, o)).isCloseTo(gw[i][o], within(1e-5));
        }
        for (int j = 0; j < k; j++)
            for (int i = 0; i < d; i++) assertThat(res.gradParams().get("q.codebook").getDouble(j, i)).isCloseTo(gc[j][i], within(1e-5));
    }

    @Test
    void theAutomaticEpsilonIsTenWithAtLeastAsManyVectorsAsCodesAndAHundredWithFewer() {
        SinkhornAssignment auto = new SinkhornAssignment(0, 5);
        assertThat(auto.epsilonFor(100, 100)).isEqualTo(10);
        assertThat(auto.epsilonFor(6272, 512)).isEqualTo(10);
        assertThat(auto.epsilonFor(6272, 8192)).isEqualTo(100);
        assertThat(new SinkhornAssignment(3, 5).epsilonFor(6272, 8192)).isEqualTo(3);
        Nd4j.getRandom().setSeed(6);
        INDArray codes = Nd4j.randn(DataType.FLOAT, 24, 3);
        for (int n : new int[]{60, 12}) {
            INDArray z = Nd4j.randn(DataType.FLOAT, n, 3);
            double expected = n >= 24 ? 10 : 100;
            assertThat(auto.plan(Distances.squared(z, codes)).equalsWithEps(new SinkhornAssignment(expected, 5).plan(Distances.squared(z, codes)), 1e-9))
                    .as("%d vectors, 24 codes", n).isTrue();
            // and the two settings differ on this batch, so the comparison tells them apart
            assertThat(new SinkhornAssignment(10, 5).plan(Distances.squared(z, codes)).equalsWithEps(new SinkhornAssignment(100, 5).plan(Distances.squared(z, codes)), 1e-4)).isFalse();
        }
        assertThat(SinkhornConfig.of(8192, 64).epsilon()).isZero();
        assertThat(SinkhornConfig.of(8192, 64).codeMap()).isTrue();
    }

    @Test
    void invalidSettingsAreRejected() {
        assertThatThrownBy(() -> new SinkhornConfig(16, 4, 0.25, CodebookInit.UNIFORM, -1, 5)).hasMessageContaining("epsilon");
        assertThatThrownBy(() -> new SinkhornConfig(16, 4, 0.25, CodebookInit.UNIFORM, Double.POSITIVE_INFINITY, 5)).hasMessageContaining("epsilon");
        assertThatThrownBy(() -> new SinkhornConfig(16, 4, 0.25, CodebookInit.UNIFORM, 10, 0)).hasMessageContaining("iterations");
    }
}
