package io.vqtok.quantizers;

/**
 * What every quantizer holds: its configuration and the prefix of its graph variables and saved arrays. Single
 * codebooks have one index channel; composites override {@link #indexChannels()} and {@link #codebookSize()}.
 *
 * @param <C> the configuration type
 */
abstract class AbstractQuantizer<C extends QuantizerConfig> implements Quantizer {
    protected final C config;
    protected final String prefix;

    AbstractQuantizer(C config, String prefix) {
        this.config = config;
        this.prefix = prefix;
    }

    @Override
    public C config() {
        return config;
    }

    @Override
    public String prefix() {
        return prefix;
    }

    @Override
    public int dim() {
        return config.dim();
    }

    @Override
    public int indexChannels() {
        return 1;
    }
}
