package io.vqtok.cli;

import io.vqtok.autoencoders.EvalResult;
import io.vqtok.autoencoders.Evaluator;
import io.vqtok.autoencoders.ImageTokenizer;
import io.vqtok.datasets.ImageDataset;
import io.vqtok.datasets.Split;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code vqtok eval}: reconstruction error and codebook usage of a model on a dataset. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate a tokenizer: MSE, PSNR, codebook usage, throughput.")
final class EvalCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, description = "model file written by vqtok train")
    Path model;

    @Option(names = "--data", defaultValue = "fashion-mnist", description = "fashion-mnist | IDX directory | image folder (default: ${DEFAULT-VALUE})")
    String data;

    @Option(names = "--split", defaultValue = "test", description = "train | test (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--limit", defaultValue = "0", description = "evaluate the first N images only (default: all)")
    int limit;

    @Option(names = "--stages", description = "decode with the first n residual stages only (default: all)")
    Integer stages;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() throws Exception {
        ImageTokenizer t = ImageTokenizer.load(model);
        ImageDataset d = ModelData.open(data, Split.parse(split), t);
        int n = stages == null ? t.quantizer().indexChannels() : stages;
        if (n < 1 || n > t.quantizer().indexChannels())
            throw new IllegalArgumentException("--stages must be in [1, " + t.quantizer().indexChannels() + "], got " + n);
        EvalResult r = Evaluator.evaluate(t, Data.inOrder(d, ImageTokenizer.INFERENCE_BATCH, limit), n);
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", model.toString());
            m.put("data", d.description());
            m.put("split", split);
            m.put("codebook_size", t.quantizer().codebookSize());
            m.put("stages", n);
            m.putAll(Json.eval(r));
            System.out.println(Json.line(m));
        } else {
            System.out.println(t.config().quantizer().describe() + " on " + d.description());
            System.out.println(Json.human(r));
        }
        return 0;
    }
}
