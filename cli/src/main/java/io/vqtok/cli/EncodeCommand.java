package io.vqtok.cli;

import io.vqtok.autoencoders.ImageTokenizer;
import io.vqtok.datasets.ImageDataset;
import io.vqtok.datasets.Npy;
import io.vqtok.datasets.Split;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code vqtok encode}: a dataset to int32 code indices in a .npy file. */
@Command(name = "encode", mixinStandardHelpOptions = true,
        description = {"Encode images to code indices (int32 .npy, shape [N, h, w] or [N, h, w, Q]), streamed in constant memory.",
                "Audio models: a folder with one int32 .npy [frames, Q] per WAV file and an index.tsv."})
final class EncodeCommand implements Callable<Integer> {
    @Mixin
    DataOptions in;

    @Option(names = "--out", required = true, description = "output .npy file (audio: output folder)")
    Path out;

    @Override
    public Integer call() throws Exception {
        io.vqtok.autoencoders.Tokenizer loaded = io.vqtok.autoencoders.Tokenizer.load(in.model);
        if (loaded instanceof io.vqtok.autoencoders.AudioTokenizer a) {
            AudioCodes.encode(a, Data.streamAudio(in.data, Split.parse(in.split), a.sampleRate()), out, in.limit);
            return 0;
        }
        ImageTokenizer t = (ImageTokenizer) loaded;
        ImageDataset d = ModelData.open(in.data, Split.parse(in.split), t);
        int n = in.limit > 0 ? Math.min(in.limit, d.size()) : d.size();
        long[] codeShape = t.codeShape();
        int[] shape = new int[codeShape.length + 1];
        shape[0] = n;
        for (int i = 0; i < codeShape.length; i++) shape[i + 1] = (int) codeShape[i];
        long t0 = System.nanoTime();
        // codes are streamed batch by batch: constant memory for any dataset size
        // images are read and decoded one batch ahead on a background thread, codes are streamed batch by batch:
        // constant memory for any dataset size
        Npy.streamInts(out, sink -> {
            try (Data.Batches batches = Data.prefetched(d, ImageTokenizer.INFERENCE_BATCH, n)) {
                while (batches.hasNext()) sink.write(t.encode(batches.next()).reshape(-1).toIntVector());
            }
        }, shape);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.err.printf("encoded %d images to %s %s in %.2f s (%.0f img/s)%n", n, out, java.util.Arrays.toString(shape), seconds, n / seconds);
        return 0;
    }
}
