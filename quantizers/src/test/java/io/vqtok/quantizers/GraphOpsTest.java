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

/** The graph helpers' numerics: the straight-through estimator's forward value and gradients. */
class GraphOpsTest {

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
