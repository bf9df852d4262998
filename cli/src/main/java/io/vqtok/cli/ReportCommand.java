package io.vqtok.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code vqtok report}: one self-contained HTML page on a trained model (flags only; {@link Report} does the work). */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write one self-contained HTML page on a trained model: training curves from its",
                "per-step log, metrics and sorted code-usage histograms on a data split, reconstructions",
                "(image grid, or audio players and spectrograms), config and provenance.",
                "Plots and audio are inline: the page loads nothing from the network."})
final class ReportCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model file written by vqtok train")
    Path model;

    @Option(names = "--out", required = true, description = "the HTML file to write, e.g. report.html")
    Path out;

    @Option(names = "--data", description = "fashion-mnist | IDX directory | image folder | speech | audio folder"
            + " (default: the Fashion-MNIST/IDX files named in the model's provenance; required otherwise)")
    String data;

    @Option(names = "--split", defaultValue = "validation", description = "validation | test (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--log", description = "the per-step training log (default: <model>.log.jsonl)")
    Path log;

    @Option(names = "--no-log", description = "report without training curves (a model without a log)")
    boolean noLog;

    @Option(names = "--limit", defaultValue = "0", description = "evaluate the first N images or files only (default: all)")
    int limit;

    @Override
    public Integer call() throws Exception {
        Report.Written w = Report.write(new Report.Options(model, out, data, split, log, noLog, limit));
        System.err.printf("wrote %s (%d KB): %d logged steps, evaluated %d item(s) of %s%n", w.out(), (w.bytes() + 1023) / 1024,
                w.steps(), w.items(), w.data());
        return 0;
    }
}
