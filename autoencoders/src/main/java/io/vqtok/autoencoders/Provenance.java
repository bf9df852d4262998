package io.vqtok.autoencoders;

import java.util.Map;

/**
 * Where a saved tokenizer came from: its seed, how it was trained, on what data, by which build.
 *
 * @param seed         the seed of initialisation and data order
 * @param steps        optimizer steps taken
 * @param batchSize    images per step
 * @param learningRate Adam learning rate
 * @param data         description of the training data
 * @param createdAt    ISO-8601 time of saving
 * @param vqtokVersion version of the library that saved it
 * @param environment  Java version, ND4J backend, OS
 */
public record Provenance(long seed, long steps, int batchSize, double learningRate, String data, String createdAt,
                         String vqtokVersion, Map<String, String> environment) {
    public Provenance {
        environment = environment == null ? Map.of() : Map.copyOf(environment);
    }

    /** Provenance of a freshly initialised, untrained model. */
    public static Provenance untrained(long seed) {
        return new Provenance(seed, 0, 0, 0, "", "", Version.VERSION, Map.of());
    }

    public Provenance trained(long totalSteps, int batch, double lr, String dataDescription) {
        return new Provenance(seed, totalSteps, batch, lr, dataDescription, createdAt, vqtokVersion, environment);
    }

    public Provenance stamped(String time, Map<String, String> env) {
        return new Provenance(seed, steps, batchSize, learningRate, data, time, Version.VERSION, env);
    }
}
