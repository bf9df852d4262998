package io.vqtok.autoencoders;

/** The library version and the model file format version this build writes. */
public final class Version {
    /** Version of vqtok. */
    public static final String VERSION = "0.1.0";
    /**
     * Version of the .vqt model format written; files of a higher version are refused. 2 added audio
     * autoencoders (a "type" tag on the autoencoder config) and the quantizers of issue #3; format 1 files read as before.
     */
    public static final int FORMAT_VERSION = 2;

    private Version() {
    }
}
