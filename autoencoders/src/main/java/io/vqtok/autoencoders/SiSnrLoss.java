package io.vqtok.autoencoders;

import io.vqtok.datasets.audio.AudioMetrics;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Negative scale-invariant SNR (Le Roux et al. 2019, "SDR – half-baked or well done?"; the training objective of
 * Conv-TasNet), in dB, as graph ops: the training counterpart of the metric {@link AudioMetrics#siSnr}. Per crop, both
 * signals lose their mean, the target is the estimate's projection s = (⟨x̂, x⟩ / (‖x‖² + ε)) x onto the reference and
 * the noise e = x̂ − s; the loss is the mean over crops of −10 log10((‖s‖² + ε) / (‖e‖² + ε)). Unlike the mel and STFT
 * losses it depends on the phase: a spectrally exact output with another phase scores far below 0 dB. ε =
 * {@link #POWER_FLOOR} · T keeps a silent crop finite (there it asks for a silent output). Waveforms are {@code [N, 1, 1, T]}.
 */
public final class SiSnrLoss {
    /** Mean power (−60 dB of full scale) added to both energies, so that silent crops give a finite loss. */
    public static final double POWER_FLOOR = 1e-6;

    private SiSnrLoss() {
    }

    /** The mean over the N crops of −SI-SNR in dB, a scalar named {@code name}. */
    public static SDVariable create(SameDiff sd, String name, SDVariable x, SDVariable xhat, int samples) {
        double eps = POWER_FLOOR * samples;
        SDVariable r = x.sub(x.mean(true, 1, 2, 3));
        SDVariable y = xhat.sub(xhat.mean(true, 1, 2, 3));
        SDVariable alpha = r.mul(y).sum(true, 1, 2, 3).div(r.mul(r).sum(true, 1, 2, 3).add(eps));   // [N, 1, 1, 1]
        SDVariable target = r.mul(alpha);
        SDVariable noise = y.sub(target);
        SDVariable ratio = target.mul(target).sum(1, 2, 3).add(eps).div(noise.mul(noise).sum(1, 2, 3).add(eps));
        return sd.math().log(ratio).mean().mul(name, -10 / Math.log(10));
    }
}
