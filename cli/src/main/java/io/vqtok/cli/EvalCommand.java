package io.vqtok.cli;

import io.vqtok.autoencoders.EvalResult;
import io.vqtok.autoencoders.Evaluator;
import io.vqtok.autoencoders.ImageTokenizer;
import io.vqtok.datasets.ImageDataset;
import io.vqtok.datasets.Split;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code vqtok eval}: reconstruction error and codebook usage of a model on a dataset. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate a tokenizer: MSE, PSNR, codebook usage, throughput.")
final class EvalCommand implements Callable<Integer> {
    @Mixin
    DataOptions in;

    @Option(names = "--stages", description = "decode with the first n residual stages only (default: all)")
    Integer stages;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Override
    public Integer call() throws Exception {
        io.vqtok.autoencoders.Tokenizer loaded = io.vqtok.autoencoders.Tokenizer.load(in.model);
        if (loaded instanceof io.vqtok.autoencoders.AudioTokenizer a) return evalAudio(a);
        ImageTokenizer t = (ImageTokenizer) loaded;
        ImageDataset d = ModelData.open(in.data, Split.parse(in.split), t);
        int n = stages == null ? t.quantizer().indexChannels() : stages;
        if (n < 1 || n > t.quantizer().indexChannels())
            throw new IllegalArgumentException("--stages must be in [1, " + t.quantizer().indexChannels() + "], got " + n);
        EvalResult r;
        try (Data.Batches batches = Data.prefetched(d, ImageTokenizer.INFERENCE_BATCH, in.limit)) {
            r = Evaluator.evaluate(t, batches, n);
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("stages", n);
        metrics.putAll(Json.eval(r));
        return print(loaded, d.description(), metrics, Json.human(r));
    }

    /** One JSON line (model, data, split, codebook size, then the metrics), or the same for people. */
    private int print(io.vqtok.autoencoders.Tokenizer t, String data, Map<String, Object> metrics, String human) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("model", in.model.toString());
            m.put("data", data);
            m.put("split", in.split);
            m.put("codebook_size", t.quantizer().codebookSize());
            m.putAll(metrics);
            System.out.println(Json.line(m));
        } else {
            System.out.println(t.config().quantizer().describe() + " on " + data);
            System.out.println(human);
        }
        return 0;
    }

    private int evalAudio(io.vqtok.autoencoders.AudioTokenizer t) {
        io.vqtok.datasets.audio.AudioFolderDataset d = Data.openAudio(in.data, Split.parse(in.split), t.sampleRate());
        java.util.List<Integer> counts = stages == null ? AudioEval.defaultStages(t.quantizer().indexChannels()) : java.util.List.of(stages);
        io.vqtok.autoencoders.AudioEvaluator.Result r = AudioEval.evaluate(t, d, counts, in.limit);
        return print(t, d.description(), AudioEval.json(r), AudioEval.human(r));
    }
}
