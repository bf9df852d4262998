package io.vqtok.quantizers;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static io.vqtok.quantizers.GraphTestSupport.m;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SimVectorQuantizerTest {

    private static SimVectorQuantizer tiny() {
        SimVectorQuantizer q = (SimVectorQuantizer) SimVqConfig.of(2, 2).create("q.", 0);
        q.buffers().get("q.frozen_codebook").assign(m(new double[][]{{1, 0}, {0, 1}}));
        q.parameters().get("q.proj.w").assign(Nd4j.eye(2));
        return q;
    }

    @Test
    void gradientReachesTheLinearMapOnly() {
        SimVectorQuantizer q = tiny();
        INDArray z = m(new double[][]{{0.9, 0.1}, {0.2, 0.7}});
        GraphTestSupport.Result r = GraphTestSupport.run(q, z, Nd4j.zeros(DataType.FLOAT, 2, 2));
        assertThat(r.indices().toLongVector()).containsExactly(0, 1);
        // codebook loss mean‖sg(z) − C_idx W‖²: dW = −2 C_idxᵀ (z − q)/(N·D), weight 1
        double[][] gw = r.gradParams().get("q.proj.w").toDoubleMatrix();
        assertThat(gw[0]).containsExactly(new double[]{0.05, -0.05}, within(1e-6));
        assertThat(gw[1]).containsExactly(new double[]{-0.1, 0.15}, within(1e-6));
        // commitment 0.25·mean‖z − sg(q)‖² is the only term reaching z (output weight 0)
        double[][] gz = r.gradZ().toDoubleMatrix();
        assertThat(gz[0]).containsExactly(new double[]{0.25 * 2 * -0.1 / 4, 0.25 * 2 * 0.1 / 4}, within(1e-6));
        assertThat(r.gradParams()).doesNotContainKey("q.frozen_codebook");
    }

    @Test
    void codesApplyTheLinearMap() {
        SimVectorQuantizer q = tiny();
        q.parameters().get("q.proj.w").assign(m(new double[][]{{2, 0}, {1, 3}}));
        INDArray codes = q.codes(Nd4j.createFromArray(new int[][]{{0}, {1}}));
        assertThat(codes.toDoubleMatrix()[0]).containsExactly(2, 0);
        assertThat(codes.toDoubleMatrix()[1]).containsExactly(1, 3);
        // and the graph's quantized output equals codes(indices)
        INDArray z = m(new double[][]{{2.1, 0.1}, {1, 2.5}});
        GraphTestSupport.Result r = GraphTestSupport.run(q, z, Nd4j.zeros(DataType.FLOAT, 2, 2));
        assertThat(r.quantized().equalsWithEps(q.codes(q.indices(z)), 1e-6)).isTrue();
        assertThat(q.indices(z).reshape(-1).toIntVector()).containsExactly(0, 1);
    }
}
