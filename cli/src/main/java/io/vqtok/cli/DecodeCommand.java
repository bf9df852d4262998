package io.vqtok.cli;

import io.vqtok.autoencoders.ImageAutoencoderConfig;
import io.vqtok.autoencoders.ImageTokenizer;
import io.vqtok.datasets.ImageWriter;
import io.vqtok.datasets.Npy;
import io.vqtok.datasets.NpyArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;

/** {@code vqtok decode}: code indices (.npy) back to images, as PNG files or a float32 .npy. */
@Command(name = "decode", mixinStandardHelpOptions = true, description = {"Decode code indices to images (a folder of PNGs, or a float32 .npy [N, C, H, W]).",
        "Audio models: a .npy [frames, Q] to a .wav file, or a folder written by 'vqtok encode' to a folder of WAVs."})
final class DecodeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model file written by vqtok train")
    Path model;

    @Option(names = "--codes", required = true, description = "int32/int64 .npy of shape [N, h, w] (or [N, h, w, Q])")
    Path codes;

    @Option(names = "--stages", description = "decode with the first n residual stages only (default: all)")
    Integer stages;

    @Option(names = "--out", required = true, description = "output folder of PNGs, or a file ending in .npy")
    Path out;

    @Override
    public Integer call() throws Exception {
        io.vqtok.autoencoders.Tokenizer loaded = io.vqtok.autoencoders.Tokenizer.load(model);
        if (loaded instanceof io.vqtok.autoencoders.AudioTokenizer a) {
            AudioCodes.decode(a, codes, out, stages);
            return 0;
        }
        ImageTokenizer t = (ImageTokenizer) loaded;
        NpyArray array = Npy.readIndexArray(codes);
        int[] idx = array.asInts();
        int[] shape = array.shape();
        long[] expected = t.codeShape();
        if (shape.length != expected.length + 1 || !Arrays.equals(Arrays.stream(shape).skip(1).asLongStream().toArray(), expected))
            throw new IllegalArgumentException(codes + ": codes of shape " + Arrays.toString(shape) + " do not match the model's [N, "
                    + String.join(", ", Arrays.stream(expected).mapToObj(Long::toString).toList()) + "]");
        CodeChecks.checkRange(codes, idx, t.quantizer().codebookSize());
        int q = stages == null ? t.quantizer().indexChannels() : stages;
        if (q < 1 || q > t.quantizer().indexChannels())
            throw new IllegalArgumentException("--stages must be in [1, " + t.quantizer().indexChannels() + "], got " + q);
        int n = shape[0];
        ImageAutoencoderConfig a = t.autoencoderConfig();
        int per = Arrays.stream(shape).skip(1).reduce(1, (x, y) -> x * y);
        int size = a.channels() * a.height() * a.width();
        // decoded and written batch by batch: only one batch of images is in memory at a time
        if (out.getFileName().toString().toLowerCase().endsWith(".npy")) {
            Npy.streamFloats(out, sink -> forEachBatch(t, idx, shape, per, q, sink::write), n, a.channels(), a.height(), a.width());
        } else {
            int digits = Math.max(6, Integer.toString(n - 1).length());
            AtomicFolder.write(out, dir -> {
                int[] next = {0};
                forEachBatch(t, idx, shape, per, q, pixels -> {
                    for (int i = 0; i < pixels.length / size; i++, next[0]++)
                        ImageWriter.writePng(dir.resolve(String.format("%0" + digits + "d.png", next[0])),
                                Arrays.copyOfRange(pixels, i * size, (i + 1) * size), a.channels(), a.height(), a.width());
                });
            });
        }
        System.err.printf("decoded %d images to %s%n", n, out);
        return 0;
    }

    /** Receives the decoded pixels of one batch (NCHW floats). */
    private interface PixelSink {
        void accept(float[] pixels) throws IOException;
    }

    /** Decodes the codes {@code idx} of shape {@code shape} in batches of {@link ImageTokenizer#INFERENCE_BATCH} images. */
    private static void forEachBatch(ImageTokenizer t, int[] idx, int[] shape, int per, int stages, PixelSink sink) throws IOException {
        int n = shape[0];
        for (int s = 0; s < n; s += ImageTokenizer.INFERENCE_BATCH) {
            int e = Math.min(n, s + ImageTokenizer.INFERENCE_BATCH);
            long[] batchShape = Arrays.stream(shape).asLongStream().toArray();
            batchShape[0] = e - s;
            INDArray codes = Nd4j.createFromArray(Arrays.copyOfRange(idx, s * per, e * per)).reshape(batchShape);
            sink.accept(t.decode(codes, stages).castTo(DataType.FLOAT).dup('c').data().asFloat());
        }
    }
}
