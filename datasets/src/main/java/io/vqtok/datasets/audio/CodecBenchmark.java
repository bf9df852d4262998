package io.vqtok.datasets.audio;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Runs {@link ClassicalCodec classical codecs} over the files of an audio dataset and averages
 * {@link SpeechQuality} over them: each decoded file is aligned to its input and scored by the same code that
 * scores vqtok models ({@code io.vqtok.autoencoders.AudioEvaluator}).
 */
public final class CodecBenchmark {

    private CodecBenchmark() {
    }

    /**
     * One codec's averages.
     *
     * @param codec the codec
     * @param kbps the measured bitrate: all files' payload bits over all files' seconds, in kbit/s
     * @param quality the mean quality over the files
     * @param seconds the seconds of audio coded
     */
    public record Row(ClassicalCodec codec, double kbps, SpeechQuality.Mean quality, double seconds) {

        /**
         * Validates the row.
         *
         * @throws IllegalArgumentException if a field is missing or the duration is not positive
         */
        public Row {
            Objects.requireNonNull(codec, "codec");
            Objects.requireNonNull(quality, "quality");
            if (!(seconds > 0)) {
                throw new IllegalArgumentException("a row needs a positive duration, got " + seconds + " s");
            }
        }
    }

    /**
     * Codes the first {@code limit} files (all when 0) of a dataset with one codec.
     *
     * @param codec the codec
     * @param data the reference signals
     * @param limit how many files, 0 for all
     * @return the averages
     * @throws IllegalArgumentException if limit is negative or the dataset is empty
     * @throws IllegalStateException if the codec's programs are missing or fail
     */
    public static Row run(ClassicalCodec codec, AudioFolderDataset data, int limit) {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(data, "data");
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be at least 0, got " + limit);
        }
        int files = limit > 0 ? Math.min(limit, data.size()) : data.size();
        if (files == 0) {
            throw new IllegalArgumentException(data.description() + " has no audio files");
        }
        List<SpeechQuality> measures = new ArrayList<>();
        long bits = 0;
        double seconds = 0;
        for (int i = 0; i < files; i++) {
            float[] x = data.clip(i);
            ClassicalCodec.Decoded d = codec.encodeDecode(x, data.sampleRate());
            bits += 8 * d.payloadBytes();
            seconds += x.length / (double) data.sampleRate();
            try {
                measures.add(SpeechQuality.measure(x, d.samples(), data.sampleRate()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(data.files().get(i) + ": " + e.getMessage(), e);
            }
        }
        return new Row(codec, bits / seconds / 1000, SpeechQuality.Mean.of(measures), seconds);
    }
}
