package io.vqtok.quantizers;

import io.vqtok.codebook.CodebookInit;
import io.vqtok.codebook.ReseedConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static io.vqtok.quantizers.GraphTestSupport.m;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class EmaVectorQuantizerTest {

    @Test
    void emaUpdateWithLaplaceSmoothingMatchesHandComputation() {
        double eps = 1e-2;
        EmaQuantizerConfig cfg = new EmaQuantizerConfig(2, 2, 0.25, 0.5, eps, CodebookInit.UNIFORM, 0, ReseedConfig.OFF);
        EmaVectorQuantizer q = (EmaVectorQuantizer) cfg.create("q.", 0);
        // second coordinate is always 0, so this is the 1-D example {0, 10} <- {1, 2, 9}
        q.ema().codebook().assign(m(new double[][]{{0, 0}, {10, 0}}));
        q.ema().embedSum().assign(m(new double[][]{{0, 0}, {10, 0}}));
        INDArray z = m(new double[][]{{1, 0}, {2, 0}, {9, 0}});
        GraphTestSupport.Result r = GraphTestSupport.run(q, z, Nd4j.zeros(DataType.FLOAT, 3, 2));
        assertThat(r.indices().toLongVector()).containsExactly(0, 0, 1);
        // the codebook gets no gradient; the encoder gets w + β·2(z − q)/(N·D)
        assertThat(r.gradParams()).isEmpty();
        assertThat(r.gradZ().getColumn(0).toDoubleVector()).containsExactly(new double[]{0.25 * 2 * 1 / 6, 0.25 * 2 * 2 / 6, 0.25 * 2 * -1 / 6}, within(1e-6));
        q.afterStep(1, r.context());
        // N = 0.5·1 + 0.5·(2, 1) = (1.5, 1); m = 0.5·(0, 10) + 0.5·(3, 9) = (1.5, 9.5)
        assertThat(q.ema().clusterSize().toDoubleVector()).containsExactly(new double[]{1.5, 1.0}, within(1e-6));
        assertThat(q.ema().embedSum().getColumn(0).toDoubleVector()).containsExactly(new double[]{1.5, 9.5}, within(1e-6));
        double n = 2.5;
        double s0 = (1.5 + eps) / (n + 2 * eps) * n, s1 = (1.0 + eps) / (n + 2 * eps) * n;
        assertThat(q.ema().codebook().getColumn(0).toDoubleVector()).containsExactly(new double[]{1.5 / s0, 9.5 / s1}, within(1e-5));
        // inference sees the updated codebook
        assertThat(q.codes(q.indices(m(new double[][]{{9.4, 0}}))).getDouble(0, 0)).isCloseTo(9.5 / s1, within(1e-5));
    }

    @Test
    void reseededCodeSurvivesTheNextStep() {
        EmaQuantizerConfig cfg = new EmaQuantizerConfig(4, 2, 0.25, 0.9, 1e-5, CodebookInit.UNIFORM, 0, new ReseedConfig(0.5, 0.99, 1));
        EmaVectorQuantizer q = (EmaVectorQuantizer) cfg.create("q.", 11);
        INDArray init = m(new double[][]{{0, 0}, {1, 0}, {0, 1}, {100, 100}});
        q.ema().codebook().assign(init);
        q.ema().embedSum().assign(init);
        q.ema().clusterSize().assign(1.0);
        // batch 1: everything near the first three codes; code 3 gets nothing and is dead
        // (usage 0.9 · 1 < 0.5 · 8/4 = 1)
        INDArray z1 = m(new double[][]{{0.1, 0}, {0.9, 0.1}, {0, 1.1}, {0.2, 0.1}, {1.1, 0}, {0, 0.9}, {0.1, 0.2}, {5, 5}});
        GraphTestSupport.Result r1 = GraphTestSupport.run(q, z1, Nd4j.zeros(DataType.FLOAT, 8, 2));
        int reseeded = q.afterStep(1, r1.context());
        assertThat(reseeded).isEqualTo(1);
        INDArray moved = q.ema().codebook().getRow(3).dup();
        boolean onBatchVector = false;
        for (int i = 0; i < 8; i++) onBatchVector |= z1.getRow(i).equalsWithEps(moved, 1e-6);
        assertThat(onBatchVector).as("code 3 moved onto a batch vector, got " + moved).isTrue();
        assertThat(q.ema().clusterSize().getDouble(3)).as("its usage was reset to the uniform share").isEqualTo(2.0, within(1e-6));

        // batch 2 avoids the reseeded code entirely: it must stay where it was put, and not be reseeded again
        INDArray z2 = m(new double[][]{{0.05, 0}, {1, 0.05}, {0.05, 1}, {0.1, 0.1}});
        // make sure no z2 vector is nearest to the moved code
        GraphTestSupport.Result r2 = GraphTestSupport.run(q, z2, Nd4j.zeros(DataType.FLOAT, 4, 2));
        assertThat(r2.indices().toLongVector()).doesNotContain(3L);
        int again = q.afterStep(2, r2.context());
        assertThat(again).isZero();
        INDArray after = q.ema().codebook().getRow(3);
        assertThat(after.distance2(moved)).as("reseeded code stays put (EMA state was reset with it)").isLessThan(1e-3 * (1 + moved.norm2Number().doubleValue()));
    }

    @Test
    void stateRoundTripKeepsCodes() {
        EmaVectorQuantizer a = (EmaVectorQuantizer) EmaQuantizerConfig.of(32, 4).withInit(CodebookInit.NORMAL).create("q.", 1);
        EmaVectorQuantizer b = (EmaVectorQuantizer) EmaQuantizerConfig.of(32, 4).withInit(CodebookInit.NORMAL).create("q.", 2);
        INDArray z = Nd4j.randn(DataType.FLOAT, 100, 4);
        b.loadState(a.state());
        assertThat(b.indices(z)).isEqualTo(a.indices(z));
        assertThat(b.codes(b.indices(z))).isEqualTo(a.codes(a.indices(z)));
    }

    @Test
    void affineCodebookUpdateMatchesHandComputation() {
        // D = 1, K = 2, decay 0.5: standardised codes {-1, 1} and the batch {1, 2, 9} (mean 4, variance 38/3)
        EmaQuantizerConfig cfg = new EmaQuantizerConfig(2, 1, 0.25, 0.5, 1e-2, CodebookInit.UNIFORM, 0, ReseedConfig.OFF).withAffine(true);
        EmaVectorQuantizer q = (EmaVectorQuantizer) cfg.create("q.", 0);
        q.ema().codebook().assign(m(new double[][]{{-1}, {1}}));
        q.ema().embedSum().assign(m(new double[][]{{-1}, {1}}));
        q.ema().clusterSize().assign(1.0);
        INDArray z = m(new double[][]{{1}, {2}, {9}});
        double mean = 4, sd = Math.sqrt(38.0 / 3);
        GraphTestSupport.Result r = GraphTestSupport.run(q, z, Nd4j.zeros(DataType.FLOAT, 3, 1));
        // the step's codes are sd·(−1) + 4 = 0.44 and sd + 4 = 7.56: 1 and 2 go to the first, 9 to the second
        assertThat(r.indices().toLongVector()).containsExactly(0, 0, 1);
        assertThat(r.quantized().getColumn(0).toDoubleVector()).containsExactly(new double[]{mean - sd, mean - sd, mean + sd}, within(1e-5));
        q.afterStep(1, r.context());
        // the EMA sees (z − 4)/sd: N = (0.5 + 0.5·2, 0.5 + 0.5·1), m = (0.5·(−1) + 0.5·(u1 + u2), 0.5·1 + 0.5·u3)
        double u1 = (1 - mean) / sd, u2 = (2 - mean) / sd, u3 = (9 - mean) / sd;
        double n0 = 1.5, n1 = 1.0, n = n0 + n1, eps = 1e-2;
        double c0 = (-0.5 + 0.5 * (u1 + u2)) / ((n0 + eps) / (n + 2 * eps) * n), c1 = (0.5 + 0.5 * u3) / ((n1 + eps) / (n + 2 * eps) * n);
        assertThat(q.ema().codebook().getColumn(0).toDoubleVector()).containsExactly(new double[]{c0, c1}, within(1e-5));
        // inference maps them with the running statistics: mean 0.9·0 + 0.1·4, variance 0.9·1 + 0.1·38/3
        double runMean = 0.4, runSd = Math.sqrt(0.9 + 0.1 * 38.0 / 3);
        assertThat(q.codebook().getColumn(0).toDoubleVector()).containsExactly(new double[]{runSd * c0 + runMean, runSd * c1 + runMean}, within(1e-5));
        assertThat(q.codes(q.indices(m(new double[][]{{100}}))).getDouble(0, 0)).isCloseTo(runSd * c1 + runMean, within(1e-5));
    }

    @Test
    void affineCodebookAssignsABatchShiftedAndScaledPerDimensionAsTheBatchItWasFittedTo() {
        java.util.Random random = new java.util.Random(7);
        float[][] rows = new float[256][8];
        for (float[] row : rows) for (int d = 0; d < 8; d++) row[d] = (float) random.nextGaussian();
        INDArray z = Nd4j.createFromArray(rows);
        double[] scale = {3, 0.2, 1, 7, 0.5, 2, 1.5, 4}, shift = {10, -3, 0.5, 2, -8, 1, 0, 5};
        INDArray moved = z.mulRowVector(Nd4j.createFromArray(scale).castTo(DataType.FLOAT)).addiRowVector(Nd4j.createFromArray(shift).castTo(DataType.FLOAT));
        for (boolean affine : new boolean[]{true, false}) {
            EmaQuantizerConfig cfg = Presets.ema(64, 8).withReseed(ReseedConfig.OFF).withAffine(affine);
            EmaVectorQuantizer q = (EmaVectorQuantizer) cfg.create("q.", 3);
            q.initialize(z);
            long[] before = GraphTestSupport.run(q, z, Nd4j.zeros(DataType.FLOAT, 256, 8)).indices().toLongVector();
            GraphTestSupport.Result r = GraphTestSupport.run(q, moved, Nd4j.zeros(DataType.FLOAT, 256, 8));
            long[] after = r.indices().toLongVector();
            if (affine) {
                assertThat(after).containsExactly(before);
                // and the codes the step uses are the fitted ones moved the same way
                INDArray expected = q.codes(Nd4j.createFromArray(before).reshape(-1, 1)).mulRowVector(Nd4j.createFromArray(scale).castTo(DataType.FLOAT))
                        .addiRowVector(Nd4j.createFromArray(shift).castTo(DataType.FLOAT));
                assertThat(r.quantized().sub(expected).amaxNumber().doubleValue()).isLessThan(1e-3);
            } else {
                long same = java.util.stream.IntStream.range(0, before.length).filter(i -> before[i] == after[i]).count();
                assertThat(same).as("a plain EMA codebook does not follow the move").isLessThan(before.length / 4);
            }
        }
    }

    @Test
    void affineCodebookRejectsASecondApplicationInOneStepAndAnUnpreparedUpdate() {
        EmaVectorQuantizer q = (EmaVectorQuantizer) EmaQuantizerConfig.of(4, 2).withAffine(true).create("q.", 0);
        StepContext c = new StepContext(1);
        INDArray z = Nd4j.rand(DataType.FLOAT, 10, 2);
        q.prepare(z, c);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> q.prepare(z, c)).isInstanceOf(IllegalStateException.class).hasMessageContaining("twice");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> q.afterStep(2, new StepContext(2))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not prepared");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EmaQuantizerConfig.of(4, 2).withCosine(true).withAffine(true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cosine");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ResidualQuantizerConfig(EmaQuantizerConfig.of(4, 2).withAffine(true), 2,
                ResidualQuantizerConfig.Dropout.NONE, 0, true, false)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("affine");
    }

    @Test
    void affineStateRoundTripKeepsCodes() {
        EmaQuantizerConfig cfg = Presets.ema(32, 4).withAffine(true);
        EmaVectorQuantizer a = (EmaVectorQuantizer) cfg.create("q.", 1);
        EmaVectorQuantizer b = (EmaVectorQuantizer) cfg.create("q.", 2);
        a.initialize(Nd4j.randn(DataType.FLOAT, 64, 4).muli(3).addi(5));
        for (int step = 1; step <= 3; step++) {
            INDArray batch = Nd4j.randn(DataType.FLOAT, 64, 4).muli(3 + step).addi(5 - step);
            a.afterStep(step, GraphTestSupport.run(a, batch, Nd4j.zeros(DataType.FLOAT, 64, 4)).context());
        }
        b.loadState(a.state());
        INDArray z = Nd4j.randn(DataType.FLOAT, 100, 4).muli(4).addi(4);
        assertThat(b.indices(z)).isEqualTo(a.indices(z));
        assertThat(b.codes(b.indices(z))).isEqualTo(a.codes(a.indices(z)));
        assertThat(a.state()).containsKeys("q.codebook_standardised", "q.running_mean", "q.running_variance");
    }

    @Test
    void reseedGraceStartsDataInitialisedCodesWhereTheyDieAfterThatManyUnusedSteps() {
        // threshold 0.5 of the share 8/4 = 2: dead below 1. Grace 3: cluster sizes start at 1 / 0.9^3 = 1.3717
        EmaQuantizerConfig cfg = new EmaQuantizerConfig(4, 1, 0.25, 0.9, 1e-5, CodebookInit.DATA, 0, new ReseedConfig(0.5, 0.9, 1).withGrace(3));
        EmaVectorQuantizer q = (EmaVectorQuantizer) cfg.create("q.", 5);
        q.initialize(m(new double[][]{{0}, {10}, {20}, {100}}));
        int far = (int) q.indices(m(new double[][]{{100}})).getInt(0);
        INDArray batch = m(new double[][]{{0}, {1}, {10}, {11}, {20}, {21}, {0.5}, {10.5}});  // two, three and three vectors; none near 100
        double start = 0.5 * 2 / Math.pow(0.9, 3);
        int[] reseeded = new int[5];
        for (int step = 1; step <= 4; step++) {
            GraphTestSupport.Result r = GraphTestSupport.run(q, batch, Nd4j.zeros(DataType.FLOAT, 8, 1));
            reseeded[step] = q.afterStep(step, r.context());
            if (step == 1) {
                // N_far = 0.9 · start (no assignment, and still above 1: not dead); its code stays at 100 (sum scaled with it)
                assertThat(q.ema().clusterSize().getDouble(far)).isCloseTo(0.9 * start, within(1e-5));
                assertThat(q.codes(Nd4j.createFromArray(new int[]{far}).reshape(1, 1)).getDouble(0, 0)).isCloseTo(100, within(1e-2));
            }
        }
        assertThat(reseeded[1] + reseeded[2]).as("no code is dead before its grace is over").isZero();
        assertThat(reseeded[3] + reseeded[4]).as("the unused code is reseeded once it is").isEqualTo(1);
        // without a grace the same code counts as one assignment (half the share): dead at the first step
        EmaVectorQuantizer plain = (EmaVectorQuantizer) cfg.withReseed(new ReseedConfig(0.5, 0.9, 1)).create("q.", 5);
        plain.initialize(m(new double[][]{{0}, {10}, {20}, {100}}));
        assertThat(plain.afterStep(1, GraphTestSupport.run(plain, batch, Nd4j.zeros(DataType.FLOAT, 8, 1)).context())).isEqualTo(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ReseedConfig(0.5, 0.9, 1, -1)).hasMessageContaining("grace");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> VectorQuantizerConfig.of(4, 1).withReseed(ReseedConfig.threshold(0.1).withGrace(2)))
                .hasMessageContaining("EMA codebooks");
    }
}
