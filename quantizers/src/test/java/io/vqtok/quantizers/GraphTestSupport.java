package io.vqtok.quantizers;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

/** Builds objective = Σ w ⊙ quantized + Σ losses around a quantizer and computes gradients. */
final class GraphTestSupport {
    private GraphTestSupport() {
    }

    record Result(INDArray quantized, INDArray indices, INDArray gradZ, Map<String, INDArray> gradParams,
                  Map<String, INDArray> outputs, StepContext context) {
    }

    static INDArray m(double[][] v) {
        return Nd4j.create(v).castTo(DataType.FLOAT);
    }

    static Result run(Quantizer q, INDArray z, INDArray w) {
        SameDiff sd = SameDiff.create();
        SDVariable zv = sd.var("z", z.dup());
        GraphQuantization g = q.quantize(sd, zv);
        StepContext context = new StepContext();
        q.prepare(z.dup(), context);
        SDVariable objective = g.quantized().mul(sd.constant(w)).sum();
        for (SDVariable l : g.losses().values()) objective = objective.add(l);
        objective.rename("objective");
        sd.setLossVariables("objective");
        List<String> gradFor = new java.util.ArrayList<>(q.parameters().keySet());
        gradFor.add("z");
        List<String> outs = new java.util.ArrayList<>(List.of(g.quantized().name(), g.indices().name()));
        for (SDVariable l : g.losses().values()) outs.add(l.name());
        var oag = sd.calculateGradientsAndOutputs(context.placeholders(), outs, gradFor);
        Map<String, INDArray> grads = new java.util.HashMap<>(oag.getGradients());
        INDArray gz = grads.remove("z");
        return new Result(oag.getOutputs().get(g.quantized().name()), oag.getOutputs().get(g.indices().name()), gz, grads, oag.getOutputs(), context);
    }
}
