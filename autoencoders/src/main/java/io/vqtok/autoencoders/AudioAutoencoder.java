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
 * height 1 over {@code [N, C, 1, T]} so that every backend's tuned conv kernels serve it. Fully convolutional:
 * any length that is a multiple of the hop encodes to length / hop frames and decodes back to that length.
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
            for (int j = 0; j < config.residualUnits(); j++) residual(r, "enc.s" + i + ".res" + j, config.stageChannels(i));
            conv(r, "enc.s" + i + ".down", AudioAutoencoderConfig.kernel(strides[i]), config.stageChannels(i), config.stageChannels(i + 1), false);
        }
        conv(r, "enc.out", 3, top, config.latentDim(), false);
        conv(r, "dec.in", 7, config.latentDim(), top, false);
        for (int i = stages - 1; i >= 0; i--) {
            conv(r, "dec.s" + i + ".up", AudioAutoencoderConfig.kernel(strides[i]), config.stageChannels(i + 1), config.stageChannels(i), true);
            for (int j = 0; j < config.residualUnits(); j++) residual(r, "dec.s" + i + ".res" + j, config.stageChannels(i));
        }
        conv(r, "dec.out", 7, config.stageChannels(0), 1, false);
    }

    private void residual(SplittableRandom r, String name, int ch) {
        conv(r, name + ".conv7", 7, ch, ch, false);
        conv(r, name + ".conv1", 1, ch, ch, false);
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
        SDVariable h = conv(sd, "enc.in", x, 7, 1, 1);
        for (int i = 0; i < strides.length; i++) {
            for (int j = 0; j < config.residualUnits(); j++) h = residualUnit(sd, "enc.s" + i + ".res" + j, h, pow3(j));
            int k = AudioAutoencoderConfig.kernel(strides[i]);
            h = Convs.conv(sd, params, "enc.s" + i + ".down", elu(sd, h), 1, k, 1, strides[i], 0, (k - strides[i]) / 2, 1);
        }
        return conv(sd, "enc.out", elu(sd, h), 3, 1, 1);
    }

    /** Latents {@code [N, D, 1, F]} → waveforms {@code [N, 1, 1, F · hop]}. */
    @Override
    public SDVariable decode(SameDiff sd, SDVariable q) {
        int[] strides = config.strides();
        SDVariable h = conv(sd, "dec.in", q, 7, 1, 1);
        for (int i = strides.length - 1; i >= 0; i--) {
            int k = AudioAutoencoderConfig.kernel(strides[i]);
            h = Convs.deconv(sd, params, "dec.s" + i + ".up", elu(sd, h), 1, k, 1, strides[i], 0, (k - strides[i]) / 2);
            for (int j = 0; j < config.residualUnits(); j++) h = residualUnit(sd, "dec.s" + i + ".res" + j, h, pow3(j));
        }
        return conv(sd, "dec.out", elu(sd, h), 7, 1, 1);
    }

    private static int pow3(int j) {
        int d = 1;
        for (int i = 0; i < j; i++) d *= 3;
        return d;
    }

    private static SDVariable elu(SameDiff sd, SDVariable x) {
        return sd.nn().elu(x);
    }

    /** x + conv1(ELU(conv7_dilated(ELU(x)))), length-preserving. */
    private SDVariable residualUnit(SameDiff sd, String name, SDVariable x, int dilation) {
        SDVariable h = Convs.conv(sd, params, name + ".conv7", elu(sd, x), 1, 7, 1, 1, 0, 3 * dilation, dilation);
        h = Convs.conv(sd, params, name + ".conv1", elu(sd, h), 1, 1, 1, 1, 0, 0, 1);
        return x.add(h);
    }

    /** A same-length conv of width k (k odd, padding (k − 1)/2) or a strided one. */
    private SDVariable conv(SameDiff sd, String name, SDVariable x, int k, int stride, int dilation) {
        return Convs.conv(sd, params, name, x, 1, k, 1, stride, 0, (k - 1) / 2 * dilation, dilation);
    }
}
