package io.vqtok.autoencoders;

import io.vqtok.codebook.RandomArrays;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.DeConv2DConfig;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * Convolution parameters and ops shared by the encoders/decoders: NCHW data (the image model) or NHWC (the audio
 * model; {@link #dilatedConv} takes NHWC only), conv weights {@code [kH, kW, in, out]}, transposed-conv weights
 * {@code [kH, kW, out, in]} in either layout, all drawn from U(±1/√fan_in) as PyTorch's default.
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
        return conv(sd, params, name, x, kH, kW, sH, sW, pH, pW, dW, false);
    }

    /** A conv over NCHW data, or over NHWC data ({@code nhwc}); the weights are {@code [kH, kW, in, out]} either way. */
    static SDVariable conv(SameDiff sd, Map<String, INDArray> params, String name, SDVariable x,
                           int kH, int kW, int sH, int sW, int pH, int pW, int dW, boolean nhwc) {
        Conv2DConfig c = Conv2DConfig.builder().kH(kH).kW(kW).sH(sH).sW(sW).pH(pH).pW(pW).dH(1).dW(dW)
                .dataFormat(nhwc ? "NHWC" : "NCHW").build();
        return sd.cnn().conv2d(x, param(sd, params, name + ".w"), param(sd, params, name + ".b"), c);
    }

    /**
     * A same-length conv of odd width k and dilation d along the time axis of NHWC data {@code [N, 1, T, C]} (any T),
     * computed as an undilated conv on the d phases: T is zero-padded up to a multiple of d (the zeros the dilated
     * conv's own padding would read), viewed as {@code [N, T/d, d, C]} so that the taps t, t ± d, … of each phase are
     * neighbours along the height, convolved with the same weights as a {@code [k, 1, C, out]} kernel padded by
     * (k − 1)/2, and viewed back and cropped to T. ND4J 1.0.0-M2.1's oneDNN kernels reject every dilated conv ("could
     * not create a descriptor for a dilated convolution forward propagation primitive", NCHW and NHWC alike); this gives
     * the same values and gradients with tuned kernels.
     */
    static SDVariable dilatedConv(SameDiff sd, Map<String, INDArray> params, String name, SDVariable x, int k, int d) {
        if (k % 2 == 0) throw new IllegalArgumentException("dilated conv width must be odd, got " + k);
        SDVariable w = param(sd, params, name + ".w");
        long in = w.getShape()[2], out = w.getShape()[3];
        SDVariable s = sd.shape(x).castTo(DataType.INT64);
        SDVariable n = sd.slice(s, new int[]{0}, 1);
        SDVariable t = sd.slice(s, new int[]{2}, 1);
        SDVariable dd = sd.constant(Nd4j.createFromArray(new long[]{d}));
        SDVariable phaseLength = sd.math().floorDiv(t.add(d - 1), dd);                        // ceil(T / d)
        SDVariable padded = phaseLength.mul(dd);
        SDVariable pads = sd.concat(0, sd.constant(Nd4j.zeros(DataType.INT64, 5)), padded.sub(t),
                sd.constant(Nd4j.zeros(DataType.INT64, 2))).reshape(4, 2);
        SDVariable xp = sd.nn().pad(x, pads.castTo(DataType.INT32), org.nd4j.enums.PadMode.CONSTANT, 0.0);
        SDVariable phases = sd.reshape(xp, sd.concat(0, n, phaseLength, dd, sd.constant(Nd4j.createFromArray(new long[]{in}))));
        Conv2DConfig c = Conv2DConfig.builder().kH(k).kW(1).sH(1).sW(1).pH((k - 1) / 2).pW(0).dH(1).dW(1).dataFormat("NHWC").build();
        SDVariable y = sd.cnn().conv2d(phases, w.reshape(k, 1, in, out), param(sd, params, name + ".b"), c);
        SDVariable one = sd.constant(Nd4j.createFromArray(new long[]{1}));
        SDVariable outC = sd.constant(Nd4j.createFromArray(new long[]{out}));
        SDVariable back = sd.reshape(y, sd.concat(0, n, one, padded, outC));
        return sd.slice(back, sd.constant(Nd4j.zeros(DataType.INT64, 4)), sd.concat(0, n, one, t, outC));
    }

    static SDVariable deconv(SameDiff sd, Map<String, INDArray> params, String name, SDVariable x,
                             int kH, int kW, int sH, int sW, int pH, int pW) {
        return deconv(sd, params, name, x, kH, kW, sH, sW, pH, pW, false);
    }

    /** A transposed conv over NCHW or NHWC data; the weights are {@code [kH, kW, out, in]} either way. */
    static SDVariable deconv(SameDiff sd, Map<String, INDArray> params, String name, SDVariable x,
                             int kH, int kW, int sH, int sW, int pH, int pW, boolean nhwc) {
        DeConv2DConfig c = DeConv2DConfig.builder().kH(kH).kW(kW).sH(sH).sW(sW).pH(pH).pW(pW)
                .isSameMode(false).dataFormat(nhwc ? "NHWC" : "NCHW").build();
        return sd.cnn().deconv2d(x, param(sd, params, name + ".w"), param(sd, params, name + ".b"), c);
    }
}
