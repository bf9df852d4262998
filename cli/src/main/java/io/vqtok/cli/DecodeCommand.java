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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code vqtok decode}: code indices (.npy) back to images, as PNG files or a float32 .npy. */
@Command(name = "decode", mixinStandardHelpOptions = true, description = "Decode code indices to images (a folder of PNGs, or a float32 .npy [N, C, H, W]).")
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
        ImageTokenizer t = ImageTokenizer.load(model);
        NpyArray array = Npy.readIndexArray(codes);
        int[] idx = array.asInts();
        int[] shape = array.shape();
        long[] expected = t.codeShape();
        if (shape.length != expected.length + 1 || !Arrays.equals(Arrays.stream(shape).skip(1).asLongStream().toArray(), expected))
            throw new IllegalArgumentException(codes + ": codes of shape " + Arrays.toString(shape) + " do not match the model's [N, "
                    + String.join(", ", Arrays.stream(expected).mapToObj(Long::toString).toList()) + "]");
        for (int v : idx) {
            if (v >= t.quantizer().codebookSize())
                throw new IllegalArgumentException(codes + ": code index " + v + " out of range [0, " + t.quantizer().codebookSize() + ")");
        }
        int q = stages == null ? t.quantizer().indexChannels() : stages;
        if (q < 1 || q > t.quantizer().indexChannels())
            throw new IllegalArgumentException("--stages must be in [1, " + t.quantizer().indexChannels() + "], got " + q);
        int n = shape[0];
        long[] full = Arrays.stream(shape).asLongStream().toArray();
        INDArray all = Nd4j.createFromArray(idx).reshape(full);
        INDArray images = t.decode(all, q);
        ImageAutoencoderConfig a = t.config().autoencoder();
        float[] pixels = images.castTo(DataType.FLOAT).dup('c').data().asFloat();
        if (out.getFileName().toString().toLowerCase().endsWith(".npy")) {
            Npy.writeFloats(out, pixels, n, a.channels(), a.height(), a.width());
        } else {
            writePngFolder(pixels, n, a);
        }
        System.err.printf("decoded %d images to %s%n", n, out);
        return 0;
    }

    /** PNGs go to a temporary sibling folder first, renamed into place when all are written. */
    private void writePngFolder(float[] pixels, int n, ImageAutoencoderConfig a) throws IOException {
        Path target = out.toAbsolutePath();
        if (Files.exists(target) && (!Files.isDirectory(target) || hasFiles(target)))
            throw new IllegalArgumentException(out + " exists and is not an empty folder");
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".");
        try {
            int size = a.channels() * a.height() * a.width();
            int digits = Math.max(6, Integer.toString(n - 1).length());
            for (int i = 0; i < n; i++) {
                float[] one = Arrays.copyOfRange(pixels, i * size, (i + 1) * size);
                ImageWriter.writePng(tmp.resolve(String.format("%0" + digits + "d.png", i)), one, a.channels(), a.height(), a.width());
            }
            if (Files.isDirectory(target)) Files.delete(target);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            if (Files.exists(tmp)) deleteTree(tmp);
        }
    }

    private static boolean hasFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isPresent();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
