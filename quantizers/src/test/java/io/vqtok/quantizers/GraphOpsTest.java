package io.vqtok.quantizers;

import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The graph helpers' numerics: the straight-through estimator's forward value and gradients, the in-graph search. */
class GraphOpsTest {

    @Test
    void searchInsideTheGraphFindsThePlainLoopsNearestCodeForEveryCodebookSize() {
        java.util.Random rnd = new java.util.Random(11);
        int n = 96, d = 16;
        for (int k : new int[]{2, 7, 512, 4096, 40000}) {
            float[] zv = new float[n * d], ev = new float[k * d];
            for (int i = 0; i < zv.length; i++) zv[i] = (float) rnd.nextGaussian();
            for (int i = 0; i < ev.length; i++) ev[i] = (float) rnd.nextGaussian();
            SameDiff sd = SameDiff.create();
            GraphOps.planSearchInGraph(sd, n);
            assertThat(GraphOps.searchesInGraph(sd, k)).isEqualTo((long) n * k <= GraphOps.GRAPH_SEARCH_MAX_SCORES);
            Quantizer owner = EmaQuantizerConfig.of(k, d).create("q.", 1);
            SDVariable z = sd.placeHolder("z", DataType.FLOAT, -1, d);
            SDVariable e = sd.constant("e", Nd4j.create(ev, new long[]{k, d}, DataType.FLOAT));
            SDVariable idx = GraphOps.searchedAssignment(sd, owner, z, e);
            assertThat(GraphOps.graphSearches(sd)).containsExactly(new GraphOps.GraphSearch(owner, "q.searched_input", idx.name()));
            long[] got = sd.output(Map.of("z", Nd4j.create(zv, new long[]{n, d}, DataType.FLOAT)), idx.name()).get(idx.name()).toLongVector();
            int compared = 0;
            for (int r = 0; r < n; r++) {
                double best = Double.MAX_VALUE, second = Double.MAX_VALUE;
                int arg = -1;
                for (int c = 0; c < k; c++) {
                    double dist = 0;
                    for (int j = 0; j < d; j++) {
                        double diff = zv[r * d + j] - ev[c * d + j];
                        dist += diff * diff;
                    }
                    if (dist < best) {
                        second = best;
                        best = dist;
                        arg = c;
                    } else if (dist < second) second = dist;
                }
                if (second - best < 1e-3) continue;   // a near tie: float32 may pick either
                assertThat(got[r]).as("row %d of %d codes", r, k).isEqualTo(arg);
                compared++;
            }
            assertThat(compared).isGreaterThan(n * 9 / 10);
        }
    }

    @Test
    void noGradientFlowsThroughTheSearch() {
        int n = 8, d = 4, k = 5;
        SameDiff sd = SameDiff.create();
        GraphOps.planSearchInGraph(sd, n);
        SDVariable z = sd.var("z", Nd4j.rand(DataType.FLOAT, n, d));
        SDVariable e = sd.constant("e", Nd4j.rand(DataType.FLOAT, k, d));
        SDVariable idx = GraphOps.searchedAssignment(sd, EmaQuantizerConfig.of(k, d).create("q.", 1), z, e);
        // a loss that depends on z only through the searched codes: its gradient must be zero
        SDVariable q = GraphOps.lookupValues(sd, idx, e);
        q.sum().add(z.mul(0.0).sum()).rename("objective");
        sd.setLossVariables("objective");
        INDArray g = sd.calculateGradients(Map.of(), "z").get("z");
        assertThat(g.amaxNumber().doubleValue()).isZero();
    }

    @Test
    void straightThroughForwardIsExactlyTheCodeAndItsGradientReachesOnlyTheInput() {
        // |z| ≫ |q|: z + (q − z) rounds q's low bits away in float32, so only an exact form passes
        int n = 64, d = 8;
        float[] zv = new float[n * d], qv = new float[n * d], wv = new float[n * d];
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < zv.length; i++) {
            zv[i] = (float) (1000 + 100 * rnd.nextGaussian());
            qv[i] = (float) (1e-3 * rnd.nextGaussian());
            wv[i] = (float) rnd.nextGaussian();
        }
        INDArray z = Nd4j.create(zv, new long[]{n, d}, DataType.FLOAT);
        INDArray q = Nd4j.create(qv, new long[]{n, d}, DataType.FLOAT);
        INDArray w = Nd4j.create(wv, new long[]{n, d}, DataType.FLOAT);
        float roundTrip = zv[0] + (qv[0] - zv[0]);
        assertThat(roundTrip).as("the inexact form loses q here").isNotEqualTo(qv[0]);

        SameDiff sd = SameDiff.create();
        SDVariable zVar = sd.var("z", z.dup());
        SDVariable qVar = sd.var("q", q.dup());
        SDVariable out = GraphOps.straightThrough(sd, zVar, qVar).rename("out");
        out.mul(sd.constant(w)).sum().rename("objective");
        sd.setLossVariables("objective");
        var oag = sd.calculateGradientsAndOutputs(Map.of(), List.of("out"), List.of("z", "q"));
        assertThat(oag.getOutputs().get("out").reshape(-1).toFloatVector()).containsExactly(qv);
        assertThat(oag.getGradients().get("z").reshape(-1).toFloatVector()).containsExactly(wv);
        INDArray gq = oag.getGradients().get("q");
        if (gq != null) assertThat(gq.amaxNumber().doubleValue()).isZero();
    }
}
