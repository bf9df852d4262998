package io.vqtok.cli;

import io.vqtok.autoencoders.Safetensors;
import io.vqtok.autoencoders.Tokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code vqtok import}: a model exported by {@code vqtok export} back to a {@code .vqt} file. */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Read a safetensors file written by 'vqtok export' (every tensor checked against the model its metadata describes)",
                "and save it as a .vqt model, which gives the same codes as the exported one."})
final class ImportCommand implements Callable<Integer> {
    @Option(names = "--format", defaultValue = "safetensors", description = "input format: safetensors (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--model", required = true, description = "file written by vqtok export")
    Path model;

    @Option(names = "--out", required = true, description = "output .vqt model")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!format.equals("safetensors")) throw new IllegalArgumentException("unknown --format '" + format + "' (supported: safetensors)");
        Tokenizer t = Safetensors.read(model);
        t.save(out);
        System.err.printf("imported %s (%s, %d arrays) to %s%n", model, t.config().quantizer().describe(), t.state().size(), out);
        return 0;
    }
}
