package io.vqtok.autoencoders;

import io.vqtok.codebook.RandomArrays;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.DeConv2DConfig;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * Convolution parameters and ops shared by the encoders/decoders: NCHW data, conv weights {@code [kH, kW, in, out]},
 * transposed-conv weights {@code [kH, kW, out, in]}, all drawn from U(±1/√fan_in) as PyTorch's default.
 */
final class Convs {
    private Convs() {
    }

    /** Draws weight then bias of a (transposed) conv into {@code params} as {@code name.w}, {@code name.b}. */
    static void init(Map<String, INDArray> params, SplittableRandom r, String name, int kH, int kW, int in, int out, boolean transposed) {
        // PyTorch computes fan_in of a transposed conv from its weight's second axis (out channels)
        double bound = 1.0 / Math.sqrt((double) (transposed ? out : in) * kH * kW);
        params.put(name + ".w", RandomArrays.uniform(r, bound, kH, kW, transposed ? out : in, transposed ? in : out));
        params.put(name + ".b", RandomArrays.uniform(r, bound, out));
    }

    /** The graph variable of a parameter, created from its live array on first use. */
    static SDVariable param(SameDiff sd, Map<String, INDArray> params, String name) {
        SDVariable v = sd.getVariable(name);
        return v != null ? v : sd.var(name, params.get(name));
    }

    static SDVariable conv(SameDiff sd, Map<String, INDArray> params, String name, SDVariable x,
                           int kH, int kW, int sH, int sW, int pH, int pW, int dW) {
        Conv2DConfig c = Conv2DConfig.builder().kH(kH).kW(kW).sH(sH).sW(sW).pH(pH).pW(pW).dH(1).dW(dW)
                .dataFormat("NCHW").build();
        return sd.cnn().conv2d(x, param(sd, params, name + ".w"), param(sd, params, name + ".b"), c);
    }

    static SDVariable deconv(SameDiff sd, Map<String, INDArray> params, String name, SDVariable x,
                             int kH, int kW, int sH, int sW, int pH, int pW) {
        DeConv2DConfig c = DeConv2DConfig.builder().kH(kH).kW(kW).sH(sH).sW(sW).pH(pH).pW(pW)
                .isSameMode(false).dataFormat("NCHW").build();
        return sd.cnn().deconv2d(x, param(sd, params, name + ".w"), param(sd, params, name + ".b"), c);
    }
}
