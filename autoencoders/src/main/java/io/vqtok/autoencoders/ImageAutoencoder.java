package io.vqtok.autoencoders;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Convolutional encoder/decoder pair for images, built into SameDiff graphs from one set of live
 * parameter arrays, so a training graph and the inference graphs always share the same weights.
 *
 * <p>Layouts: images {@code [N, C, H, W]} (NCHW, values in [0, 1]); latents {@code [N, D, h, w]};
 * conv weights {@code [kH, kW, in, out]}, transposed-conv weights {@code [kH, kW, out, in]}.
 * Weights start from U(±1/√fan_in), as PyTorch's default, with a seeded generator.
 */
public final class ImageAutoencoder implements Autoencoder {
    private final ImageAutoencoderConfig config;
    private final Map<String, INDArray> params = new LinkedHashMap<>();

    public ImageAutoencoder(ImageAutoencoderConfig config, long seed) {
        this.config = config;
        SplittableRandom r = new SplittableRandom(seed);
        int c = config.channels();
        int top = config.stageChannels(config.levels() - 1);
        // encoder
        int in = c;
        for (int i = 0; i < config.levels(); i++) {
            conv(r, "enc.down" + i, 4, in, config.stageChannels(i), false);
            in = config.stageChannels(i);
        }
        for (int b = 0; b < config.residualBlocks(); b++) residual(r, "enc.res" + b, top);
        conv(r, "enc.out", 3, top, config.latentDim(), false);
        // decoder
        conv(r, "dec.in", 3, config.latentDim(), top, false);
        for (int b = 0; b < config.residualBlocks(); b++) residual(r, "dec.res" + b, top);
        for (int i = config.levels() - 1; i >= 0; i--) {
            int out = i == 0 ? c : config.stageChannels(i - 1);
            conv(r, "dec.up" + i, 4, config.stageChannels(i), out, true);
        }
    }

    private void residual(SplittableRandom r, String name, int ch) {
        conv(r, name + ".conv3", 3, ch, ch, false);
        conv(r, name + ".conv1", 1, ch, ch, false);
    }

    private void conv(SplittableRandom r, String name, int k, int in, int out, boolean transposed) {
        Convs.init(params, r, name, k, k, in, out, transposed);
    }

    @Override
    public ImageAutoencoderConfig config() {
        return config;
    }

    @Override
    public Map<String, INDArray> parameters() {
        return Collections.unmodifiableMap(params);
    }

    /** Adds the encoder: images {@code [N, C, H, W]} → latents {@code [N, D, h, w]}. */
    @Override
    public SDVariable encode(SameDiff sd, SDVariable x) {
        SDVariable h = x;
        for (int i = 0; i < config.levels(); i++) h = sd.nn().relu(conv(sd, "enc.down" + i, h, 4, 2, 1), 0);
        for (int b = 0; b < config.residualBlocks(); b++) h = residualBlock(sd, "enc.res" + b, h);
        return conv(sd, "enc.out", h, 3, 1, 1);
    }

    /** Adds the decoder: latents {@code [N, D, h, w]} → images {@code [N, C, H, W]} in (0, 1). */
    @Override
    public SDVariable decode(SameDiff sd, SDVariable q) {
        SDVariable h = sd.nn().relu(conv(sd, "dec.in", q, 3, 1, 1), 0);
        for (int b = 0; b < config.residualBlocks(); b++) h = residualBlock(sd, "dec.res" + b, h);
        for (int i = config.levels() - 1; i >= 0; i--) {
            h = deconv(sd, "dec.up" + i, h);
            h = i == 0 ? sd.nn().sigmoid(h) : sd.nn().relu(h, 0);
        }
        return h;
    }

    private SDVariable residualBlock(SameDiff sd, String name, SDVariable x) {
        SDVariable h = conv(sd, name + ".conv3", sd.nn().relu(x, 0), 3, 1, 1);
        h = conv(sd, name + ".conv1", sd.nn().relu(h, 0), 1, 1, 0);
        return x.add(h);
    }

    private SDVariable conv(SameDiff sd, String name, SDVariable x, int k, int stride, int pad) {
        return Convs.conv(sd, params, name, x, k, k, stride, stride, pad, pad, 1);
    }

    private SDVariable deconv(SameDiff sd, String name, SDVariable x) {
        return Convs.deconv(sd, params, name, x, 4, 4, 2, 2, 1, 1);
    }
}
