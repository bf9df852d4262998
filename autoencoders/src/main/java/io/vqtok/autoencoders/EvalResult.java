package io.vqtok.autoencoders;

import io.vqtok.codebook.UsageStats;

import java.util.List;

/**
 * Quality of a tokenizer on a dataset.
 *
 * @param images           images evaluated
 * @param mse              mean squared error per pixel of decode(encode(x)) against x
 * @param psnr             10·log10(1/mse) in dB (pixels in [0, 1])
 * @param usage            codebook usage per index channel
 * @param utilization      mean utilization over channels
 * @param perplexity       mean perplexity over channels
 * @param deadCodes        codes never used, summed over channels
 * @param imagesPerSecond  encode + decode throughput
 */
public record EvalResult(long images, double mse, double psnr, List<UsageStats> usage, double utilization,
                         double perplexity, int deadCodes, double imagesPerSecond) {
}
