package io.vqtok.quantizers;

import io.vqtok.codebook.CodebookInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResidualQuantizerTest {

    @Test
    void everyStageCodebookReceivesUpdates() {
        for (QuantizerConfig stage : List.<QuantizerConfig>of(
                VectorQuantizerConfig.of(16, 4).withInit(CodebookInit.NORMAL),
                EmaQuantizerConfig.of(16, 4).withInit(CodebookInit.NORMAL),
                VectorQuantizerConfig.of(16, 4).withInit(CodebookInit.NORMAL).withEstimator(VectorQuantizerConfig.Estimator.ROTATION))) {
            ResidualQuantizer q = (ResidualQuantizer) new ResidualQuantizerConfig(stage, 3).create("q.", 4);
            Map<String, INDArray> before = new HashMap<>();
            q.state().forEach((k, v) -> before.put(k, v.dup()));
            INDArray z = Nd4j.randn(DataType.FLOAT, 64, 4);
            GraphTestSupport.Result r = GraphTestSupport.run(q, z, Nd4j.zeros(DataType.FLOAT, 64, 4));
            assertThat(r.indices().shape()).containsExactly(64, 3);
            // gradient-trained stages: each codebook gets a non-zero gradient
            for (Map.Entry<String, INDArray> g : r.gradParams().entrySet())
                assertThat(g.getValue().norm2Number().doubleValue()).as(g.getKey()).isGreaterThan(0);
            assertThat(r.gradParams().size()).isEqualTo(q.parameters().size());
            // EMA stages: each codebook moves after the step
            q.afterStep(1, r.context());
            for (Quantizer s : q.stages()) {
                if (s instanceof EmaVectorQuantizer e)
                    assertThat(e.ema().codebook()).as(s.prefix()).isNotEqualTo(before.get(s.prefix() + "codebook"));
            }
        }
    }

    /** Smallest squared distance from {@code v} to a row of {@code rows}, by a plain loop. */
    private static double nearestRowDistance(float[] v, float[][] rows) {
        double best = Double.MAX_VALUE;
        for (float[] r : rows) {
            double d = 0;
            for (int j = 0; j < v.length; j++) d += (v[j] - r[j]) * (double) (v[j] - r[j]);
            best = Math.min(best, d);
        }
        return best;
    }

    @Test
    void dataInitialisedLaterStagesStartFromResidualsTheEarlierStagesDoNotReproduce() {
        // 48 rows, 3 stages of 16 codes: stage 1 copies 16 rows, whose residual is then exactly 0. Stage 2 must sample
        // its 16 codes from the residuals of the 32 other rows, stage 3 from those of the 16 rows neither earlier stage
        // reproduced (not from 0 - a stage-2 code, what the rows stage 1 reproduced have left by then).
        for (QuantizerConfig stage : List.<QuantizerConfig>of(VectorQuantizerConfig.of(16, 4).withInit(CodebookInit.DATA),
                EmaQuantizerConfig.of(16, 4).withInit(CodebookInit.DATA))) {
            ResidualQuantizer q = (ResidualQuantizer) new ResidualQuantizerConfig(stage, 3).create("q.", 7);
            assertThat(q.initializationRows()).isEqualTo(48);
            INDArray z = Nd4j.randn(DataType.FLOAT, 48, 4);
            q.initialize(z);
            INDArray residual = z.dup();
            boolean[] reproduced = new boolean[48];
            for (int s = 0; s < 3; s++) {
                Quantizer st = q.stages().get(s);
                float[][] codes = st.codes(Nd4j.arange(16).castTo(DataType.INT32).reshape(16, 1)).toFloatMatrix();
                float[][] rows = residual.toFloatMatrix();
                java.util.List<float[]> live = new java.util.ArrayList<>();
                for (int i = 0; i < 48; i++) if (!reproduced[i]) live.add(rows[i]);
                assertThat(live).as("stage %d rows no earlier stage reproduced", s + 1).hasSize(48 - 16 * s);
                for (float[] c : codes) {
                    assertThat(nearestRowDistance(c, new float[][]{new float[4]})).as("stage %d code at 0", s + 1).isGreaterThan(1e-6);
                    assertThat(nearestRowDistance(c, live.toArray(float[][]::new))).as("stage %d code is a live residual", s + 1).isLessThan(1e-10);
                }
                residual.subi(st.codes(st.indices(residual)));
                float[][] left = residual.toFloatMatrix();
                for (int i = 0; i < 48; i++) reproduced[i] |= nearestRowDistance(left[i], new float[][]{new float[4]}) == 0;
            }
        }
    }

    @Test
    void unreproducedKeepsAllRowsWhenTooFewAreLeft() {
        INDArray r = Nd4j.createFromArray(new float[][]{{0, 0}, {1, 2}, {5, 5}, {3, 0}});
        boolean[] marked = {true, false, true, false};
        assertThat(ResidualQuantizer.unreproduced(r, marked, 2).toFloatMatrix()).isEqualTo(new float[][]{{1, 2}, {3, 0}});
        assertThat(ResidualQuantizer.unreproduced(r, marked, 3)).isSameAs(r);
        assertThat(ResidualQuantizer.unreproduced(r, new boolean[4], 1)).isSameAs(r);
    }

    @Test
    void indicesCodesRoundTripAndPartialDecoding() {
        ResidualQuantizer q = (ResidualQuantizer) new ResidualQuantizerConfig(
                VectorQuantizerConfig.of(32, 6).withInit(CodebookInit.NORMAL), 4).create("q.", 9);
        INDArray z = Nd4j.randn(DataType.FLOAT, 200, 6);
        INDArray idx = q.indices(z);
        assertThat(idx.shape()).containsExactly(200, 4);
        assertThat(idx.dataType()).isEqualTo(DataType.INT32);
        // codes(indices, n) is the sum of the first n stages' codes, and each stage indexes its own residual
        INDArray residual = z.dup();
        INDArray sum = Nd4j.zeros(DataType.FLOAT, 200, 6);
        for (int s = 0; s < 4; s++) {
            Quantizer stage = q.stages().get(s);
            INDArray col = idx.getColumn(s).dup().reshape(200, 1);
            assertThat(stage.indices(residual)).isEqualTo(col);
            INDArray c = stage.codes(col);
            residual.subi(c);
            sum.addi(c);
            assertThat(q.codes(idx, s + 1).equalsWithEps(sum, 1e-5)).isTrue();
        }
        // indices -> codes -> indices: re-encoding the decoded vectors gives the same first stage
        assertThat(q.indices(q.codes(idx, 1)).getColumn(0)).isEqualTo(idx.getColumn(0));
        // graph agrees with inference
        GraphTestSupport.Result r = GraphTestSupport.run(q, z, Nd4j.zeros(DataType.FLOAT, 200, 6));
        assertThat(r.indices().castTo(DataType.INT32)).isEqualTo(idx);
        assertThat(r.quantized().equalsWithEps(q.codes(idx), 1e-4)).isTrue();
        assertThatThrownBy(() -> q.codes(idx, 5)).hasMessageContaining("[1, 4]");
    }

    @Test
    void straightThroughStagesPassTheGradientOnce() {
        ResidualQuantizer q = (ResidualQuantizer) new ResidualQuantizerConfig(
                new VectorQuantizerConfig(8, 3, 0.0, VectorQuantizerConfig.Estimator.STRAIGHT_THROUGH, CodebookInit.NORMAL, 0,
                        io.vqtok.codebook.ReseedConfig.OFF), 3).create("q.", 2);
        INDArray z = Nd4j.randn(DataType.FLOAT, 10, 3);
        INDArray w = Nd4j.randn(DataType.FLOAT, 10, 3);
        GraphTestSupport.Result r = GraphTestSupport.run(q, z, w);
        // with beta = 0 the only gradient to z is the output's, passed through exactly once
        assertThat(r.gradZ().equalsWithEps(w, 1e-5)).isTrue();
    }

    @Test
    void residualFsqWorks() {
        ResidualQuantizer q = (ResidualQuantizer) new ResidualQuantizerConfig(new FsqConfig(new int[]{5, 5, 5}, 6), 2).create("q.", 1);
        INDArray z = Nd4j.randn(DataType.FLOAT, 50, 6);
        INDArray idx = q.indices(z);
        assertThat(idx.maxNumber().intValue()).isLessThan(125);
        GraphTestSupport.Result r = GraphTestSupport.run(q, z, Nd4j.ones(DataType.FLOAT, 50, 6));
        assertThat(r.indices().castTo(DataType.INT32)).isEqualTo(idx);
        assertThat(r.gradParams().get("q.stage1.proj_in.w").norm2Number().doubleValue()).isGreaterThan(0);
    }

    @Test
    void quantizerDropoutMasksLaterStagesPerBatchAndPerSample() {
        ResidualQuantizerConfig base = new ResidualQuantizerConfig(VectorQuantizerConfig.of(8, 3).withInit(CodebookInit.NORMAL), 3);
        // per batch, rate 1: every step keeps the same n for all rows, n in 1..3
        ResidualQuantizer q = (ResidualQuantizer) base.withDropout(ResidualQuantizerConfig.Dropout.BATCH, 1.0).create("q.", 3);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int t = 0; t < 30; t++) {
            INDArray mask = q.stepInputs(t + 1, 4, 5, true).get("q.dropout_mask");
            assertThat(mask.shape()).containsExactly(20, 3);
            INDArray perRow = mask.sum(1);
            assertThat(perRow.minNumber().intValue()).isEqualTo(perRow.maxNumber().intValue());
            assertThat(mask.getColumn(0).minNumber().intValue()).isEqualTo(1);   // the first stage is always kept
            seen.add(perRow.getInt(0));
        }
        assertThat(seen).containsExactlyInAnyOrder(1, 2, 3);
        assertThat(q.stepInputs(0, 4, 5, false).get("q.dropout_mask").minNumber().intValue()).isEqualTo(1);
        // the mask is a function of the step: a resumed run feeds the same masks
        ResidualQuantizer again = (ResidualQuantizer) base.withDropout(ResidualQuantizerConfig.Dropout.BATCH, 1.0).create("q.", 3);
        for (int t = 1; t <= 10; t++)
            assertThat(again.stepInputs(t, 4, 5, true).get("q.dropout_mask")).isEqualTo(q.stepInputs(t, 4, 5, true).get("q.dropout_mask"));

        // per sample: constant within a sample's 5 rows, varying between samples
        ResidualQuantizer ps = (ResidualQuantizer) base.withDropout(ResidualQuantizerConfig.Dropout.SAMPLE, 1.0).create("q.", 4);
        INDArray mask = ps.stepInputs(1, 50, 5, true).get("q.dropout_mask");
        INDArray kept = mask.sum(1);
        java.util.Set<Integer> perSample = new java.util.HashSet<>();
        for (int s = 0; s < 50; s++) {
            for (int v = 1; v < 5; v++) assertThat(kept.getInt(s * 5 + v)).isEqualTo(kept.getInt(s * 5));
            perSample.add(kept.getInt(s * 5));
        }
        assertThat(perSample).hasSizeGreaterThan(1);

        // in the graph, a mask keeping one stage makes the output the first stage's code
        INDArray z = Nd4j.randn(DataType.FLOAT, 6, 3);
        org.nd4j.autodiff.samediff.SameDiff sd = org.nd4j.autodiff.samediff.SameDiff.create();
        GraphQuantization g = q.quantize(sd, sd.var("z", z));
        INDArray one = Nd4j.zeros(DataType.FLOAT, 6, 3);
        one.getColumn(0).assign(1);
        StepContext step = new StepContext();
        INDArray idx = q.prepare(z, step);
        assertThat(idx).isEqualTo(q.indices(z));
        java.util.Map<String, INDArray> feed = new java.util.HashMap<>(step.placeholders());
        feed.put("q.dropout_mask", one);
        INDArray out = sd.output(feed, g.quantized().name()).get(g.quantized().name());
        assertThat(out.equalsWithEps(q.codes(idx, 1), 1e-5)).isTrue();
        INDArray all = Nd4j.ones(DataType.FLOAT, 6, 3);
        feed.put("q.dropout_mask", all);
        INDArray full = sd.output(feed, g.quantized().name()).get(g.quantized().name());
        assertThat(full.equalsWithEps(q.codes(idx, 3), 1e-5)).isTrue();
    }
}
