package io.vqtok.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The options naming a saved model and the data to apply it to, shared by eval and encode. */
final class DataOptions {
    @Option(names = "--model", required = true, description = "model file written by vqtok train")
    Path model;

    @Option(names = "--data", defaultValue = "fashion-mnist",
            description = "fashion-mnist | IDX directory | image folder | speech | audio folder (default: ${DEFAULT-VALUE})")
    String data;

    @Option(names = "--split", defaultValue = "test", description = "train | validation (the last twelfth of the training data) | test (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--limit", defaultValue = "0", description = "use the first N images or files only (default: all)")
    int limit;
}
