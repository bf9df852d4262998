package io.vqtok.quantizers;

import io.vqtok.codebook.CodebookInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static io.vqtok.quantizers.GraphTestSupport.m;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class IndexBackpropQuantizerTest {

    @Test
    void everyCodeGetsTheHandComputedGradient() {
        IndexBackpropQuantizer q = (IndexBackpropQuantizer) new IbqConfig(2, 2, 0.25, CodebookInit.UNIFORM, 0).create("q.", 0);
        q.codebook().assign(m(new double[][]{{1, 0}, {0, 1}}));
        INDArray z = m(new double[][]{{0.9, 0.1}});
        GraphTestSupport.Result r = GraphTestSupport.run(q, z, Nd4j.zeros(DataType.FLOAT, 1, 2));
        assertThat(r.indices().toLongVector()).containsExactly(0);
        assertThat(r.quantized().toDoubleMatrix()[0]).containsExactly(new double[]{1, 0}, within(1e-6));

        // logits l = z Eᵀ = (0.9, 0.1), p = softmax(l); codebook loss mean‖q − sg(z)‖² over N·D = 2 elements
        double p0 = 1 / (1 + Math.exp(-0.8)), p1 = 1 - p0;
        double[] gq = {2 * (1 - 0.9) / 2, 2 * (0 - 0.1) / 2};             // ∂/∂q = (0.1, −0.1)
        double[] gSelect = {gq[0], gq[1]};                                   // ∂/∂ĥ_k = g·e_k with E = I
        double mean = p0 * gSelect[0] + p1 * gSelect[1];
        double[] gl = {p0 * (gSelect[0] - mean), p1 * (gSelect[1] - mean)}; // softmax backward
        double[][] ge = r.gradParams().get("q.codebook").toDoubleMatrix();
        // chosen code: ĥᵀg (value h = onehot(0)) plus the logit path; the other code: the logit path only
        assertThat(ge[0]).containsExactly(new double[]{gq[0] + gl[0] * 0.9, gq[1] + gl[0] * 0.1}, within(1e-5));
        assertThat(ge[1]).containsExactly(new double[]{gl[1] * 0.9, gl[1] * 0.1}, within(1e-5));
        assertThat(Math.abs(ge[1][0])).isGreaterThan(0.01);
        // z: the logit path Σ_k ∂l_k e_k plus the commitment β·2(z − e_0)/(N·D)
        double[] gz = r.gradZ().toDoubleVector();
        assertThat(gz).containsExactly(new double[]{gl[0] + 0.25 * (0.9 - 1), gl[1] + 0.25 * (0.1 - 0)}, within(1e-5));
    }

    @Test
    void entropyLossIsPerVectorMinusCodebookEntropyOfTheScaledSoftmax() {
        IndexBackpropQuantizer q = (IndexBackpropQuantizer) new IbqConfig(2, 2, 0.25, CodebookInit.UNIFORM, 0)
                .withEntropy(0.05, 2.0).create("q.", 0);
        q.codebook().assign(m(new double[][]{{1, 0}, {0, 1}}));
        double[][] z = {{0.9, 0.1}, {0.2, 0.7}};
        GraphTestSupport.Result r = GraphTestSupport.run(q, m(z), Nd4j.zeros(DataType.FLOAT, 2, 2));
        // by hand: logits z·E = z, p_n = softmax(2·z_n), H(p) per row, H(mean p) over the batch
        double[][] p = new double[2][2];
        double perSample = 0;
        for (int n = 0; n < 2; n++) {
            double a = Math.exp(2 * z[n][0]), b = Math.exp(2 * z[n][1]);
            p[n][0] = a / (a + b);
            p[n][1] = b / (a + b);
            perSample -= (p[n][0] * Math.log(p[n][0]) + p[n][1] * Math.log(p[n][1])) / 2;
        }
        double m0 = (p[0][0] + p[1][0]) / 2, m1 = 1 - m0;
        double codebook = -(m0 * Math.log(m0) + m1 * Math.log(m1));
        assertThat(r.outputs().get("q.entropy_loss").getDouble(0)).isCloseTo(0.05 * (perSample - codebook), within(1e-6));
        assertThat(IbqConfig.of(2, 2).describe()).doesNotContain("entropy");
        assertThatThrownBy(() -> IbqConfig.of(2, 2).withEntropy(0.1, 0)).hasMessageContaining("inverse temperature");
    }

    @Test
    void inferenceMatchesTrainingAndRoundTrips() {
        IndexBackpropQuantizer q = (IndexBackpropQuantizer) IbqConfig.of(64, 8).create("q.", 3);
        INDArray z = Nd4j.randn(DataType.FLOAT, 300, 8);
        GraphTestSupport.Result r = GraphTestSupport.run(q, z, Nd4j.zeros(DataType.FLOAT, 300, 8));
        INDArray idx = q.indices(z);
        assertThat(idx.reshape(-1).toLongVector()).containsExactly(r.indices().toLongVector());
        assertThat(r.quantized().equalsWithEps(q.codes(idx), 1e-5)).isTrue();
        // indices -> codes -> indices: a code has the largest inner product with itself only if its norm is the
        // largest in its direction, so check the inverse on the codes' own argmax instead
        INDArray codes = q.codes(idx);
        INDArray again = q.indices(codes);
        assertThat(q.codes(again).mul(codes).sum(1).sub(codes.mul(codes).sum(1)).minNumber().doubleValue()).isGreaterThanOrEqualTo(-1e-4);
    }

    @Test
    void rejectsBadConfigurations() {
        assertThatThrownBy(() -> new IbqConfig(1, 8, 0.25, CodebookInit.NORMAL, 0)).hasMessageContaining("codebook size");
        assertThatThrownBy(() -> new IbqConfig(8, 8, -1, CodebookInit.NORMAL, 0)).hasMessageContaining("beta");
        assertThatThrownBy(() -> IbqConfig.of(8, 8).create("q.", 0).codes(Nd4j.createFromArray(8))).hasMessageContaining("out of range");
    }
}
