package io.vqtok.autoencoders;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The 1-D convolutional waveform encoder/decoder of {@link AudioAutoencoderConfig}, written with 2-D convs of
 * height 1 so that every backend's tuned conv kernels serve it. Inside, activations are NHWC {@code [N, 1, T, C]}
 * (channels innermost: oneDNN's convs run 1.3-2.7x faster on these narrow layers than over NCHW {@code [N, C, 1, T]},
 * BENCHMARKS.md); inputs and outputs keep the NCHW shapes below. Fully convolutional: any length that is a multiple of
 * the hop encodes to length / hop frames and decodes back to that length.
 */
public final class AudioAutoencoder implements Autoencoder {
    private final AudioAutoencoderConfig config;
    private final Map<String, INDArray> params = new LinkedHashMap<>();

    public AudioAutoencoder(AudioAutoencoderConfig config, long seed) {
        this.config = config;
        SplittableRandom r = new SplittableRandom(seed);
        int[] strides = config.strides();
        int stages = strides.length;
        int top = config.stageChannels(stages);
        conv(r, "enc.in", 7, 1, config.stageChannels(0), false);
        for (int i = 0; i < stages; i++) {
            for (int j = 0; j < config.encoderResidualUnits(); j++) residual(r, "enc.s" + i + ".res" + j, config.stageChannels(i));
            activation("enc.s" + i + ".down", config.stageChannels(i));
            conv(r, "enc.s" + i + ".down", AudioAutoencoderConfig.kernel(strides[i]), config.stageChannels(i), config.stageChannels(i + 1), false);
        }
        activation("enc.out", top);
        conv(r, "enc.out", 3, top, config.latentDim(), false);
        conv(r, "dec.in", 7, config.latentDim(), top, false);
        for (int i = stages - 1; i >= 0; i--) {
            activation("dec.s" + i + ".up", config.stageChannels(i + 1));
            conv(r, "dec.s" + i + ".up", AudioAutoencoderConfig.kernel(strides[i]), config.stageChannels(i + 1), config.stageChannels(i), true);
            for (int j = 0; j < config.residualUnits(); j++) residual(r, "dec.s" + i + ".res" + j, config.stageChannels(i));
        }
        activation("dec.out", config.stageChannels(0));
        conv(r, "dec.out", 7, config.stageChannels(0), 1, false);
    }

    private void residual(SplittableRandom r, String name, int ch) {
        activation(name + ".conv7", ch);
        conv(r, name + ".conv7", 7, ch, ch, false);
        activation(name + ".conv1", ch);
        conv(r, name + ".conv1", 1, ch, ch, false);
    }

    /** Snake's α {@code [1, C, 1, 1]} for the activation in front of the conv {@code conv}, initialised to 1 (ELU has none). */
    private void activation(String conv, int channels) {
        if (config.activation() == AudioAutoencoderConfig.Activation.SNAKE)
            params.put(conv + ".snake", org.nd4j.linalg.factory.Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, channels, 1, 1));
    }

    private void conv(SplittableRandom r, String name, int k, int in, int out, boolean transposed) {
        Convs.init(params, r, name, 1, k, in, out, transposed);
    }

    @Override
    public AudioAutoencoderConfig config() {
        return config;
    }

    @Override
    public Map<String, INDArray> parameters() {
        return Collections.unmodifiableMap(params);
    }

    /** Waveforms {@code [N, 1, 1, T]} → latents {@code [N, D, 1, T / hop]}. */
    @Override
    public SDVariable encode(SameDiff sd, SDVariable x) {
        int[] strides = config.strides();
        SDVariable h = conv(sd, "enc.in", sd.permute(x, 0, 2, 3, 1), 7, 1, 1);
        for (int i = 0; i < strides.length; i++) {
            for (int j = 0; j < config.encoderResidualUnits(); j++) h = residualUnit(sd, "enc.s" + i + ".res" + j, h, AudioAutoencoderConfig.dilation(j));
            int k = AudioAutoencoderConfig.kernel(strides[i]);
            String down = "enc.s" + i + ".down";
            h = Convs.conv(sd, params, down, act(sd, down, h), 1, k, 1, strides[i], 0, (k - strides[i]) / 2, 1, true);
        }
        SDVariable z = conv(sd, "enc.out", act(sd, "enc.out", h), 3, 1, 1);
        return sd.permute(z, 0, 3, 1, 2);
    }

    /** Latents {@code [N, D, 1, F]} → waveforms {@code [N, 1, 1, F · hop]}. */
    @Override
    public SDVariable decode(SameDiff sd, SDVariable q) {
        int[] strides = config.strides();
        SDVariable h = conv(sd, "dec.in", sd.permute(q, 0, 2, 3, 1), 7, 1, 1);
        for (int i = strides.length - 1; i >= 0; i--) {
            int k = AudioAutoencoderConfig.kernel(strides[i]);
            String up = "dec.s" + i + ".up";
            h = Convs.deconv(sd, params, up, act(sd, up, h), 1, k, 1, strides[i], 0, (k - strides[i]) / 2, true);
            for (int j = 0; j < config.residualUnits(); j++) h = residualUnit(sd, "dec.s" + i + ".res" + j, h, AudioAutoencoderConfig.dilation(j));
        }
        SDVariable y = conv(sd, "dec.out", act(sd, "dec.out", h), 7, 1, 1);
        return sd.permute(y, 0, 3, 1, 2);
    }

    /**
     * The activation in front of the conv {@code conv}: ELU, or Snake x + sin²(αx)/(α + 1e-9) with that conv's α
     * (stored {@code [1, C, 1, 1]}) broadcast over {@code [N, 1, T, C]} (the 1e-9 as DAC's, against α reaching 0).
     */
    private SDVariable act(SameDiff sd, String conv, SDVariable x) {
        if (config.activation() == AudioAutoencoderConfig.Activation.ELU) return sd.nn().elu(x);
        SDVariable alpha = Convs.param(sd, params, conv + ".snake");
        return snake(sd, x, alpha.reshape(1, 1, 1, alpha.getShape()[1]));
    }

    /** Snake x + sin²(αx)/(α + 1e-9) of x with α broadcast over it (per channel: {@code [1, C, 1, 1]} for NCHW x, {@code [1, 1, 1, C]} for NHWC). */
    static SDVariable snake(SameDiff sd, SDVariable x, SDVariable alpha) {
        SDVariable s = sd.math().sin(x.mul(alpha));
        return x.add(s.mul(s).div(alpha.add(1e-9)));
    }

    /** x + conv1(σ(conv7_dilated(σ(x)))), length-preserving. */
    private SDVariable residualUnit(SameDiff sd, String name, SDVariable x, int dilation) {
        SDVariable a = act(sd, name + ".conv7", x);
        SDVariable h = dilation == 1 ? Convs.conv(sd, params, name + ".conv7", a, 1, 7, 1, 1, 0, 3, 1, true)
                : Convs.dilatedConv(sd, params, name + ".conv7", a, 7, dilation);
        h = Convs.conv(sd, params, name + ".conv1", act(sd, name + ".conv1", h), 1, 1, 1, 1, 0, 0, 1, true);
        return x.add(h);
    }

    /** A same-length conv of width k (k odd, padding (k − 1)/2) or a strided one. */
    private SDVariable conv(SameDiff sd, String name, SDVariable x, int k, int stride, int dilation) {
        return Convs.conv(sd, params, name, x, 1, k, 1, stride, 0, (k - 1) / 2 * dilation, dilation, true);
    }
}
