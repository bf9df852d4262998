package io.vqtok.spark;

import io.vqtok.autoencoders.Tokenizer;
import org.apache.spark.broadcast.Broadcast;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tokenizers of an executor JVM, one per model (by the SHA-256 of its file's bytes), loaded from the broadcast
 * bytes by the first task that needs it and shared by every later task of that JVM (tokenizers are safe for concurrent
 * encoding). In local mode the driver's JVM is the executor.
 */
final class ExecutorTokenizers {
    private static final Map<String, Tokenizer> LOADED = new ConcurrentHashMap<>();

    private ExecutorTokenizers() {
    }

    /** The tokenizer of the model whose bytes have hash {@code sha256}, loaded once per JVM. */
    static Tokenizer get(String sha256, Broadcast<byte[]> model, String name) {
        return LOADED.computeIfAbsent(sha256, h -> {
            try {
                return Tokenizer.load(model.value(), name);
            } catch (IOException e) {
                throw new UncheckedIOException(name + ": cannot load the model on this executor", e);
            }
        });
    }

    /** How many models this JVM holds. */
    static int loaded() {
        return LOADED.size();
    }

    /** Closes and forgets every loaded tokenizer (tests). */
    static void clear() {
        LOADED.values().forEach(Tokenizer::close);
        LOADED.clear();
    }
}
