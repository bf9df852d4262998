package io.vqtok.autoencoders;

/**
 * Shape of the convolutional image encoder/decoder around the quantizer.
 *
 * <p>Encoder: {@code log2(downsampling)} convs 4×4 stride 2 (channels base·2^i, ReLU), optional residual
 * blocks, then a 3×3 conv to {@code latentDim}. Decoder mirrors it with 4×4 stride-2 transposed convs and a
 * sigmoid. Images are NCHW in [0, 1]; latents are {@code [N, latentDim, H/downsampling, W/downsampling]}.
 * The default (base 32, downsampling 4, no residual blocks) is the reference architecture of the
 * benchmarks: conv 4×4 s2 → 32, conv 4×4 s2 → 64, conv 3×3 → D.
 *
 * @param channels       image channels (1 gray, 3 RGB)
 * @param height         image height, divisible by {@code downsampling}
 * @param width          image width, divisible by {@code downsampling}
 * @param baseChannels   channels of the first conv; doubled at every further downsampling
 * @param downsampling   total stride: 2, 4, 8 or 16
 * @param residualBlocks residual blocks (3×3 conv, ReLU, 1×1 conv, skip) at the lowest resolution, in
 *                       both encoder and decoder
 * @param latentDim      D, the dimension of each latent vector (the quantizer's input)
 */
public record ImageAutoencoderConfig(int channels, int height, int width, int baseChannels, int downsampling,
                                     int residualBlocks, int latentDim) implements AutoencoderConfig {
    /** The largest image side a model is built for. */
    public static final int MAX_SIDE = 1 << 16;

    public ImageAutoencoderConfig {
        check(channels == 1 || channels == 3, "image channels must be 1 or 3, got " + channels);
        check(downsampling == 2 || downsampling == 4 || downsampling == 8 || downsampling == 16,
                "downsampling must be 2, 4, 8 or 16, got " + downsampling);
        check(height >= downsampling && height % downsampling == 0 && width >= downsampling && width % downsampling == 0,
                "image size " + height + "x" + width + " must be a multiple of the downsampling " + downsampling);
        check(height <= MAX_SIDE && width <= MAX_SIDE, "image size " + height + "x" + width + " exceeds " + MAX_SIDE + " pixels a side");
        check(baseChannels >= 1 && baseChannels <= 1024, "base channels must be in [1, 1024], got " + baseChannels);
        check(residualBlocks >= 0 && residualBlocks <= 16, "residual blocks must be in [0, 16], got " + residualBlocks);
        check(latentDim >= 1, "latent dimension must be >= 1, got " + latentDim);
    }

    private static void check(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    /** The reference architecture for 28×28 gray images (Fashion-MNIST) with latent dimension D. */
    public static ImageAutoencoderConfig fashionMnist(int latentDim) {
        return new ImageAutoencoderConfig(1, 28, 28, 32, 4, 0, latentDim);
    }

    /** Number of stride-2 stages. */
    public int levels() {
        return Integer.numberOfTrailingZeros(downsampling);
    }

    @Override
    public ImageAutoencoder create(long seed) {
        return new ImageAutoencoder(this, seed);
    }

    @Override
    public int latentHeight() {
        return height / downsampling;
    }

    @Override
    public int latentWidth() {
        return width / downsampling;
    }

    /** Channels after stride-2 stage i (0-based). */
    public int stageChannels(int i) {
        return baseChannels << i;
    }
}
