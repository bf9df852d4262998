package io.vqtok.autoencoders;

import io.vqtok.datasets.audio.AudioMetrics;
import io.vqtok.datasets.audio.MelFilterbank;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DAC's multi-scale mel loss (Kumar et al. 2023, {@code MelSpectrogramLoss}) as graph ops, the training counterpart of
 * the metric {@link AudioMetrics#multiScaleMelDistance} (which centres its frames): for each scale, the Hann-windowed
 * STFT magnitude with window = FFT size w and hop w/4, Slaney mel filters (librosa's, 0 Hz to Nyquist) with m bands,
 * then mean |log10(max(mel(x), 1e-5)) − log10(max(mel(x̂), 1e-5))|; the loss is the sum over the scales (w, m) =
 * (32, 5), (64, 10), …, (2048, 320). The STFT is a strided conv with fixed cosine and sine kernels and the mel
 * projection a 1×1 conv, so it runs and differentiates on any backend. Frames are not padded (DAC centres them with
 * reflection padding; the interior frames are the same). Waveforms are {@code [N, 1, 1, T]}, T ≥ the largest window.
 */
public final class MultiScaleMelLoss {
    /** Window (= FFT) sizes of DAC's scales, those of the metric {@link AudioMetrics#multiScaleMelDistance}. */
    public static final int[] WINDOWS = AudioMetrics.MULTI_SCALE_WINDOWS.stream().mapToInt(Integer::intValue).toArray();
    /** Mel bands of DAC's scales, one per window. */
    public static final int[] BANDS = AudioMetrics.MULTI_SCALE_BANDS.stream().mapToInt(Integer::intValue).toArray();
    /** The floor on mel magnitudes before the log10. */
    public static final double FLOOR = AudioMetrics.MULTI_SCALE_CLAMP;

    private MultiScaleMelLoss() {
    }

    /** The loss between waveforms {@code x} and {@code xhat} at {@code sampleRate}, named {@code name}. */
    public static SDVariable create(SameDiff sd, String name, SDVariable x, SDVariable xhat, int sampleRate) {
        SDVariable total = null;
        for (int s = 0; s < WINDOWS.length; s++) {
            int w = WINDOWS[s];
            INDArray[] k = SpectralLoss.dftKernels(w);
            SDVariable cos = sd.constant(k[0].castTo(DataType.FLOAT));
            SDVariable sin = sd.constant(k[1].castTo(DataType.FLOAT));
            SDVariable mel = sd.constant(melKernel(sampleRate, w, BANDS[s]));
            SDVariable a = logMel(sd, x, cos, sin, mel, w / 4);
            SDVariable b = logMel(sd, xhat, cos, sin, mel, w / 4);
            SDVariable term = sd.math().abs(a.sub(b)).mean();
            total = total == null ? term : total.add(term);
        }
        return sd.identity(name, total);
    }

    /** The filters of one scale as 1×1 conv weights {@code [1, 1, bins, bands]}. */
    static INDArray melKernel(int sampleRate, int nFft, int bands) {
        double[][] w = MelFilterbank.slaney(sampleRate, nFft, bands).weights();
        int bins = nFft / 2 + 1;
        float[] k = new float[bins * bands];
        for (int m = 0; m < bands; m++)
            for (int b = 0; b < bins; b++) k[b * bands + m] = (float) w[m][b];
        return Nd4j.create(k, new long[]{1, 1, bins, bands}, 'c');
    }

    /** log10(max(mel, 1e-5)) {@code [N, bands, 1, frames]} of waveforms {@code [N, 1, 1, T]}. */
    private static SDVariable logMel(SameDiff sd, SDVariable x, SDVariable cos, SDVariable sin, SDVariable mel, int hop) {
        Conv2DConfig c = Conv2DConfig.builder().kH(1).kW((int) cos.getShape()[1]).sH(1).sW(hop).pH(0).pW(0).dataFormat("NCHW").build();
        SDVariable re = sd.cnn().conv2d(x, cos, c);
        SDVariable im = sd.cnn().conv2d(x, sin, c);
        // |X| with a floor far below the mel floor, so that sqrt's gradient stays finite at silence
        SDVariable magnitude = sd.math().sqrt(re.mul(re).add(im.mul(im)).add(1e-12));
        Conv2DConfig one = Conv2DConfig.builder().kH(1).kW(1).sH(1).sW(1).pH(0).pW(0).dataFormat("NCHW").build();
        SDVariable m = sd.cnn().conv2d(magnitude, mel, one);
        return sd.math().log(sd.scalarMax(m, FLOOR)).div(Math.log(10));
    }
}
