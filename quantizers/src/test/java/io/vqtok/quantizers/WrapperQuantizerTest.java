package io.vqtok.quantizers;

import io.vqtok.codebook.CodebookInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Projection and grouping around other quantizers: graph and inference agree, gradients reach every parameter. */
class WrapperQuantizerTest {

    private static void checkAgreement(Quantizer q, int n) {
        INDArray z = Nd4j.randn(DataType.FLOAT, n, q.dim());
        GraphTestSupport.Result r = GraphTestSupport.run(q, z, Nd4j.randn(DataType.FLOAT, n, q.dim()));
        INDArray idx = q.indices(z);
        assertThat(idx.shape()).containsExactly(n, q.indexChannels());
        assertThat(r.indices().castTo(DataType.INT32).reshape(n, q.indexChannels())).as(q.config().describe()).isEqualTo(idx);
        assertThat(r.quantized().equalsWithEps(q.codes(idx), 1e-4)).as(q.config().describe()).isTrue();
        for (String p : q.parameters().keySet())
            assertThat(r.gradParams().get(p).norm2Number().doubleValue()).as(p).isGreaterThan(0);
        assertThat(r.gradZ().norm2Number().doubleValue()).isGreaterThan(0);
    }

    @Test
    void projectedQuantizerWorksInTheCodeSpace() {
        for (QuantizerConfig inner : List.<QuantizerConfig>of(VectorQuantizerConfig.of(32, 4).withInit(CodebookInit.NORMAL),
                new FsqConfig(new int[]{5, 5, 5, 5}, 4))) {
            ProjectedQuantizer q = (ProjectedQuantizer) new ProjectedQuantizerConfig(inner, 16).create("q.", 2);
            assertThat(q.dim()).isEqualTo(16);
            checkAgreement(q, 40);
        }
        assertThatThrownBy(() -> new ProjectedQuantizerConfig(VectorQuantizerConfig.of(32, 16), 16)).hasMessageContaining("smaller");
    }

    @Test
    void groupedQuantizerSharedAndSeparate() {
        for (boolean shared : new boolean[]{true, false}) {
            GroupedQuantizer q = (GroupedQuantizer) GroupedQuantizerConfig.of(
                    VectorQuantizerConfig.of(8, 1).withInit(CodebookInit.NORMAL), 12, 3, shared).create("q.", 5);
            assertThat(q.groupQuantizers()).hasSize(shared ? 1 : 3);
            assertThat(q.indexChannels()).isEqualTo(3);
            checkAgreement(q, 30);
            // each group's indices are that group's nearest codes
            INDArray z = Nd4j.randn(DataType.FLOAT, 10, 12);
            INDArray idx = q.indices(z);
            for (int g = 0; g < 3; g++) {
                Quantizer gq = q.groupQuantizers().get(shared ? 0 : g);
                INDArray part = z.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(4 * g, 4 * g + 4)).dup();
                assertThat(idx.getColumn(g).reshape(10, 1)).isEqualTo(gq.indices(part));
            }
        }
        assertThatThrownBy(() -> GroupedQuantizerConfig.of(VectorQuantizerConfig.of(8, 1), 10, 3, true)).hasMessageContaining("do not divide");
        assertThatThrownBy(() -> new GroupedQuantizerConfig(new ResidualQuantizerConfig(VectorQuantizerConfig.of(8, 4), 2), 2, true))
                .hasMessageContaining("one index channel");
    }
}
