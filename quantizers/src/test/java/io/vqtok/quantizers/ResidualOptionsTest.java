package io.vqtok.quantizers;

import io.vqtok.codebook.CodebookInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Residual quantization with one codebook shared by all stages, and residual FSQ with scaled stages. */
class ResidualOptionsTest {

    @Test
    void sharedCodebookIsOneParameterUsedByEveryStage() {
        ResidualQuantizer q = (ResidualQuantizer) new ResidualQuantizerConfig(VectorQuantizerConfig.of(16, 4).withInit(CodebookInit.NORMAL), 3)
                .withSharedCodebook(true).create("q.", 1);
        assertThat(q.parameters()).containsOnlyKeys("q.shared.codebook");
        assertThat(q.stages()).hasSize(3).allSatisfy(s -> assertThat(s).isSameAs(q.stages().get(0)));
        INDArray z = Nd4j.randn(DataType.FLOAT, 50, 4);
        GraphTestSupport.Result r = GraphTestSupport.run(q, z, Nd4j.zeros(DataType.FLOAT, 50, 4));
        assertThat(r.gradParams()).containsOnlyKeys("q.shared.codebook");
        assertThat(r.indices().shape()).containsExactly(50, 3);
        // every stage indexes the same codebook: decoding sums rows of it
        INDArray idx = q.indices(z);
        assertThat(idx).isEqualTo(r.indices().castTo(DataType.INT32));
        INDArray e = ((VectorQuantizer) q.stages().get(0)).codebook();
        INDArray expected = Nd4j.zeros(DataType.FLOAT, 50, 4);
        for (int s = 0; s < 3; s++) expected.addi(Nd4j.pullRows(e, 1, idx.getColumn(s).toIntVector()));
        assertThat(q.codes(idx).equalsWithEps(expected, 1e-5)).isTrue();
        assertThat(r.quantized().equalsWithEps(expected, 1e-5)).isTrue();
    }

    @Test
    void sharedEmaCodebookPoolsTheAssignmentsOfAllStagesIntoOneUpdate() {
        double decay = 0.9;
        ResidualQuantizer q = (ResidualQuantizer) new ResidualQuantizerConfig(EmaQuantizerConfig.of(8, 3).withDecay(decay), 2)
                .withSharedCodebook(true).create("q.", 2);
        EmaVectorQuantizer ema = (EmaVectorQuantizer) q.stages().get(0);
        double before = ema.ema().clusterSize().sumNumber().doubleValue();
        INDArray z = Nd4j.randn(DataType.FLOAT, 40, 3);
        GraphTestSupport.Result r = GraphTestSupport.run(q, z, Nd4j.zeros(DataType.FLOAT, 40, 3));
        q.afterStep(1, r.context());
        // N_k ← γN_k + (1 − γ)n_k with Σ n_k = N·Q = 80 assignments, once
        assertThat(ema.ema().clusterSize().sumNumber().doubleValue()).isCloseTo(decay * before + (1 - decay) * 80, within(1e-3));
        assertThat(q.buffers()).containsOnlyKeys("q.shared.codebook", "q.shared.cluster_size", "q.shared.embed_sum");
    }

    @Test
    void scaledResidualFsqRefinesEachStageByLevelsMinusOne() {
        int[] levels = {5, 5};
        ResidualQuantizer scaled = (ResidualQuantizer) new ResidualQuantizerConfig(new FsqConfig(levels, 2).unprojected(), 3,
                ResidualQuantizerConfig.Dropout.NONE, 0, false, true).create("q.", 0);
        ResidualQuantizer plain = (ResidualQuantizer) new ResidualQuantizerConfig(new FsqConfig(levels, 2).unprojected(), 3).create("p.", 0);
        assertThat(scaled.parameters()).isEmpty();
        // inputs FSQ reproduces exactly at its grid: z = v/2 with v in {−2..2}, then finer offsets
        INDArray z = Nd4j.rand(DataType.FLOAT, 500, 2).subi(0.5).muli(0.8);
        INDArray idx = scaled.indices(z);
        // decoding: Σ_l (L − 1)^(−l) · codes_l
        INDArray sum = Nd4j.zeros(DataType.FLOAT, 500, 2);
        for (int l = 0; l < 3; l++)
            sum.addi(scaled.stages().get(l).codes(idx.getColumn(l).dup().reshape(500, 1)).muli(Math.pow(4, -l)));
        assertThat(scaled.codes(idx).equalsWithEps(sum, 1e-6)).isTrue();
        // the graph agrees with inference
        GraphTestSupport.Result r = GraphTestSupport.run(scaled, z, Nd4j.zeros(DataType.FLOAT, 500, 2));
        assertThat(r.indices().castTo(DataType.INT32)).isEqualTo(idx);
        assertThat(r.quantized().equalsWithEps(sum, 1e-5)).isTrue();
        // error falls with every stage, and far below unscaled stages (whose later grids are too coarse)
        double[] errScaled = new double[3], errPlain = new double[3];
        for (int n = 1; n <= 3; n++) {
            errScaled[n - 1] = scaled.codes(idx, n).sub(z).norm2Number().doubleValue();
            errPlain[n - 1] = plain.codes(plain.indices(z), n).sub(z).norm2Number().doubleValue();
        }
        assertThat(errScaled[1]).isLessThan(errScaled[0]);
        assertThat(errScaled[2]).isLessThan(errScaled[1]);
        assertThat(errScaled[2]).isLessThan(0.5 * errPlain[2]);
    }

    @Test
    void residualFsqInsideOneProjectionDecodesAnyNumberOfStages() {
        ProjectedQuantizerConfig c = ResidualQuantizerConfig.residualFsq(new int[]{8, 5, 5, 5}, 4, 16);
        Quantizer q = c.create("q.", 3);
        assertThat(q.indexChannels()).isEqualTo(4);
        assertThat(q.parameters()).containsOnlyKeys("q.proj_in.w", "q.proj_in.b", "q.proj_out.w", "q.proj_out.b");
        // many rows, compared exactly: later stages see the residual scaled by up to 7^3, so the graph's stage outputs
        // must be exactly the eager path's codes (GraphOps.straightThrough), or a value near a level boundary can round
        // the other way (seen once in 64 rows with the inexact z + sg(q − z))
        INDArray z = Nd4j.randn(DataType.FLOAT, 4096, 16);
        GraphTestSupport.Result r = GraphTestSupport.run(q, z, Nd4j.randn(DataType.FLOAT, 4096, 16));
        INDArray idx = q.indices(z);
        assertThat(r.indices().castTo(DataType.INT32)).isEqualTo(idx);
        assertThat(r.quantized().equalsWithEps(q.codes(idx), 1e-4)).isTrue();
        assertThat(q.codes(idx, 4).equalsWithEps(q.codes(idx), 1e-6)).isTrue();
        assertThat(q.codes(idx, 1).equalsWithEps(q.codes(idx), 1e-3)).isFalse();
        assertThat(r.gradParams().get("q.proj_in.w").norm2Number().doubleValue()).isGreaterThan(0);
    }

    @Test
    void rejectsOptionsThatDoNotApply() {
        assertThatThrownBy(() -> new ResidualQuantizerConfig(SimVqConfig.of(8, 4), 2).withSharedCodebook(true))
                .hasMessageContaining("shared across residual stages");
        assertThatThrownBy(() -> new ResidualQuantizerConfig(new FsqConfig(new int[]{5, 5}, 8), 2, ResidualQuantizerConfig.Dropout.NONE, 0, false, true))
                .hasMessageContaining("unprojected FSQ");
        assertThatThrownBy(() -> new FsqConfig(new int[]{5, 5}, 3, false)).hasMessageContaining("must equal the number of levels");
        assertThatThrownBy(() -> VectorQuantizerConfig.of(8, 4).create("q.", 0).codes(Nd4j.createFromArray(new int[][]{{1}}), 2))
                .hasMessageContaining("needs a residual quantizer");
    }

    @Test
    void fsqLevelsForPowersOfTwoAreExact() {
        assertThat(FsqConfig.forCodebookSize(512, 8).levels()).containsExactly(8, 8, 8);
        assertThat(FsqConfig.forCodebookSize(2048, 8).levels()).containsExactly(8, 8, 8, 4);
        assertThat(FsqConfig.forCodebookSize(8192, 8).levels()).containsExactly(8, 8, 8, 4, 4);
        assertThat(FsqConfig.forCodebookSize(16, 8).levels()).containsExactly(4, 4);
        for (int bits = 1; bits <= 16; bits++) assertThat(FsqConfig.forCodebookSize(1 << bits, 32).codebookSize()).isEqualTo(1 << bits);
        assertThat(FsqConfig.forCodebookSize(1000, 8).levels()).containsExactly(8, 5, 5, 5);
    }
}
