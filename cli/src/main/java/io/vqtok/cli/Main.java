package io.vqtok.cli;

import io.vqtok.autoencoders.ModelFormatException;
import io.vqtok.autoencoders.NonFiniteLossException;
import io.vqtok.datasets.DatasetException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;

/** The {@code vqtok} command: train, evaluate and apply vector-quantized image tokenizers. */
@Command(name = "vqtok", mixinStandardHelpOptions = true, version = "vqtok 0.1.0",
        description = "Train, evaluate and apply vector-quantized tokenizers.",
        subcommands = {TrainCommand.class, EvalCommand.class, EncodeCommand.class, DecodeCommand.class, BenchCommand.class, ExportCommand.class, ImportCommand.class, ReportCommand.class})
public final class Main implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.err);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command line and returns its exit code: 0 success; 2 for bad input (flags, data files, model files: the
     * project's {@link DatasetException} and {@link ModelFormatException}, and IllegalArgumentException); 1 for
     * other failures.
     */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("vqtok " + cmd.getCommandName() + ": error: " + describe(e));
            if (System.getenv("VQTOK_DEBUG") != null) e.printStackTrace(cmd.getErr());
            return badInput(e) ? 2 : 1;
        });
        return cli.execute(args);
    }

    /** Whether a failure comes from what the user gave (flags, data or model files) rather than from running. */
    static boolean badInput(Throwable e) {
        if (e instanceof UncheckedIOException u && u.getCause() != null) return badInput(u.getCause());
        return e instanceof IllegalArgumentException || e instanceof DatasetException || e instanceof ModelFormatException
                || e instanceof NoSuchFileException;
    }

    static String describe(Throwable e) {
        if (e instanceof NoSuchFileException n) return "file not found: " + n.getFile();
        if (e instanceof UncheckedIOException u) return describe(u.getCause());
        if (e instanceof IOException io) return io.getClass().getSimpleName() + ": " + io.getMessage();
        if (e instanceof DatasetException || e instanceof ModelFormatException || e instanceof IllegalArgumentException
                || e instanceof NonFiniteLossException || e instanceof IllegalStateException)
            return e.getMessage();
        return e.toString();
    }
}
