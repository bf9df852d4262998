package io.vqtok.autoencoders;

import io.vqtok.quantizers.QuantizerConfig;

/**
 * A tokenizer's architecture: the autoencoder (image or audio) and the quantizer between encoder and decoder.
 * The quantizer's dimension must equal the autoencoder's latent dimension.
 */
public record TokenizerConfig(AutoencoderConfig autoencoder, QuantizerConfig quantizer) {
    public TokenizerConfig {
        if (autoencoder == null || quantizer == null) throw new IllegalArgumentException("autoencoder and quantizer configs are required");
        if (quantizer.dim() != autoencoder.latentDim())
            throw new IllegalArgumentException("quantizer dimension " + quantizer.dim() + " does not match the latent dimension "
                    + autoencoder.latentDim());
    }
}
