#!/usr/bin/env python3
"""Reference values for StoiTest and AudioMetricsTest, from independent implementations.

STOI / ESTOI come from pystoi 0.4.1 (the authors' MATLAB code ported to numpy); the multi-scale mel distance is
DAC's MelSpectrogramLoss (conf/base.yml: n_mels 5..320, windows 32..2048, hop w/4, pow 1, clamp 1e-5,
mag_weight 0, log_weight 1) written with torch.stft and librosa.filters.mel, as audiotools computes it.

The signals are the deterministic ones of the Java test (datasets/src/test/java/io/vqtok/datasets/audio/
SpeechSignals.java): the same closed-form formula and the same 64-bit LCG, computed in double and rounded to
float32, so both sides see the same samples.

Setup (any of): pip install pystoi==0.4.1 numpy scipy librosa torch; or put a pystoi checkout on PYTHONPATH.
Usage: python3 scripts/metrics-reference.py    (prints one line per case: name, value)
"""
import math

import numpy as np

MASK = (1 << 64) - 1


def lcg_noise(n, seed):
    """Approximately Gaussian noise: (sum of 12 uniforms) - 6, uniforms from a 64-bit LCG (Knuth's MMIX constants)."""
    state = seed & MASK
    out = np.empty(n)
    for i in range(n):
        s = 0.0
        for _ in range(12):
            state = (state * 6364136223846793005 + 1442695040888963407) & MASK
            s += (state >> 11) / float(1 << 53)
        out[i] = s - 6.0
    return out


def speech_like(rate, seconds):
    """Voiced syllables: harmonics of a gliding f0 shaped by three moving formants, 4 syllables/s, every third silent."""
    n = int(round(rate * seconds))
    t = np.arange(n) / rate
    k = np.floor(t * 4)
    p = t * 4 - k
    on = (k.astype(np.int64) % 3) != 2
    env = np.where(on, np.sin(np.pi * p) ** 2, 0.0)
    phase = 2 * np.pi * (120 * t - 30 / (2 * np.pi * 0.7) * np.cos(2 * np.pi * 0.7 * t))
    f0 = 120 + 30 * np.sin(2 * np.pi * 0.7 * t)
    f1 = 500 + 200 * np.sin(2 * np.pi * 1.1 * t)
    f2 = 1500 + 400 * np.sin(2 * np.pi * 0.9 * t)
    x = np.zeros(n)
    for h in range(1, 31):
        f = h * f0
        a = (np.exp(-((f - f1) / 150) ** 2) + 0.7 * np.exp(-((f - f2) / 200) ** 2)
             + 0.4 * np.exp(-((f - 2500) / 300) ** 2) + 0.05 / h)
        x += a * np.sin(h * phase)
    return 0.1 * env * x


def energy(x):
    return np.sum((x - np.mean(x)) ** 2)


def with_noise(x, snr_db, seed):
    """x plus LCG noise scaled so that energy(x) / energy(noise) is snr_db, both zero-mean energies."""
    noise = lcg_noise(len(x), seed)
    scale = math.sqrt(energy(x) / energy(noise) / 10 ** (snr_db / 10))
    return x + scale * noise


def smoothed(x):
    """The 3-tap filter [0.25, 0.5, 0.25], zero outside the signal."""
    y = 0.5 * x
    y[1:] += 0.25 * x[:-1]
    y[:-1] += 0.25 * x[1:]
    return y


def f32(x):
    return np.asarray(x, dtype=np.float32).astype(np.float64)


def cases():
    """(name, rate, reference, estimate), all float32-rounded as the Java test builds them."""
    out = []
    for rate, snr, seed in [(10000, 5, 1), (10000, -5, 2), (16000, 0, 3), (8000, 10, 4)]:
        x = speech_like(rate, 3.0)
        out.append((f"noise rate={rate} snr={snr}", rate, f32(x), f32(with_noise(x, snr, seed))))
    x = speech_like(16000, 3.0)
    out.append(("smoothed+noise rate=16000 snr=10", 16000, f32(x), f32(with_noise(smoothed(x), 10, 5))))
    return out


def dac_mel_distance(x, y, rate):
    import librosa
    import torch
    total = 0.0
    for w, bands in zip([32, 64, 128, 256, 512, 1024, 2048], [5, 10, 20, 40, 80, 160, 320]):
        window = torch.hann_window(w, dtype=torch.float64)
        fb = torch.tensor(librosa.filters.mel(sr=rate, n_fft=w, n_mels=bands, fmin=0.0, fmax=None), dtype=torch.float64)

        def mel(s):
            spec = torch.stft(torch.tensor(s), n_fft=w, hop_length=w // 4, window=window, center=True,
                              pad_mode="reflect", return_complex=True).abs()
            return fb @ spec

        mx, my = mel(x), mel(y)
        total += torch.mean(torch.abs(mx.clamp(min=1e-5).log10() - my.clamp(min=1e-5).log10())).item()
    return total


def main():
    from pystoi import stoi
    for name, rate, x, y in cases():
        print(f"stoi  {name}: {stoi(x, y, rate):.10f}")
        print(f"estoi {name}: {stoi(x, y, rate, extended=True):.10f}")
    for name, rate, x, y in cases():
        if rate == 16000:
            print(f"dac-mel {name}: {dac_mel_distance(x, y, rate):.10f}")


if __name__ == "__main__":
    main()
