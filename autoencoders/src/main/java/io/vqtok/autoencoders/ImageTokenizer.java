package io.vqtok.autoencoders;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * An image tokenizer (VQ-VAE): convolutional encoder, quantizer, decoder.
 *
 * <p>{@link #encode} maps images {@code [N, C, H, W]} (floats in [0, 1]) to INT32 codes {@code [N, h, w]},
 * or {@code [N, h, w, Q]} for a Q-stage residual quantizer; {@link #decode} maps codes back to images.
 * Encoding and decoding need no training graph; both see the current weights of a tokenizer being trained.
 * Train with {@link TokenizerTrainer}; persist with {@link #save} and {@link #load}.
 */
public final class ImageTokenizer extends Tokenizer {
    /** Images per inference batch; bounds memory for any N. */
    public static final int INFERENCE_BATCH = DEFAULT_INFERENCE_BATCH;

    private final ImageAutoencoder autoencoder;

    ImageTokenizer(TokenizerConfig config, long seed) {
        super(config, seed);
        if (!(config.autoencoder() instanceof ImageAutoencoderConfig a))
            throw new IllegalArgumentException("an image tokenizer needs an image autoencoder, got " + config.autoencoder());
        this.autoencoder = a.create(seed);
    }

    /** A freshly initialised tokenizer. */
    public static ImageTokenizer create(TokenizerConfig config, long seed) {
        return new ImageTokenizer(config, seed);
    }

    @Override
    public ImageAutoencoder autoencoder() {
        return autoencoder;
    }

    /** The image encoder/decoder's shape. */
    public ImageAutoencoderConfig autoencoderConfig() {
        return autoencoder.config();
    }

    @Override
    public INDArray latentRows(INDArray images) {
        return flatten(latents(images));
    }

    /** Shape of the codes of one image: {@code [h, w]} or {@code [h, w, Q]}. */
    public long[] codeShape() {
        ImageAutoencoderConfig a = autoencoder.config();
        return quantizer.indexChannels() == 1 ? new long[]{a.latentHeight(), a.latentWidth()}
                : new long[]{a.latentHeight(), a.latentWidth(), quantizer.indexChannels()};
    }

    /** Encoder outputs {@code [N, D, h, w]} of images {@code [N, C, H, W]}. */
    public INDArray latents(INDArray images) {
        checkOpen();
        checkImages(images);
        SameDiff graph = encoderGraph();
        return batched(images, b -> graph.output(Map.of("x", b), "z").get("z"));
    }

    @Override
    SameDiff buildEncoderGraph() {
        SameDiff sd = SameDiff.create();
        ImageAutoencoderConfig a = autoencoder.config();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, a.channels(), a.height(), a.width());
        autoencoder.encode(sd, x).rename("z");
        return sd;
    }

    @Override
    SameDiff buildDecoderGraph() {
        SameDiff sd = SameDiff.create();
        ImageAutoencoderConfig a = autoencoder.config();
        SDVariable q = sd.placeHolder("q", DataType.FLOAT, -1, a.latentDim(), a.latentHeight(), a.latentWidth());
        autoencoder.decode(sd, q).rename("xhat");
        return sd;
    }

    /** INT32 codes {@code [N, h, w]} (or {@code [N, h, w, Q]}) of images {@code [N, C, H, W]}. */
    public INDArray encode(INDArray images) {
        INDArray z = latents(images);
        INDArray idx = quantizer.indices(flatten(z));
        long[] shape = new long[codeShape().length + 1];
        shape[0] = images.size(0);
        System.arraycopy(codeShape(), 0, shape, 1, codeShape().length);
        return idx.reshape(shape);
    }

    /** Images {@code [N, C, H, W]} decoded from codes {@code [N, h, w]} or {@code [N, h, w, Q]}. */
    public INDArray decode(INDArray codes) {
        return decode(codes, quantizer.indexChannels());
    }

    /** Images decoded with the first {@code stages} residual stages (all stages for other quantizers). */
    public INDArray decode(INDArray codes, int stages) {
        long[] expected = codeShape();
        long[] got = codes.shape();
        if (got.length != expected.length + 1 || !Arrays.equals(Arrays.copyOfRange(got, 1, got.length), expected))
            throw new IllegalArgumentException("codes of shape " + Arrays.toString(got) + " do not match [N, "
                    + Arrays.toString(expected).replaceAll("[\\[\\]]", "") + "]");
        long n = got[0];
        INDArray flat = codes.reshape(n * expected[0] * expected[1], quantizer.indexChannels());
        INDArray vectors = quantizer.codes(flat, stages);
        return decodeVectors(vectors.reshape(n, expected[0], expected[1], quantizer.dim()).permute(0, 3, 1, 2).dup('c'));
    }

    /** Images {@code [N, C, H, W]} decoded from quantized latents {@code [N, D, h, w]}. */
    public INDArray decodeVectors(INDArray latents) {
        checkOpen();
        SameDiff graph = decoderGraph();
        return batched(latents.castTo(DataType.FLOAT), b -> graph.output(Map.of("q", b), "xhat").get("xhat"));
    }

    /** decode(encode(images)). */
    public INDArray reconstruct(INDArray images) {
        return decode(encode(images));
    }

    /** The images of a dataset batch as the array the tokenizer takes, FLOAT {@code [B, C, H, W]} in [0, 1]. */
    public static INDArray images(io.vqtok.datasets.Batch batch) {
        return Nd4j.create(batch.pixels(), new long[]{batch.size(), batch.channels(), batch.height(), batch.width()}, DataType.FLOAT);
    }

    /** Loads an image tokenizer saved by {@link #save}; gives identical codes to the saved one. */
    public static ImageTokenizer load(Path file) throws IOException {
        return load(file, ImageTokenizer.class);
    }

    private void checkImages(INDArray images) {
        ImageAutoencoderConfig a = autoencoder.config();
        long[] s = images.shape();
        if (s.length != 4 || s[1] != a.channels() || s[2] != a.height() || s[3] != a.width())
            throw new IllegalArgumentException("images of shape " + Arrays.toString(s) + " do not match [N, "
                    + a.channels() + ", " + a.height() + ", " + a.width() + "]");
    }

    private INDArray batched(INDArray in, java.util.function.Function<INDArray, INDArray> f) {
        long n = in.size(0);
        int batch = inferenceBatchSize();
        if (n <= batch) return f.apply(in.castTo(DataType.FLOAT)).dup();
        INDArray out = null;
        for (long s = 0; s < n; s += batch) {
            long e = Math.min(n, s + batch);
            INDArray part = f.apply(in.get(NDArrayIndex.interval(s, e)).castTo(DataType.FLOAT).dup());
            if (out == null) {
                long[] shape = part.shape().clone();
                shape[0] = n;
                out = Nd4j.create(part.dataType(), shape);
            }
            out.get(NDArrayIndex.interval(s, e)).assign(part);
        }
        return out;
    }
}
