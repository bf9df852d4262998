package io.vqtok.cli;

import io.vqtok.autoencoders.AudioTokenizer;
import io.vqtok.datasets.Npy;
import io.vqtok.datasets.NpyArray;
import io.vqtok.datasets.audio.Audio;
import io.vqtok.datasets.audio.AudioFileStream;
import io.vqtok.datasets.audio.WavFile;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Audio files to code files and back. Codes of one file are an int32 .npy {@code [F, C]} (frames × index channels);
 * a folder of them mirrors the audio folder's layout, with {@code index.tsv} (file, samples, frames) so that
 * decoding restores each file's exact length.
 */
final class AudioCodes {
    static final String INDEX = "index.tsv";

    private AudioCodes() {
    }

    /**
     * Encodes the files as one stream ({@link AudioTokenizer#encodeAll}), each file read and resampled on a background
     * thread one ahead of the encoder, and its codes written as soon as they are known: memory holds the clips of about
     * one encoder call (and the longest file), whatever the corpus size.
     */
    static void encode(AudioTokenizer t, AudioFileStream d, Path out, int limit) throws IOException {
        int n = limit > 0 ? Math.min(limit, d.size()) : d.size();
        long t0 = System.nanoTime();
        double[] seconds = {0};
        java.util.concurrent.ExecutorService reader = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread th = new Thread(r, "vqtok-audio-reader");
            th.setDaemon(true);
            return th;
        });
        try {
            AtomicFolder.write(out, dir -> encodeInto(t, d, n, dir, reader, seconds));
        } finally {
            reader.shutdownNow();
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        System.err.printf(Locale.ROOT, "encoded %d files (%.1f s of audio) to %s in %.2f s (%.1fx real time)%n", n, seconds[0], out, wall, seconds[0] / wall);
    }

    private static void encodeInto(AudioTokenizer t, AudioFileStream d, int n, Path dir, java.util.concurrent.ExecutorService reader,
                                   double[] seconds) throws IOException {
        StringBuilder index = new StringBuilder("file\tsamples\tframes\n");
        int c = t.quantizer().indexChannels();
        // the files in order, each read one ahead of the encoder and checked; the encoder reads as it needs
        java.util.ArrayDeque<Integer> lengths = new java.util.ArrayDeque<>();   // samples of the files read, not yet written
        java.util.Iterator<float[]> files = new java.util.Iterator<>() {
            private int next;
            private java.util.concurrent.Future<float[]> ahead = n > 0 ? reader.submit(() -> d.clip(0)) : null;

            @Override
            public boolean hasNext() {
                return next < n;
            }

            @Override
            public float[] next() {
                float[] x;
                try {
                    x = await(ahead);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                final int following = next + 1;
                ahead = following < n ? reader.submit(() -> d.clip(following)) : null;
                try {
                    AudioTokenizer.checkWaveform(x);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(d.files().get(next) + ": " + e.getMessage(), e);
                }
                next++;
                lengths.add(x.length);
                return x;
            }
        };
        int written = 0;
        try {
            java.util.Iterator<INDArray> codes = t.encodeAll(files);
            while (codes.hasNext()) {
                INDArray code = codes.next();
                int frames = (int) code.size(0);
                String rel = stem(d.root().relativize(d.files().get(written))) + ".npy";
                Path file = dir.resolve(rel);
                Files.createDirectories(file.getParent());
                Npy.writeInts(file, code.reshape((long) frames * c).toIntVector(), frames, c);
                int samples = lengths.poll();
                index.append(rel).append('\t').append(samples).append('\t').append(frames).append('\n');
                seconds[0] += samples / (double) t.sampleRate();
                written++;
            }
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
        Files.writeString(dir.resolve(INDEX), index.toString(), StandardCharsets.UTF_8);
    }

    /** The read's result; its failure (e.g. an unreadable WAV file) is rethrown as it was. */
    private static float[] await(java.util.concurrent.Future<float[]> read) throws IOException {
        try {
            return read.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading audio", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IOException(e.getCause());
        }
    }

    /** Decodes one .npy to a WAV file, or a folder of them (with its index) to a folder of WAVs. */
    static void decode(AudioTokenizer t, Path codes, Path out, Integer stages) throws IOException {
        int q = stages == null ? t.quantizer().indexChannels() : stages;
        if (q < 1 || q > t.quantizer().indexChannels())
            throw new IllegalArgumentException("--stages must be in [1, " + t.quantizer().indexChannels() + "], got " + q);
        if (!Files.exists(codes)) throw new IllegalArgumentException(codes + ": no such code file or folder");
        if (!Files.isDirectory(codes)) {
            if (!out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".wav"))
                throw new IllegalArgumentException("--out must end in .wav when --codes is one .npy file, got " + out);
            WavFile.write(out, new Audio(AudioTraining.clip(decodeFile(t, codes, q)), t.sampleRate()));
            System.err.printf("decoded %s to %s%n", codes, out);
            return;
        }
        Map<String, Integer> lengths = readIndex(codes);
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(codes)) {
            s.filter(p -> p.getFileName().toString().endsWith(".npy")).sorted().forEach(files::add);
        }
        if (files.isEmpty()) throw new IllegalArgumentException(codes + ": no .npy code files found");
        AtomicFolder.write(out, dir -> {
            for (Path f : files) {
                String rel = codes.relativize(f).toString();
                float[] y = decodeFile(t, f, q);
                Integer length = lengths.get(rel);
                if (length != null) y = java.util.Arrays.copyOf(y, Math.min(length, y.length));
                Path wav = dir.resolve(stem(Path.of(rel)) + ".wav");
                Files.createDirectories(wav.getParent());
                WavFile.write(wav, new Audio(AudioTraining.clip(y), t.sampleRate()));
            }
        });
        System.err.printf("decoded %d files to %s%n", files.size(), out);
    }

    private static float[] decodeFile(AudioTokenizer t, Path file, int stages) {
        NpyArray a = Npy.readIndexArray(file);
        int[] shape = a.shape();
        int c = t.quantizer().indexChannels();
        if (shape.length != 2 || shape[1] != c || shape[0] < 1)
            throw new IllegalArgumentException(file + ": codes of shape " + java.util.Arrays.toString(shape) + " do not match the model's [F, " + c + "]");
        int[] codes = a.asInts();
        CodeChecks.checkRange(file, codes, t.quantizer().codebookSize());
        return t.decode(Nd4j.createFromArray(codes).reshape(shape[0], c), stages);
    }

    private static Map<String, Integer> readIndex(Path dir) throws IOException {
        Map<String, Integer> m = new HashMap<>();
        Path index = dir.resolve(INDEX);
        if (!Files.exists(index)) return m;
        List<String> lines = Files.readAllLines(index, StandardCharsets.UTF_8);
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split("\t");
            if (f.length != 3) throw new IllegalArgumentException(index + ": line " + (i + 1) + " is not 'file<TAB>samples<TAB>frames'");
            try {
                m.put(f[0], Integer.parseInt(f[1]));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(index + ": line " + (i + 1) + ": samples '" + f[1] + "' is not an integer");
            }
        }
        return m;
    }

    private static String stem(Path rel) {
        String s = rel.toString();
        int dot = s.lastIndexOf('.');
        return dot > 0 ? s.substring(0, dot) : s;
    }
}
