package io.vqtok.datasets.audio;

import java.util.List;
import java.util.Objects;

/**
 * The quality of one decoded speech signal against its reference, as codec papers report it: the estimate is
 * first {@link Alignment aligned} (integer delay within ±0.1 s by cross-correlation), then scored with
 * {@link Stoi STOI and ESTOI}, {@link AudioMetrics#siSnr SI-SNR}, the 80-band mel distance
 * ({@link AudioMetrics#melDistance}, HiFi-GAN's), DAC's multi-scale mel distance
 * ({@link AudioMetrics#multiScaleMelDistance}) and the multi-resolution STFT distance. Classical codecs and vqtok
 * models are measured by this one method, so their numbers compare.
 *
 * @param delaySamples samples by which the estimate lagged the reference (0 for a delay-free codec)
 * @param stoi STOI, at most 1, higher is better; NaN for a clip with under 0.4 s of speech, where it is undefined
 * @param estoi ESTOI, at most 1, higher is better; NaN where STOI is
 * @param siSnrDb SI-SNR in dB, higher is better
 * @param melDistance the 80-band mel distance, lower is better
 * @param multiScaleMelDistance DAC's 7-scale mel distance, lower is better
 * @param stftDistance the multi-resolution STFT distance (spectral convergence plus log magnitude), lower is better
 */
public record SpeechQuality(int delaySamples, double stoi, double estoi, double siSnrDb, double melDistance,
        double multiScaleMelDistance, double stftDistance) {

    /**
     * Aligns the estimate to the reference and measures it.
     *
     * @param reference the clean signal
     * @param estimate the decoded signal at the same rate, any length (cut or zero-filled to the reference's
     *        after alignment)
     * @param sampleRate the rate of both in Hz
     * @return the measures
     * @throws IllegalArgumentException if a signal is empty, the rate is not positive or the reference is silent
     */
    public static SpeechQuality measure(float[] reference, float[] estimate, int sampleRate) {
        Alignment a = Alignment.align(reference, estimate, sampleRate);
        float[] x = a.reference();
        float[] y = a.estimate();
        Stoi.Scores s = Stoi.scoresIfLongEnough(x, y, sampleRate).orElse(new Stoi.Scores(Double.NaN, Double.NaN));
        return new SpeechQuality(a.delay(), s.stoi(), s.estoi(), AudioMetrics.siSnr(x, y),
                AudioMetrics.melDistance(x, y, sampleRate), AudioMetrics.multiScaleMelDistance(x, y, sampleRate),
                AudioMetrics.multiResolutionStft(x, y).total());
    }

    /**
     * Means over files.
     *
     * @param files the number of files averaged, at least 1
     * @param meanDelaySamples the mean delay in samples
     * @param maxAbsDelaySamples the largest |delay| in samples
     * @param stoiFiles the files long enough for STOI (about 0.4 s of speech), those its two means are over
     * @param stoi mean STOI over those files, NaN if none
     * @param estoi mean ESTOI over those files, NaN if none
     * @param siSnrDb mean SI-SNR in dB
     * @param melDistance mean 80-band mel distance
     * @param multiScaleMelDistance mean multi-scale (DAC) mel distance
     * @param stftDistance mean multi-resolution STFT distance
     */
    public record Mean(int files, double meanDelaySamples, int maxAbsDelaySamples, int stoiFiles, double stoi, double estoi,
            double siSnrDb, double melDistance, double multiScaleMelDistance, double stftDistance) {

        /**
         * Validates the count.
         *
         * @throws IllegalArgumentException if files is below 1
         */
        public Mean {
            if (files < 1) {
                throw new IllegalArgumentException("a mean needs at least 1 file, got " + files);
            }
        }

        /**
         * The means of some measures.
         *
         * @param measures one per file, not empty
         * @return their means
         * @throws IllegalArgumentException if there are none
         */
        public static Mean of(List<SpeechQuality> measures) {
            Objects.requireNonNull(measures, "measures");
            if (measures.isEmpty()) {
                throw new IllegalArgumentException("no measures to average");
            }
            int n = measures.size();
            double delay = 0;
            int maxDelay = 0;
            int stoiFiles = 0;
            double stoi = 0;
            double estoi = 0;
            double snr = 0;
            double mel = 0;
            double multi = 0;
            double stft = 0;
            for (SpeechQuality q : measures) {
                delay += q.delaySamples();
                maxDelay = Math.max(maxDelay, Math.abs(q.delaySamples()));
                if (!Double.isNaN(q.stoi())) {
                    stoiFiles++;
                    stoi += q.stoi();
                    estoi += q.estoi();
                }
                snr += q.siSnrDb();
                mel += q.melDistance();
                multi += q.multiScaleMelDistance();
                stft += q.stftDistance();
            }
            double stoiMean = stoiFiles == 0 ? Double.NaN : stoi / stoiFiles;
            double estoiMean = stoiFiles == 0 ? Double.NaN : estoi / stoiFiles;
            return new Mean(n, delay / n, maxDelay, stoiFiles, stoiMean, estoiMean, snr / n, mel / n, multi / n, stft / n);
        }
    }
}
