package io.vqtok.autoencoders;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

/**
 * An encoder/decoder pair built into SameDiff graphs from one set of live parameter arrays, so that a training
 * graph and the inference graphs always share the same weights. Layouts are NCHW (see {@link AutoencoderConfig}).
 */
public interface Autoencoder {
    AutoencoderConfig config();

    /** Live parameter arrays by name. */
    Map<String, INDArray> parameters();

    /** Adds the encoder: inputs {@code [N, C, H, W]} → latents {@code [N, D, h, w]}. */
    SDVariable encode(SameDiff sd, SDVariable x);

    /** Adds the decoder: latents {@code [N, D, h, w]} → inputs {@code [N, C, H, W]}. */
    SDVariable decode(SameDiff sd, SDVariable q);
}
