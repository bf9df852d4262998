package io.vqtok.autoencoders;

import io.vqtok.codebook.CodebookUsage;
import io.vqtok.codebook.UsageStats;
import io.vqtok.datasets.audio.AudioFolderDataset;
import io.vqtok.datasets.audio.SpeechQuality;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * Evaluates an audio tokenizer on whole files: codebook usage of the codes, encoding speed (seconds of audio per
 * second), and for each number n of residual stages decoded, the mean {@link SpeechQuality} against the input
 * (decoded output aligned by cross-correlation, then STOI, ESTOI, SI-SNR, the 80-band mel distance, DAC's
 * multi-scale mel distance and the multi-resolution STFT distance), with the bitrate of n stages. Classical codecs
 * are scored by the same {@link SpeechQuality#measure} ({@code io.vqtok.datasets.audio.CodecBenchmark}).
 */
public final class AudioEvaluator {
    private AudioEvaluator() {
    }

    /**
     * Quality when decoding with the first {@code stages} stages, averaged over files.
     *
     * @param stages the residual stages decoded
     * @param kbps their bitrate
     * @param siSnrDb mean SI-SNR in dB
     * @param melDistance mean 80-band mel distance (HiFi-GAN's, {@code AudioMetrics.melDistance})
     * @param stftDistance mean multi-resolution STFT distance
     * @param stoi mean STOI
     * @param estoi mean ESTOI
     * @param multiScaleMelDistance mean 7-scale mel distance (DAC's, {@code AudioMetrics.multiScaleMelDistance})
     * @param meanDelaySamples mean alignment delay of the decoded output, in samples (0 for a delay-free model)
     * @param maxAbsDelaySamples the largest |alignment delay| over the files, in samples
     */
    public record StageMetrics(int stages, double kbps, double siSnrDb, double melDistance, double stftDistance,
            double stoi, double estoi, double multiScaleMelDistance, double meanDelaySamples, int maxAbsDelaySamples) {

        /** The metrics of n stages from the mean quality over files. */
        static StageMetrics of(int stages, double kbps, SpeechQuality.Mean q) {
            return new StageMetrics(stages, kbps, q.siSnrDb(), q.melDistance(), q.stftDistance(), q.stoi(), q.estoi(),
                    q.multiScaleMelDistance(), q.meanDelaySamples(), q.maxAbsDelaySamples());
        }
    }

    /** An evaluation: files and seconds of audio, quality per number of stages, usage per stage, encoding speed (x real time). */
    public record Result(int files, double seconds, List<StageMetrics> perStages, List<UsageStats> usage, double encodeRealtime) {
        /** The largest |alignment delay| in samples over every file and stage count (0 for a delay-free model). */
        public int maxAbsDelaySamples() {
            return perStages.stream().mapToInt(StageMetrics::maxAbsDelaySamples).max().orElse(0);
        }

        /** Mean utilization over the stages. */
        public double utilization() {
            return usage.stream().mapToDouble(UsageStats::utilization).average().orElse(0);
        }
    }

    /** File i of the data, checked for encoding; an error names the file. */
    private static float[] clip(AudioFolderDataset data, int i) {
        float[] x = data.clip(i);
        try {
            AudioTokenizer.checkWaveform(x);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(data.files().get(i) + ": " + e.getMessage(), e);
        }
        return x;
    }

    /** The stage counts reported by default: 1, 2, 4, 8, ... up to Q, and Q itself. */
    public static List<Integer> defaultStages(int q) {
        TreeSet<Integer> s = new TreeSet<>();
        for (int n = 1; n <= q; n *= 2) s.add(n);
        s.add(q);
        return new ArrayList<>(s);
    }

    /**
     * Evaluates on the first {@code limit} files of {@code data} (all when 0) for each stage count in {@code stages}. The
     * files are first encoded as bulk callers encode them, as one stream ({@link AudioTokenizer#encodeAll}), and the
     * encoding speed is that pass's (reading the files excluded; the first encoder call's worth of files encoded once
     * before, so that building the graph is not part of it); then each file is read again, decoded and scored.
     */
    public static Result evaluate(AudioTokenizer t, AudioFolderDataset data, List<Integer> stages, int limit) {
        int q = t.quantizer().indexChannels();
        for (int n : stages) if (n < 1 || n > q) throw new IllegalArgumentException("--stages must be in [1, " + q + "], got " + n);
        int files = limit > 0 ? Math.min(limit, data.size()) : data.size();
        if (files == 0) throw new IllegalArgumentException(data.description() + " has no audio files");
        // warm-up: the files of about one encoder call
        List<float[]> first = new ArrayList<>();
        for (int i = 0, frames = 0; i < files && frames < t.encoderFramesPerCall(); i++) {
            first.add(clip(data, i));
            frames += t.encoderStreamFrames(first.get(i).length);
        }
        t.encode(first);
        first.clear();
        double[] readSeconds = {0}, audioSeconds = {0};
        Iterator<float[]> reader = new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < files;
            }

            @Override
            public float[] next() {
                long t0 = System.nanoTime();
                float[] x = clip(data, next++);
                audioSeconds[0] += x.length / (double) t.sampleRate();
                readSeconds[0] += (System.nanoTime() - t0) / 1e9;
                return x;
            }
        };
        List<INDArray> codes = new ArrayList<>(files);
        long t0 = System.nanoTime();
        t.encodeAll(reader).forEachRemaining(codes::add);
        double encodeSeconds = (System.nanoTime() - t0) / 1e9 - readSeconds[0];
        CodebookUsage usage = new CodebookUsage(t.quantizer().codebookSize(), q);
        List<List<SpeechQuality>> quality = new ArrayList<>();
        for (int s = 0; s < stages.size(); s++) quality.add(new ArrayList<>());
        for (int i = 0; i < files; i++) {
            float[] x = clip(data, i);
            INDArray c = codes.set(i, null);   // each file's codes dropped once scored
            usage.add(c.reshape(c.size(0), q));
            for (int s = 0; s < stages.size(); s++) {
                float[] y = t.decode(c, stages.get(s));
                try {
                    quality.get(s).add(SpeechQuality.measure(x, y, t.sampleRate()));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(data.files().get(i) + ": " + e.getMessage(), e);
                }
            }
        }
        List<StageMetrics> per = new ArrayList<>();
        for (int s = 0; s < stages.size(); s++)
            per.add(StageMetrics.of(stages.get(s), t.kbps(stages.get(s)), SpeechQuality.Mean.of(quality.get(s))));
        return new Result(files, audioSeconds[0], per, usage.stats(), audioSeconds[0] / encodeSeconds);
    }
}
