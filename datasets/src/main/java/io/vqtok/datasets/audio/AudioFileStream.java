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
    private final int sampleRate;
    private final Map<Integer, Resampler> resamplers = new HashMap<>();

    private AudioFileStream(Path root, List<Path> files, int sampleRate) {
        this.root = root;
        this.files = List.copyOf(files);
        this.sampleRate = sampleRate;
    }

    /** The WAV files of a corpus split ({@link AudioFolderDataset#splitFolder}), at {@code sampleRate}. */
    public static AudioFileStream open(Path root, Split split, int sampleRate) {
        return openFolder(AudioFolderDataset.splitFolder(root, split), sampleRate);
    }

    /**
     * The WAV files under a folder (found recursively, sorted by relative path), at {@code sampleRate}.
     *
     * @throws DatasetException if the folder holds no WAV files
     */
    public static AudioFileStream openFolder(Path dir, int sampleRate) {
        if (sampleRate <= 0) throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
        List<Path> files = AudioFolderDataset.listWavs(dir);
        if (files.isEmpty()) throw new DatasetException(dir + ": no WAV files found (looked recursively for *.wav)");
        return new AudioFileStream(dir, files, sampleRate);
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
