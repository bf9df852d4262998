package io.vqtok.cli;

import io.vqtok.autoencoders.Safetensors;
import io.vqtok.autoencoders.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code vqtok export}: a model's weights, codebooks and buffers in a format other tools read (safetensors). */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write every array of a model (weights, codebooks, buffers) to a safetensors file, with its config and provenance",
                "as JSON strings in the metadata. 'vqtok import' reads it back."})
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--format", defaultValue = "safetensors", description = "output format: safetensors (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--model", required = true, description = "model file written by vqtok train")
    Path model;

    @Option(names = "--out", required = true, description = "output file, e.g. model.safetensors")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!format.equals("safetensors")) throw new IllegalArgumentException("unknown --format '" + format + "' (supported: safetensors)");
        Tokenizer t = Tokenizer.load(model);
        Safetensors.write(out, t);
        System.err.printf("exported %s (%s, %d arrays) to %s (%d bytes)%n", model, t.config().quantizer().describe(), t.state().size(),
                out, Files.size(out));
        return 0;
    }
}
