package io.vqtok.autoencoders;

import java.util.Map;

/**
 * What one training step measured.
 *
 * @param step            1-based step number
 * @param loss            total objective
 * @param reconstruction  reconstruction MSE of the batch
 * @param terms           the quantizer's named loss terms (e.g. codebook, commitment)
 * @param batchUsage      fraction of codes used in this batch (mean over index channels)
 * @param batchPerplexity perplexity exp(H) of the batch's code distribution (mean over index channels)
 * @param learningRate    the learning rate of the step
 * @param reseeded        codes reseeded after this step
 * @param stepSeconds     compute time of the step (forward, backward, update, quantizer state), no data loading
 * @param images          images in the batch
 * @param residentBytes   the process's resident memory after the step (heap and native), as the OS counts it
 */
public record StepReport(long step, double loss, double reconstruction, Map<String, Double> terms, double batchUsage,
                         double batchPerplexity, double learningRate, int reseeded, double stepSeconds, int images, long residentBytes) {
}
