package io.vqtok.autoencoders;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * The shape of an encoder/decoder pair, saved with every model under a "type" tag ("image" is assumed for
 * files written before audio existed). Inputs are NCHW {@code [N, channels, height, width]} (audio: one channel,
 * height 1, width = samples); latents are {@code [N, latentDim, latentHeight, latentWidth]}.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type", defaultImpl = ImageAutoencoderConfig.class)
@JsonSubTypes({
        @JsonSubTypes.Type(value = ImageAutoencoderConfig.class, name = "image"),
        @JsonSubTypes.Type(value = AudioAutoencoderConfig.class, name = "audio")
})
public sealed interface AutoencoderConfig permits ImageAutoencoderConfig, AudioAutoencoderConfig {
    /** Input channels. */
    int channels();

    /** Input height (1 for audio). */
    int height();

    /** Input width (samples per training segment for audio). */
    int width();

    /** D, the dimension of each latent vector (the quantizer's input). */
    int latentDim();

    /** Latent rows per input. */
    int latentHeight();

    /** Latent columns per input. */
    int latentWidth();

    /** Builds the encoder/decoder with parameters drawn from {@code seed}. */
    Autoencoder create(long seed);
}
