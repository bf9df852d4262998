package io.vqtok.quantizers;

import io.vqtok.codebook.CodebookInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class EagerQuantizerTest {

    @Test
    void vqGivesNearestCodesAndTheNamedLossesOfAPlainLoop() {
        Nd4j.getRandom().setSeed(1);
        VectorQuantizer q = (VectorQuantizer) VectorQuantizerConfig.of(8, 3).withInit(CodebookInit.NORMAL).create("q.", 2);
        INDArray z = Nd4j.randn(DataType.FLOAT, 20, 3);
        EagerQuantizer.Output out = new EagerQuantizer(q).apply(z);
        float[][] zs = z.toFloatMatrix(), codes = q.codebook().toFloatMatrix();
        double sum = 0;
        for (int i = 0; i < 20; i++) {
            int best = 0;
            double bestD = Double.MAX_VALUE;
            for (int k = 0; k < 8; k++) {
                double d = 0;
                for (int j = 0; j < 3; j++) d += (zs[i][j] - codes[k][j]) * (zs[i][j] - codes[k][j]);
                if (d < bestD) {
                    bestD = d;
                    best = k;
                }
            }
            assertThat(out.indices().getInt(i, 0)).isEqualTo(best);
            for (int j = 0; j < 3; j++) assertThat(out.quantized().getDouble(i, j)).isCloseTo(codes[best][j], within(1e-6));
            sum += bestD;
        }
        double mse = sum / (20 * 3);
        // codebook ‖sg(z) − e‖² and commitment β‖z − sg(e)‖², both means over the N·D elements
        assertThat(out.losses().keySet()).containsExactly("codebook", "commitment");
        assertThat(out.losses().get("codebook")).isCloseTo(mse, within(1e-5));
        assertThat(out.losses().get("commitment")).isCloseTo(0.25 * mse, within(1e-5));
        assertThat(out.totalLoss()).isCloseTo(1.25 * mse, within(1e-5));
        assertThat(out.quantized().equalsWithEps(q.codes(out.indices()), 1e-6)).isTrue();
    }

    @Test
    void residualStagesAndFsqAndStateIsLeftUnchanged() {
        Nd4j.getRandom().setSeed(2);
        Quantizer rvq = new ResidualQuantizerConfig(EmaQuantizerConfig.of(16, 4).withInit(CodebookInit.NORMAL), 3).create("r.", 5);
        INDArray z = Nd4j.randn(DataType.FLOAT, 12, 4);
        java.util.Map<String, INDArray> before = new java.util.HashMap<>();
        rvq.state().forEach((k, v) -> before.put(k, v.dup()));
        EagerQuantizer eager = new EagerQuantizer(rvq);
        EagerQuantizer.Output out = eager.apply(z);
        assertThat(out.indices().shape()).containsExactly(12, 3);
        assertThat(out.indices()).isEqualTo(rvq.indices(z));
        assertThat(out.quantized().equalsWithEps(rvq.codes(out.indices()), 1e-5)).isTrue();
        rvq.state().forEach((k, v) -> assertThat(v).as(k).isEqualTo(before.get(k)));
        assertThat(eager.apply(z).indices()).isEqualTo(out.indices());   // repeatable: nothing moved

        Quantizer fsq = new FsqConfig(new int[]{5, 3}, 4).create("f.", 1);
        EagerQuantizer.Output f = new EagerQuantizer(fsq).apply(z);
        assertThat(f.losses()).isEmpty();
        assertThat(f.indices()).isEqualTo(fsq.indices(z));
        assertThatThrownBy(() -> new EagerQuantizer(fsq).apply(Nd4j.zeros(DataType.FLOAT, 3, 5))).hasMessageContaining("[N, 4]");
    }
}
