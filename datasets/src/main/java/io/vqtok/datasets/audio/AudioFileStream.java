package io.vqtok.datasets.audio;

import io.vqtok.datasets.DatasetException;
import io.vqtok.datasets.Split;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The WAV files of a folder, read and resampled one at a time as they are asked for: the streaming counterpart of
 * {@link AudioFolderDataset}'s whole clips (same files, order, mono mix-down and resampling), holding only the file
 * list, so a corpus larger than memory can be encoded. Not safe for concurrent use.
 */
public final class AudioFileStream {
    private final Path root;
    private final List<Path> files;
    private final Split.Slice slice;
    private final int sampleRate;
    private final Map<Integer, Resampler> resamplers = new HashMap<>();

    private AudioFileStream(Path root, List<Path> files, Split.Slice slice, int sampleRate) {
        this.root = root;
        this.files = List.copyOf(files);
        this.slice = slice;
        this.sampleRate = sampleRate;
    }

    /**
     * The WAV files of a corpus split ({@link AudioFolderDataset#splitFiles}: TEST all of {@code test/}, TRAIN and
     * VALIDATION carved from {@code train/}), at {@code sampleRate}; {@link #root()} is the subfolder they were
     * listed from.
     *
     * @throws DatasetException as {@link AudioFolderDataset#splitFiles} does
     */
    public static AudioFileStream open(Path root, Split split, int sampleRate) {
        checkRate(sampleRate);
        AudioFolderDataset.Selection s = AudioFolderDataset.select(root, split);
        return new AudioFileStream(s.folder(), s.files(), s.slice(), sampleRate);
    }

    /**
     * The WAV files under a folder (found recursively, sorted by relative path), at {@code sampleRate}.
     *
     * @throws DatasetException if the folder holds no WAV files
     */
    public static AudioFileStream openFolder(Path dir, int sampleRate) {
        checkRate(sampleRate);
        List<Path> files = AudioFolderDataset.listWavs(dir);
        if (files.isEmpty()) throw new DatasetException(dir + ": no WAV files found (looked recursively for *.wav)");
        return new AudioFileStream(dir, files, null, sampleRate);
    }

    private static void checkRate(int sampleRate) {
        if (sampleRate <= 0) throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
    }

    /** @return the folder the files were listed from */
    public Path root() {
        return root;
    }

    /** @return the files, in order */
    public List<Path> files() {
        return files;
    }

    /** @return the number of files */
    public int size() {
        return files.size();
    }

    /**
     * @return where the files are from and which split, e.g.
     *         {@code "audio folder D/train, train (first 11 of train) (11 files, streamed)"}
     */
    public String description() {
        return "audio folder " + root + (slice == null ? "" : ", " + slice.describe()) + " (" + files.size()
                + " files, streamed)";
    }

    /** @return the rate every clip is resampled to */
    public int sampleRate() {
        return sampleRate;
    }

    /** Reads file {@code index} as mono samples at {@link #sampleRate()}; an unreadable file is a {@link DatasetException}. */
    public float[] clip(int index) {
        Objects.checkIndex(index, files.size());
        return AudioFolderDataset.readClip(files.get(index), sampleRate, resamplers);
    }
}
