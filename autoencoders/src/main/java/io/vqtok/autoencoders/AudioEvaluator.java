package io.vqtok.autoencoders;

import io.vqtok.codebook.CodebookUsage;
import io.vqtok.codebook.UsageStats;
import io.vqtok.datasets.audio.AudioFolderDataset;
import io.vqtok.datasets.audio.SpeechQuality;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
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

    /** The stage counts reported by default: 1, 2, 4, 8, ... up to Q, and Q itself. */
    public static List<Integer> defaultStages(int q) {
        TreeSet<Integer> s = new TreeSet<>();
        for (int n = 1; n <= q; n *= 2) s.add(n);
        s.add(q);
        return new ArrayList<>(s);
    }

    /**
     * Evaluates on the first {@code limit} files of {@code data} (all when 0) for each stage count in {@code stages}. The
     * files are encoded as bulk callers encode them, in groups whose windows fill one encoder call ({@link
     * AudioTokenizer#encode(List)}), and the encoding speed is that path's.
     */
    public static Result evaluate(AudioTokenizer t, AudioFolderDataset data, List<Integer> stages, int limit) {
        int q = t.quantizer().indexChannels();
        for (int n : stages) if (n < 1 || n > q) throw new IllegalArgumentException("--stages must be in [1, " + q + "], got " + n);
        int files = limit > 0 ? Math.min(limit, data.size()) : data.size();
        if (files == 0) throw new IllegalArgumentException(data.description() + " has no audio files");
        CodebookUsage usage = new CodebookUsage(t.quantizer().codebookSize(), q);
        List<List<SpeechQuality>> quality = new ArrayList<>();
        for (int s = 0; s < stages.size(); s++) quality.add(new ArrayList<>());
        double encodeSeconds = 0, audioSeconds = 0;
        // files are encoded in groups whose windows fill one bulk encoder call (AudioTokenizer.encode(List))
        boolean warm = false;
        for (int first = 0; first < files; ) {
            List<float[]> clips = new ArrayList<>();
            int end = first, windows = 0;
            while (end < files && windows < AudioTokenizer.BULK_WINDOWS_PER_CALL) {
                float[] x = data.clip(end);
                try {
                    AudioTokenizer.checkWaveform(x);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(data.files().get(end) + ": " + e.getMessage(), e);
                }
                clips.add(x);
                windows += t.encoderWindows(x.length);
                end++;
            }
            if (!warm) {
                t.encode(clips);   // warm-up: graph building and JIT are not part of the speed
                warm = true;
            }
            long t0 = System.nanoTime();
            List<INDArray> codes = t.encode(clips);
            encodeSeconds += (System.nanoTime() - t0) / 1e9;
            for (int c = 0; c < clips.size(); c++) {
                float[] x = clips.get(c);
                audioSeconds += x.length / (double) t.sampleRate();
                usage.add(codes.get(c).reshape(codes.get(c).size(0), q));
                for (int s = 0; s < stages.size(); s++) {
                    float[] y = t.decode(codes.get(c), stages.get(s));
                    try {
                        quality.get(s).add(SpeechQuality.measure(x, y, t.sampleRate()));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(data.files().get(first + c) + ": " + e.getMessage(), e);
                    }
                }
            }
            first = end;
        }
        List<StageMetrics> per = new ArrayList<>();
        for (int s = 0; s < stages.size(); s++)
            per.add(StageMetrics.of(stages.get(s), t.kbps(stages.get(s)), SpeechQuality.Mean.of(quality.get(s))));
        return new Result(files, audioSeconds, per, usage.stats(), audioSeconds / encodeSeconds);
    }
}
