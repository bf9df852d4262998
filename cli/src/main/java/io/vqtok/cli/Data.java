package io.vqtok.cli;

import io.vqtok.datasets.Batch;
import io.vqtok.datasets.Batcher;
import io.vqtok.datasets.DataSources;
import io.vqtok.datasets.ImageDataset;
import io.vqtok.datasets.PrefetchingBatcher;
import io.vqtok.datasets.Split;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Iterator;

/** Glue between {@code datasets} (float arrays) and the models (ND4J arrays {@code [B, C, H, W]}). */
final class Data {
    private Data() {
    }

    /** The built-in speech corpus (made by scripts/make-speech-corpus.sh). */
    static final String SPEECH = "speech";

    /** Whether a --data spec names audio: "speech", or a folder holding WAV files (directly or under train/). */
    static boolean isAudio(String spec) {
        if (spec.equals(SPEECH)) return true;
        java.nio.file.Path p = java.nio.file.Path.of(spec);
        if (!java.nio.file.Files.isDirectory(p)) return false;
        java.nio.file.Path probe = java.nio.file.Files.isDirectory(p.resolve("train")) ? p.resolve("train") : p;
        try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.walk(probe, 3)) {
            return s.anyMatch(f -> f.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".wav"));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** An audio corpus split ("speech" is data/speech), resampled to {@code rate}. */
    static io.vqtok.datasets.audio.AudioFolderDataset openAudio(String spec, Split split, int rate) {
        return io.vqtok.datasets.audio.AudioFolderDataset.open(audioRoot(spec), split, rate);
    }

    /** The WAV files of an audio corpus split, read one at a time as they are asked for ("speech" is data/speech). */
    static io.vqtok.datasets.audio.AudioFileStream streamAudio(String spec, Split split, int rate) {
        return io.vqtok.datasets.audio.AudioFileStream.open(audioRoot(spec), split, rate);
    }

    /** The corpus folder of an audio --data spec: data/speech for "speech", else the path given. */
    private static java.nio.file.Path audioRoot(String spec) {
        return spec.equals(SPEECH) ? io.vqtok.datasets.audio.AudioFolderDataset.DEFAULT_DIR : java.nio.file.Path.of(spec);
    }

    static ImageDataset open(String spec, Split split, int channels) {
        return DataSources.open(spec, split, channels);
    }

    /** A dataset read once in order from disk, in constant memory (encoding, evaluation). */
    static ImageDataset openStreaming(String spec, Split split, int channels) {
        return DataSources.openStreaming(spec, split, channels);
    }

    static INDArray toArray(Batch b) {
        return io.vqtok.autoencoders.ImageTokenizer.images(b);
    }

    /** The dataset once, in order, in batches. */
    static Iterator<INDArray> inOrder(ImageDataset data, int batch, int limit) {
        ImageDataset d = limited(data, limit);
        Batcher b = new Batcher(d, Math.min(batch, d.size()), 0, false, false);
        return new Iterator<>() {
            public boolean hasNext() {
                return b.hasNext();
            }

            public INDArray next() {
                return toArray(b.next());
            }
        };
    }

    /** Batches of a dataset read once in order. */
    interface Batches extends Iterator<INDArray>, AutoCloseable {
        @Override
        void close();
    }

    /**
     * The dataset once, in order, in batches decoded one batch ahead on a background thread (a bounded queue of two
     * batches): reading and decoding overlap the model's work and memory stays constant for a streamed dataset.
     */
    static Batches prefetched(ImageDataset data, int batch, int limit) {
        ImageDataset d = limited(data, limit);
        PrefetchingBatcher b = new Batcher(d, Math.min(batch, d.size()), 0, false, false).prefetching();
        return new Batches() {
            public boolean hasNext() {
                return b.hasNext();
            }

            public INDArray next() {
                return toArray(b.next());
            }

            public void close() {
                b.close();
            }
        };
    }

    /** The first {@code limit} images of a dataset, or all of them when the limit is 0 or not below its size. */
    private static ImageDataset limited(ImageDataset data, int limit) {
        return limit > 0 && limit < data.size() ? new Prefix(data, limit) : data;
    }

    /** The first {@code n} images of a dataset. */
    record Prefix(ImageDataset data, int n) implements ImageDataset {
        public int size() {
            return n;
        }

        public int channels() {
            return data.channels();
        }

        public int height() {
            return data.height();
        }

        public int width() {
            return data.width();
        }

        public String description() {
            return data.description() + " (first " + n + ")";
        }

        public void copyImage(int index, float[] dst, int offset) {
            if (index >= n) throw new IndexOutOfBoundsException(index);
            data.copyImage(index, dst, offset);
        }
    }
}
