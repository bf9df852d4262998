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
}
