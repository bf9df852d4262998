package io.vqtok.autoencoders;

/** Training stopped because the loss became NaN or infinite; the parameters were not updated by that step. */
public class NonFiniteLossException extends RuntimeException {
    private final long step;

    public NonFiniteLossException(long step, String what) {
        super("training diverged at step " + step + ": " + what + " is not finite; parameters of step " + (step - 1) + " were kept");
        this.step = step;
    }

    public long step() {
        return step;
    }
}
