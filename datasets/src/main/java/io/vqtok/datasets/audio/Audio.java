package io.vqtok.datasets.audio;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * A mono audio signal: {@code samples[t]} is the amplitude at time {@code t / sampleRate} seconds, nominally
 * in [-1, 1] (full scale of the integer PCM formats). Equality compares the sample values.
 *
 * <p>The array is not copied; callers that keep a reference should not modify it afterwards.
 *
 * @param samples the samples, one per tick of the sample rate
 * @param sampleRate samples per second, positive
 */
public record Audio(float[] samples, int sampleRate) {

    /**
     * Validates the record.
     *
     * @throws NullPointerException if {@code samples} is null
     * @throws IllegalArgumentException if the sample rate is not positive
     */
    public Audio {
        Objects.requireNonNull(samples, "samples");
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
        }
    }

    /** @return the number of samples */
    public int length() {
        return samples.length;
    }

    /** @return the duration in seconds, {@code length() / sampleRate} */
    public double seconds() {
        return samples.length / (double) sampleRate;
    }

    /**
     * Returns this audio at another sample rate, resampled with the default {@link Resampler}.
     *
     * @param rate the wanted sample rate, positive
     * @return this object when the rate is already {@code rate}, else new audio of
     *         {@code round(length() * rate / sampleRate)} samples
     */
    public Audio resampled(int rate) {
        if (rate == sampleRate) {
            return this;
        }
        return new Audio(new Resampler(sampleRate, rate).apply(samples), rate);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Audio a && a.sampleRate == sampleRate && Arrays.equals(a.samples, samples);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(samples) + sampleRate;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "Audio[%d samples at %d Hz, %.3f s]", samples.length,
                sampleRate, seconds());
    }
}
