package io.vqtok.datasets.audio;

import io.vqtok.datasets.DatasetException;
import io.vqtok.datasets.DatasetNotFoundException;
import io.vqtok.datasets.Split;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Mono audio clips read from a directory tree of {@code *.wav} files (extension case-insensitive, found
 * recursively, other files ignored), ordered by their path relative to the root so the order is the same on
 * every machine, each {@link WavFile#read read}, mixed down to mono and {@link Resampler resampled} to one
 * sample rate, and held in memory as {@code float}s.
 *
 * <p>Two ways to use it: whole clips ({@link #clip}, {@link #audio}) for encoding and evaluation, and
 * fixed-length random crops ({@link #randomCrops}, {@link #cropBatches}) for training. A crop batch is one flat
 * {@code float[]} of shape {@code [batch, 1, length]} in C order: crop {@code b} occupies
 * {@code [b*length, (b+1)*length)}, ready to wrap as an NCW tensor with one channel.
 *
 * <p>{@link #open(Path, Split, int)} reads one split of a corpus folder with {@code train/} and {@code test/}
 * subfolders, as {@value #CORPUS_SCRIPT} writes: {@link Split#TEST} is every WAV file under {@code test/};
 * {@link Split#TRAIN} and {@link Split#VALIDATION} are carved from the files under {@code train/} in sorted order by
 * the rule of {@link Split} (VALIDATION the last {@code ceil(n/12)} files, TRAIN the others). Instances are immutable
 * and may be read from several threads.
 */
public final class AudioFolderDataset {

    /** Where {@value #CORPUS_SCRIPT} writes the speech corpus by default. */
    public static final Path DEFAULT_DIR = Path.of("data", "speech");
    /** The script that builds a synthetic speech corpus. */
    public static final String CORPUS_SCRIPT = "scripts/make-speech-corpus.sh";
    /** The sample rate the audio tokenizers work at, in Hz. */
    public static final int DEFAULT_SAMPLE_RATE = 16000;

    private static final String HOW_TO_CREATE = "create the speech corpus with " + CORPUS_SCRIPT
            + " [out_dir] (default " + DEFAULT_DIR + "), or give a folder with train/ and test/ subfolders of WAV"
            + " files";

    private final Path root;
    private final List<Path> files;
    private final Split.Slice slice;
    private final float[][] clips;
    private final int sampleRate;
    private final long totalSamples;

    private AudioFolderDataset(Path root, List<Path> files, Split.Slice slice, float[][] clips, int sampleRate) {
        this.root = root;
        this.files = List.copyOf(files);
        this.slice = slice;
        this.clips = clips;
        this.sampleRate = sampleRate;
        long total = 0;
        for (float[] c : clips) {
            total += c.length;
        }
        this.totalSamples = total;
    }

    /**
     * Reads one split of a corpus folder: the files of {@link #splitFiles} ({@code root/test} for
     * {@link Split#TEST}; TRAIN and VALIDATION carved from {@code root/train}); both subfolders must exist.
     *
     * @param root the corpus folder
     * @param split the split wanted
     * @param sampleRate the rate to resample every clip to, in Hz
     * @return the clips of that split; {@link #root()} is the subfolder they were listed from
     * @throws IllegalArgumentException if the sample rate is not positive
     * @throws DatasetNotFoundException if {@code root} does not exist (the message says how to create it)
     * @throws DatasetException if {@code root} lacks a {@code train/} or {@code test/} subfolder, the subfolder
     *         holds no WAV files (or fewer than 2 to carve TRAIN or VALIDATION from), or a file is unreadable
     */
    public static AudioFolderDataset open(Path root, Split split, int sampleRate) {
        checkRate(sampleRate);
        Selection s = select(root, split);
        return read(s.folder(), s.files(), s.slice(), sampleRate);
    }

    /**
     * The WAV files of a corpus split, in dataset order: every file under {@code root/test} for {@link Split#TEST};
     * for {@link Split#TRAIN} and {@link Split#VALIDATION} the part {@link Split#slice} gives of the files under
     * {@code root/train} (sorted by relative path): VALIDATION the last {@code ceil(n/12)}, TRAIN the others.
     *
     * @param root the corpus folder
     * @param split the split
     * @return the split's files
     * @throws DatasetNotFoundException if {@code root} does not exist (the message says how to create it)
     * @throws DatasetException if {@code root} lacks a {@code train/} or {@code test/} subfolder, or the subfolder
     *         holds no WAV files (or fewer than 2 to carve TRAIN or VALIDATION from)
     */
    public static List<Path> splitFiles(Path root, Split split) {
        return select(root, split).files();
    }

    /** A split's folder, the part of its files taken, and those files. */
    record Selection(Path folder, Split.Slice slice, List<Path> files) {
    }

    static Selection select(Path root, Split split) {
        Path folder = splitFolder(root, split);
        List<Path> all = listWavs(folder);
        if (all.isEmpty()) {
            throw new DatasetException(folder + ": no WAV files found (looked recursively for *.wav)");
        }
        Split.Slice slice = split.slice(all.size(), folder);
        return new Selection(folder, slice, slice.of(all));
    }

    /**
     * The folder a corpus split's files are listed from: {@code root/test} for {@link Split#TEST},
     * {@code root/train} for {@link Split#TRAIN} and {@link Split#VALIDATION} (which {@link #splitFiles} carves from
     * it); both subfolders must exist.
     *
     * @throws DatasetNotFoundException if {@code root} does not exist (the message says how to create it)
     * @throws DatasetException if {@code root} lacks a {@code train/} or {@code test/} subfolder
     */
    public static Path splitFolder(Path root, Split split) {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(split, "split");
        if (!Files.exists(root)) {
            throw new DatasetNotFoundException(root + ": no such directory; " + HOW_TO_CREATE);
        }
        if (!Files.isDirectory(root)) {
            throw new DatasetException(root + ": not a directory; " + HOW_TO_CREATE);
        }
        boolean hasTrain = Files.isDirectory(root.resolve("train"));
        boolean hasTest = Files.isDirectory(root.resolve("test"));
        if (!hasTrain || !hasTest) {
            String found = hasTrain ? "only train/" : hasTest ? "only test/" : "neither";
            throw new DatasetException(root + ": expected train/ and test/ subfolders of WAV files, found " + found
                    + "; " + HOW_TO_CREATE);
        }
        return root.resolve(split.stored().toString());
    }

    /**
     * Reads every WAV file under a folder, without any split logic.
     *
     * @param dir the folder
     * @param sampleRate the rate to resample every clip to, in Hz
     * @return the clips
     * @throws IllegalArgumentException if the sample rate is not positive
     * @throws DatasetNotFoundException if {@code dir} does not exist
     * @throws DatasetException if {@code dir} holds no WAV files or a file is unreadable
     */
    public static AudioFolderDataset openFolder(Path dir, int sampleRate) {
        checkRate(sampleRate);
        List<Path> files = listWavs(dir);
        if (files.isEmpty()) {
            throw new DatasetException(dir + ": no WAV files found (looked recursively for *.wav)");
        }
        return read(dir, files, null, sampleRate);
    }

    private static AudioFolderDataset read(Path dir, List<Path> files, Split.Slice slice, int sampleRate) {
        Map<Integer, Resampler> resamplers = new HashMap<>();
        float[][] clips = new float[files.size()][];
        for (int i = 0; i < clips.length; i++) clips[i] = readClip(files.get(i), sampleRate, resamplers);
        return new AudioFolderDataset(dir, files, slice, clips, sampleRate);
    }

    /** One WAV file as mono samples at {@code sampleRate}, resampled with a resampler kept per source rate. */
    static float[] readClip(Path file, int sampleRate, Map<Integer, Resampler> resamplers) {
        return atRate(WavFile.read(file), sampleRate, resamplers);
    }

    /**
     * The bytes of one WAV file (e.g. a row of a table) as mono samples at {@code sampleRate}: the clip
     * {@link AudioFileStream#clip} gives for the same file.
     *
     * @param wav the complete file content
     * @param name what to call the file in error messages
     * @param resamplers resamplers by source rate, reused across calls (a mutable map owned by one thread)
     * @throws DatasetException if the bytes are not a supported, complete WAV file
     */
    public static float[] decodeClip(byte[] wav, String name, int sampleRate, Map<Integer, Resampler> resamplers) {
        checkRate(sampleRate);
        return atRate(WavFile.decode(wav, name), sampleRate, resamplers);
    }

    private static float[] atRate(Audio a, int sampleRate, Map<Integer, Resampler> resamplers) {
        return a.sampleRate() == sampleRate ? a.samples()
                : resamplers.computeIfAbsent(a.sampleRate(), r -> new Resampler(r, sampleRate)).apply(a.samples());
    }

    /**
     * Lists the WAV files under a directory, sorted by relative path ({@code /}-separated, by code point).
     *
     * @param dir the root directory
     * @return the files, possibly none
     * @throws DatasetNotFoundException if {@code dir} does not exist
     * @throws DatasetException if {@code dir} is not a directory or cannot be listed
     */
    public static List<Path> listWavs(Path dir) {
        Objects.requireNonNull(dir, "dir");
        if (!Files.exists(dir)) {
            throw new DatasetNotFoundException(dir + ": no such directory (expected a folder of WAV files); "
                    + HOW_TO_CREATE);
        }
        if (!Files.isDirectory(dir)) {
            throw new DatasetException(dir + ": not a directory (expected a folder of WAV files)");
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(AudioFolderDataset::isWav).filter(Files::isRegularFile).forEach(found::add);
        } catch (IOException | UncheckedIOException e) {
            throw new DatasetException(dir + ": cannot list the folder (" + e.getMessage() + ")", e);
        }
        found.sort(Comparator.comparing((Path p) -> relativeKey(dir, p)));
        return found;
    }

    private static String relativeKey(Path root, Path file) {
        StringBuilder sb = new StringBuilder();
        for (Path part : root.relativize(file)) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(part);
        }
        return sb.toString();
    }

    private static boolean isWav(Path p) {
        Path name = p.getFileName();
        return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".wav");
    }

    private static void checkRate(int sampleRate) {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
        }
    }

    /** @return the folder the clips were read from (the split's subfolder for {@link #open(Path, Split, int)}) */
    public Path root() {
        return root;
    }

    /** @return the WAV files, in dataset order (clip {@code i} is {@code files().get(i)}) */
    public List<Path> files() {
        return files;
    }

    /** @return the number of clips */
    public int size() {
        return clips.length;
    }

    /** @return the sample rate of every clip, in Hz */
    public int sampleRate() {
        return sampleRate;
    }

    /**
     * Returns the length of one clip.
     *
     * @param index the clip index
     * @return its number of samples
     */
    public int length(int index) {
        return clips[index].length;
    }

    /** @return the number of samples over all clips */
    public long totalSamples() {
        return totalSamples;
    }

    /** @return the duration of all clips together, in seconds */
    public double totalSeconds() {
        return totalSamples / (double) sampleRate;
    }

    /**
     * @return a short human-readable description (where, which split, how many files, how long, which rate), e.g.
     *         {@code "audio folder data/speech/train, validation (last 60 of train) (60 files, 95.2 s at 16000 Hz)"}
     */
    public String description() {
        return String.format(Locale.ROOT, "audio folder %s%s (%d files, %.1f s at %d Hz)", root,
                slice == null ? "" : ", " + slice.describe(), clips.length, totalSeconds(), sampleRate);
    }

    /**
     * Returns one whole clip.
     *
     * @param index the clip index, {@code 0 <= index < size()}
     * @return a copy of its samples at {@link #sampleRate()}
     */
    public float[] clip(int index) {
        return clips[index].clone();
    }

    /**
     * Returns one whole clip with its sample rate.
     *
     * @param index the clip index
     * @return a copy of its samples and {@link #sampleRate()}
     */
    public Audio audio(int index) {
        return new Audio(clip(index), sampleRate);
    }

    /**
     * Copies {@code length} samples of a clip starting at {@code offset}; positions past the end of the clip
     * are filled with zeros.
     *
     * @param index the clip index
     * @param offset the first sample, {@code 0 <= offset}
     * @param length how many samples
     * @param dst the destination
     * @param dstOffset where to write in {@code dst}
     * @throws IndexOutOfBoundsException if an index or range is out of bounds
     */
    public void copyCrop(int index, int offset, int length, float[] dst, int dstOffset) {
        float[] c = clips[index];
        Objects.checkFromIndexSize(dstOffset, length, dst.length);
        if (offset < 0) {
            throw new IndexOutOfBoundsException("negative crop offset " + offset);
        }
        int copied = Math.max(0, Math.min(length, c.length - offset));
        if (copied > 0) {
            System.arraycopy(c, offset, dst, dstOffset, copied);
        }
        Arrays.fill(dst, dstOffset + copied, dstOffset + length, 0f);
    }

    /**
     * Draws a batch of random fixed-length crops: for each crop a clip is chosen uniformly, then a start
     * uniformly in {@code [0, clipLength - length]}; a clip shorter than {@code length} is taken whole from
     * its start and zero-padded at the end. Same random state, same crops.
     *
     * @param batch the number of crops, at least 1
     * @param length samples per crop, at least 1
     * @param random the random source, advanced by the draws
     * @return {@code batch * length} floats, shape {@code [batch, 1, length]} in C order
     * @throws IllegalArgumentException if a size is out of range or the batch does not fit in one array
     */
    public float[] randomCrops(int batch, int length, SplittableRandom random) {
        Objects.requireNonNull(random, "random");
        if (batch < 1 || length < 1) {
            throw new IllegalArgumentException("batch and crop length must be at least 1, got " + batch + " and "
                    + length);
        }
        if ((long) batch * length > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(batch + " crops of " + length + " samples do not fit in one array");
        }
        float[] out = new float[batch * length];
        for (int b = 0; b < batch; b++) {
            int index = random.nextInt(clips.length);
            int slack = clips[index].length - length;
            int start = slack > 0 ? random.nextInt(slack + 1) : 0;
            copyCrop(index, start, length, out, b * length);
        }
        return out;
    }

    /**
     * An endless, deterministic stream of crop batches ({@link #randomCrops}) drawn from one
     * {@link SplittableRandom} seeded with {@code seed}. Not thread-safe.
     *
     * @param batch crops per batch
     * @param length samples per crop
     * @param seed the random seed
     * @return the batches, each {@code [batch, 1, length]} flat
     */
    public Iterator<float[]> cropBatches(int batch, int length, long seed) {
        if (batch < 1 || length < 1) {
            throw new IllegalArgumentException("batch and crop length must be at least 1, got " + batch + " and "
                    + length);
        }
        SplittableRandom random = new SplittableRandom(seed);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public float[] next() {
                return randomCrops(batch, length, random);
            }
        };
    }
}
