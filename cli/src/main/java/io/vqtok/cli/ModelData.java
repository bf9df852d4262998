package io.vqtok.cli;

import io.vqtok.autoencoders.ImageAutoencoderConfig;
import io.vqtok.autoencoders.ImageTokenizer;
import io.vqtok.datasets.ImageDataset;
import io.vqtok.datasets.Split;

/** Opens a dataset for a loaded model and checks that its images fit the model. */
final class ModelData {
    private ModelData() {
    }

    /** The split, streamed from disk (read once in order, constant memory), checked against the model's image shape. */
    static ImageDataset open(String spec, Split split, ImageTokenizer model) {
        ImageAutoencoderConfig a = model.autoencoderConfig();
        ImageDataset d = Data.openStreaming(spec, split, a.channels());
        if (d.channels() != a.channels() || d.height() != a.height() || d.width() != a.width())
            throw new IllegalArgumentException(d.description() + " has images " + d.channels() + "x" + d.height() + "x" + d.width()
                    + " (CxHxW); the model expects " + a.channels() + "x" + a.height() + "x" + a.width());
        return d;
    }
}
