package io.vqtok.quantizers;

import io.vqtok.codebook.ClusteredCodebookConfig;
import io.vqtok.codebook.CodebookInit;
import io.vqtok.codebook.ReseedConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static io.vqtok.quantizers.GraphTestSupport.m;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Cosine-similarity codes, online clustering of EMA codebooks, and SimVQ with the rotation trick. */
class CodebookOptionsTest {

    @Test
    void cosineCodesChooseByAngleAndBackpropagateThroughTheNormalisation() {
        VectorQuantizer q = (VectorQuantizer) VectorQuantizerConfig.of(2, 2).withCosine(true).create("q.", 0);
        q.codebook().assign(m(new double[][]{{10, 0}, {0, 0.1}}));
        INDArray z = m(new double[][]{{1, 0.5}});
        // Euclidean nearest would be code 1 (distance² 1.16 against 81.25); by angle it is code 0
        VectorQuantizer euclidean = (VectorQuantizer) VectorQuantizerConfig.of(2, 2).create("e.", 0);
        euclidean.codebook().assign(q.codebook());
        assertThat(euclidean.indices(z).toIntVector()).containsExactly(1);
        GraphTestSupport.Result r = GraphTestSupport.run(q, z, Nd4j.zeros(DataType.FLOAT, 1, 2));
        assertThat(r.indices().toLongVector()).containsExactly(0);
        assertThat(r.quantized().toDoubleVector()).containsExactly(new double[]{1, 0}, within(1e-6));
        assertThat(q.indices(z).toIntVector()).containsExactly(0);
        assertThat(q.codes(Nd4j.createFromArray(0, 1)).toDoubleMatrix()[1]).containsExactly(new double[]{0, 1}, within(1e-6));
        // codebook loss mean‖ẑ − ê_0‖²: ∂/∂ê_0 = −(ẑ − ê_0) (2/(N·D) = 1), then through ê = e/‖e‖ at e = (10, 0):
        // (I − ê êᵀ)/‖e‖ keeps the y part divided by 10
        double zy = 0.5 / Math.sqrt(1.25);
        double[][] ge = r.gradParams().get("q.codebook").toDoubleMatrix();
        assertThat(ge[0]).containsExactly(new double[]{0, -zy / 10}, within(1e-6));
        assertThat(ge[1]).containsExactly(new double[]{0, 0}, within(1e-9));
    }

    @Test
    void cosineEmaCodesStayUnitLength() {
        EmaVectorQuantizer q = (EmaVectorQuantizer) EmaQuantizerConfig.of(16, 4).withInit(CodebookInit.DATA)
                .withReseed(ReseedConfig.threshold(0.1)).withCosine(true).create("q.", 1);
        INDArray z = Nd4j.randn(DataType.FLOAT, 256, 4).muli(5);
        q.initialize(z);
        for (int step = 1; step <= 3; step++) {
            GraphTestSupport.Result r = GraphTestSupport.run(q, z, Nd4j.zeros(DataType.FLOAT, 256, 4));
            q.afterStep(step, r.context());
            for (double n : q.ema().codebook().norm2(1).toDoubleVector()) assertThat(n).isCloseTo(1, within(1e-4));
            // the graph quantizes the normalised input: its output rows are unit codes too
            for (double n : r.quantized().norm2(1).toDoubleVector()) assertThat(n).isCloseTo(1, within(1e-4));
        }
        INDArray idx = q.indices(z);
        assertThat(q.indices(q.codes(idx))).isEqualTo(idx);
    }

    @Test
    void onlineClusteringMovesUnusedEmaCodesOntoTheirAnchorsAndKeepsTheSumsConsistent() {
        EmaVectorQuantizer q = (EmaVectorQuantizer) EmaQuantizerConfig.of(3, 2)
                .withClustering(ClusteredCodebookConfig.of(ClusteredCodebookConfig.Anchor.CLOSEST)).create("q.", 2);
        q.ema().codebook().assign(m(new double[][]{{1, 1}, {-1, -1}, {50, 50}}));
        q.ema().embedSum().assign(q.ema().codebook());
        INDArray z = m(new double[][]{{1.1, 0.9}, {0.9, 1.1}, {-1, -0.9}, {2, 2.2}});
        GraphTestSupport.Result r = GraphTestSupport.run(q, z, Nd4j.zeros(DataType.FLOAT, 4, 2));
        assertThat(r.indices().toLongVector()).containsExactly(0, 0, 1, 0);
        q.afterStep(1, r.context());
        // code 2 was never used: p_2 = 0, α_2 = exp(−1e−3), so it lands (almost) on its closest batch vector (2, 2.2)
        double[] c2 = q.ema().codebook().getRow(2).toDoubleVector();
        assertThat(c2).containsExactly(new double[]{2, 2.2}, within(0.1));
        assertThat(q.buffers()).containsKey("q.cluster_usage");
        INDArray sizes = q.ema().clusterSize().reshape(3, 1);
        assertThat(q.ema().embedSum().equalsWithEps(q.ema().codebook().mulColumnVector(sizes), 1e-4)).isTrue();
    }

    @Test
    void simVqWithTheRotationTrickPassesTheSameGradientAsARotationQuantizerWithItsCodebook() {
        SimVectorQuantizer sim = (SimVectorQuantizer) SimVqConfig.of(8, 3).withEstimator(VectorQuantizerConfig.Estimator.ROTATION).create("s.", 5);
        VectorQuantizer rot = (VectorQuantizer) VectorQuantizerConfig.of(8, 3).withEstimator(VectorQuantizerConfig.Estimator.ROTATION).create("r.", 5);
        rot.codebook().assign(sim.codebook());
        INDArray z = Nd4j.randn(DataType.FLOAT, 20, 3);
        INDArray w = Nd4j.randn(DataType.FLOAT, 20, 3);
        GraphTestSupport.Result a = GraphTestSupport.run(sim, z, w);
        GraphTestSupport.Result b = GraphTestSupport.run(rot, z, w);
        assertThat(a.indices()).isEqualTo(b.indices());
        assertThat(a.quantized().equalsWithEps(b.quantized(), 1e-5)).isTrue();
        assertThat(a.gradZ().equalsWithEps(b.gradZ(), 1e-4)).isTrue();
        // and it differs from straight-through, whose gradient to z is w plus the commitment term
        GraphTestSupport.Result ste = GraphTestSupport.run(SimVqConfig.of(8, 3).create("t.", 5), z, w);
        assertThat(a.gradZ().equalsWithEps(ste.gradZ(), 1e-3)).isFalse();
    }
}
