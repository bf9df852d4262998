package io.vqtok.autoencoders;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Multi-resolution STFT loss (Yamamoto et al. 2020, Parallel WaveGAN; used by EnCodec and DAC) as graph ops:
 * for each (FFT size, hop), spectral convergence ‖|S| − |Ŝ|‖_F / ‖|S|‖_F plus mean |log|S| − log|Ŝ||, averaged
 * over the resolutions. The STFT is a strided conv with fixed Hann-windowed cosine and sine kernels (no FFT op is
 * needed, so it runs and differentiates on any backend). Waveforms are {@code [N, 1, 1, T]}, T ≥ the largest FFT.
 */
public final class SpectralLoss {
    /** FFT sizes 512, 1024, 2048 with hops of a quarter. */
    public static final int[][] DEFAULT_RESOLUTIONS = {{512, 128}, {1024, 256}, {2048, 512}};

    private SpectralLoss() {
    }

    /** Cosine (real part) and minus-sine (imaginary part) kernels, Hann-windowed: two {@code [1, nFft, 1, bins]} arrays. */
    static INDArray[] dftKernels(int nFft) {
        int bins = nFft / 2 + 1;
        float[] re = new float[nFft * bins], im = new float[nFft * bins];
        for (int n = 0; n < nFft; n++) {
            double w = 0.5 - 0.5 * Math.cos(2 * Math.PI * n / nFft);   // periodic Hann
            for (int k = 0; k < bins; k++) {
                double a = 2 * Math.PI * k * (double) n / nFft;
                re[n * bins + k] = (float) (w * Math.cos(a));
                im[n * bins + k] = (float) (-w * Math.sin(a));
            }
        }
        return new INDArray[]{Nd4j.create(re, new long[]{1, nFft, 1, bins}, 'c'), Nd4j.create(im, new long[]{1, nFft, 1, bins}, 'c')};
    }

    /** STFT magnitudes {@code [N, bins, 1, frames]} of waveforms {@code [N, 1, 1, T]} (no padding). */
    static SDVariable magnitude(SameDiff sd, SDVariable x, SDVariable cos, SDVariable sin, int hop) {
        Conv2DConfig c = Conv2DConfig.builder().kH(1).kW((int) cos.getShape()[1]).sH(1).sW(hop).pH(0).pW(0).dataFormat("NCHW").build();
        SDVariable re = sd.cnn().conv2d(x, cos, c);
        SDVariable im = sd.cnn().conv2d(x, sin, c);
        return sd.math().sqrt(re.mul(re).add(im.mul(im)).add(1e-7));
    }

    /** The loss averaged over {@code resolutions} ({FFT size, hop} pairs). */
    public static SDVariable multiResolution(SameDiff sd, String name, SDVariable x, SDVariable xhat, int[][] resolutions) {
        SDVariable total = null;
        for (int[] r : resolutions) {
            INDArray[] k = dftKernels(r[0]);
            SDVariable cos = sd.constant(k[0].castTo(DataType.FLOAT));
            SDVariable sin = sd.constant(k[1].castTo(DataType.FLOAT));
            SDVariable s = magnitude(sd, x, cos, sin, r[1]);
            SDVariable sh = magnitude(sd, xhat, cos, sin, r[1]);
            SDVariable d = s.sub(sh);
            SDVariable convergence = sd.math().sqrt(d.mul(d).sum()).div(sd.math().sqrt(s.mul(s).sum()));
            SDVariable logMag = sd.math().abs(sd.math().log(s).sub(sd.math().log(sh))).mean();
            SDVariable term = convergence.add(logMag);
            total = total == null ? term : total.add(term);
        }
        return total.div(name, resolutions.length);
    }
}
