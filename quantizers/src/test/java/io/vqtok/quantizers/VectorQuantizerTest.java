package io.vqtok.quantizers;

import io.vqtok.codebook.CodebookInit;
import io.vqtok.codebook.ReseedConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.Map;

import static io.vqtok.quantizers.GraphTestSupport.m;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class VectorQuantizerTest {

    private static VectorQuantizer tiny() {
        VectorQuantizer q = (VectorQuantizer) VectorQuantizerConfig.of(3, 2).create("q.", 1);
        q.codebook().assign(m(new double[][]{{0, 0}, {1, 1}, {0, 3}}));
        return q;
    }

    @Test
    void gradientsMatchHandComputedValues() {
        VectorQuantizer q = tiny();
        INDArray z = m(new double[][]{{1, 0.2}, {0, 2}});
        INDArray w = m(new double[][]{{1, 2}, {3, 4}});
        GraphTestSupport.Result r = GraphTestSupport.run(q, z, w);

        // nearest codes: z1 -> e1 (d=0.64 < 1.04), z2 -> e2 (d=1 < 2 < 4)
        assertThat(r.indices().toLongVector()).containsExactly(1, 2);
        assertThat(r.quantized().toDoubleMatrix()[0]).containsExactly(new double[]{1, 1}, within(1e-6));
        assertThat(r.quantized().toDoubleMatrix()[1]).containsExactly(new double[]{0, 3}, within(1e-6));
        // dL/dz = w (straight-through) + β·2(z − q)/(N·D) = w + 0.125 (z − q); the codebook loss gives z nothing
        double[][] gz = r.gradZ().toDoubleMatrix();
        assertThat(gz[0]).containsExactly(new double[]{1, 1.9}, within(1e-6));
        assertThat(gz[1]).containsExactly(new double[]{3, 3.875}, within(1e-6));
        // dL/dE: only the codebook loss, 2(q − z)/(N·D) on the assigned rows, β not applied
        double[][] ge = r.gradParams().get("q.codebook").toDoubleMatrix();
        assertThat(ge[0]).containsExactly(new double[]{0, 0}, within(1e-6));
        assertThat(ge[1]).containsExactly(new double[]{0, 0.4}, within(1e-6));
        assertThat(ge[2]).containsExactly(new double[]{0, 0.5}, within(1e-6));
        // the named terms: codebook = mean((z-q)^2) = (0.64 + 1)/4, commitment = 0.25 * that
        double cb = r.outputs().get("q.codebook_loss").getDouble(0);
        double cm = r.outputs().get("q.commitment_loss").getDouble(0);
        assertThat(cb).isCloseTo(0.41, within(1e-6));
        assertThat(cm).isCloseTo(0.1025, within(1e-6));
    }

    @Test
    void repeatedIndicesAccumulateCodebookGradient() {
        VectorQuantizer q = tiny();
        // three vectors on code 1: the gradient is the sum of the three contributions (sd.gather gets this wrong)
        INDArray z = m(new double[][]{{1, 0.8}, {0.9, 1}, {1.2, 1.1}});
        GraphTestSupport.Result r = GraphTestSupport.run(q, z, Nd4j.zeros(DataType.FLOAT, 3, 2));
        assertThat(r.indices().toLongVector()).containsExactly(1, 1, 1);
        double[] ge = r.gradParams().get("q.codebook").toDoubleMatrix()[1];
        // Σ 2(e − z)/(N·D) over the three rows, N·D = 6
        assertThat(ge[0]).isCloseTo(2 * ((1 - 1) + (1 - 0.9) + (1 - 1.2)) / 6, within(1e-6));
        assertThat(ge[1]).isCloseTo(2 * ((1 - 0.8) + (1 - 1) + (1 - 1.1)) / 6, within(1e-6));
    }

    @Test
    void inferenceRoundTripIndicesCodesIndices() {
        VectorQuantizer q = (VectorQuantizer) VectorQuantizerConfig.of(64, 8).withInit(CodebookInit.NORMAL).create("q.", 3);
        INDArray z = Nd4j.rand(DataType.FLOAT, 200, 8).subi(0.5);
        INDArray idx = q.indices(z);
        assertThat(idx.shape()).containsExactly(200, 1);
        assertThat(idx.dataType()).isEqualTo(DataType.INT32);
        INDArray codes = q.codes(idx);
        assertThat(q.indices(codes)).isEqualTo(idx);
        // every code maps to itself
        INDArray all = Nd4j.arange(64).castTo(DataType.INT32).reshape(64, 1);
        assertThat(q.indices(q.codes(all))).isEqualTo(all);
        // and graph indices agree with the out-of-graph path
        GraphTestSupport.Result r = GraphTestSupport.run(q, z, Nd4j.zeros(DataType.FLOAT, 200, 8));
        assertThat(r.indices().castTo(DataType.INT32).reshape(200, 1)).isEqualTo(idx);
        assertThat(r.quantized()).isEqualTo(codes);
    }

    @Test
    void codesRejectOutOfRangeAndFloatIndices() {
        VectorQuantizer q = tiny();
        assertThatThrownBy(() -> q.codes(Nd4j.createFromArray(new int[]{0, 3})))
                .hasMessageContaining("out of range [0, 3)");
        assertThatThrownBy(() -> q.codes(Nd4j.createFromArray(new float[]{0, 1})))
                .hasMessageContaining("must be integers");
    }

    @Test
    void reseedingMovesDeadCodesOntoBatchVectors() {
        VectorQuantizerConfig cfg = VectorQuantizerConfig.of(8, 2).withReseed(new ReseedConfig(0.5, 0.5, 1));
        VectorQuantizer q = (VectorQuantizer) cfg.create("q.", 5);
        q.codebook().assign(Nd4j.zeros(8, 2));
        q.codebook().putRow(0, Nd4j.createFromArray(10f, 10f));
        INDArray z = Nd4j.rand(DataType.FLOAT, 32, 2);  // all nearest to one of the zero codes
        GraphTestSupport.Result r = GraphTestSupport.run(q, z, Nd4j.zeros(DataType.FLOAT, 32, 2));
        int reseeded = q.afterStep(1, r.context());
        assertThat(reseeded).isGreaterThan(0);
        // code 0 was never used: it now sits on a batch vector
        INDArray e0 = q.codebook().getRow(0);
        boolean onBatchRow = false;
        for (int i = 0; i < 32; i++) onBatchRow |= z.getRow(i).equalsWithEps(e0, 1e-6);
        assertThat(onBatchRow).isTrue();
    }

    @Test
    void stateRoundTripRestoresIdenticalIndices() {
        VectorQuantizer a = (VectorQuantizer) VectorQuantizerConfig.of(16, 4).withInit(CodebookInit.NORMAL).create("q.", 1);
        VectorQuantizer b = (VectorQuantizer) VectorQuantizerConfig.of(16, 4).withInit(CodebookInit.NORMAL).create("q.", 2);
        INDArray z = Nd4j.rand(DataType.FLOAT, 50, 4);
        assertThat(b.indices(z)).isNotEqualTo(a.indices(z));
        Map<String, INDArray> saved = new HashMap<>();
        a.state().forEach((k, v) -> saved.put(k, v.dup()));
        b.loadState(saved);
        assertThat(b.indices(z)).isEqualTo(a.indices(z));
    }

    @Test
    void configRejectsBadValues() {
        assertThatThrownBy(() -> VectorQuantizerConfig.of(1, 4)).hasMessageContaining("codebook size");
        assertThatThrownBy(() -> VectorQuantizerConfig.of(8, 0)).hasMessageContaining("dimension");
        assertThatThrownBy(() -> new ReseedConfig(-1, 0.9, 1)).hasMessageContaining("threshold");
    }
}
