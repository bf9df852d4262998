package io.vqtok.datasets.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vqtok.datasets.DatasetException;
import io.vqtok.datasets.DatasetNotFoundException;
import io.vqtok.datasets.Split;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AudioFolderDatasetTest {

    @TempDir
    Path dir;

    /** 16 kHz 16-bit clip {@code id}: sample t is {@code (id * 1000 + t) / 32768}, so every value is unique. */
    private Path ramp(Path file, int id, int length) throws Exception {
        short[] v = new short[length];
        for (int t = 0; t < length; t++) {
            v[t] = (short) (id * 1000 + t);
        }
        return AudioFixtures.pcm16(file, 16000, v);
    }

    @Test
    void opensTheSplitSubfolderRecursivelyInSortedOrderAndResamples() throws Exception {
        ramp(dir.resolve("train/b.wav"), 2, 300);
        ramp(dir.resolve("train/a.WAV"), 1, 200);
        WavFile.write(dir.resolve("train/sub/c.wav"), new Audio(AudioFixtures.sine(440, 8000, 8000, 0.5, 0),
                8000));
        WavFile.write(dir.resolve("train/sub/d.wav"), new Audio(AudioFixtures.sine(440, 22050, 2205, 0.5, 0),
                22050), WavFile.Encoding.FLOAT_32);
        Files.writeString(dir.resolve("train/notes.txt"), "not audio");
        ramp(dir.resolve("test/x.wav"), 9, 100);

        // 4 training files: the first 3 train, the last ceil(4/12) = 1 validates
        AudioFolderDataset train = AudioFolderDataset.open(dir, Split.TRAIN, 16000);
        AudioFolderDataset validation = AudioFolderDataset.open(dir, Split.VALIDATION, 16000);
        assertThat(train.files()).extracting(p -> dir.relativize(p).toString().replace('\\', '/'))
                .containsExactly("train/a.WAV", "train/b.wav", "train/sub/c.wav");
        assertThat(validation.files()).extracting(p -> dir.relativize(p).toString().replace('\\', '/'))
                .containsExactly("train/sub/d.wav");
        assertThat(train.root()).isEqualTo(dir.resolve("train"));
        assertThat(validation.root()).isEqualTo(dir.resolve("train"));
        assertThat(train.sampleRate()).isEqualTo(16000);
        // 16 kHz files are read exactly
        float[] a = train.clip(0);
        assertThat(a).hasSize(200);
        for (int t = 0; t < 200; t++) {
            assertThat(a[t]).isEqualTo((1000 + t) / 32768f);
        }
        // others are resampled to round(n * 16000 / rate) samples, keeping the tone
        assertThat(train.length(2)).isEqualTo(16000);
        assertThat(validation.length(0)).isEqualTo(1600);
        float[] c = train.clip(2);
        for (int m = 500; m < 15500; m += 37) {
            assertThat((double) c[m]).isCloseTo(0.5 * Math.sin(2 * Math.PI * 440 * m / 16000),
                    org.assertj.core.data.Offset.offset(0.005));
        }
        assertThat(train.totalSamples()).isEqualTo(200 + 300 + 16000);
        assertThat(train.totalSeconds()).isEqualTo(16500 / 16000.0);
        assertThat(train.description()).contains("train (first 3 of train)").contains("3 files").contains("1.0 s")
                .contains("16000 Hz");
        assertThat(validation.description()).isEqualTo("audio folder " + dir.resolve("train")
                + ", validation (last 1 of train) (1 files, 0.1 s at 16000 Hz)");
        assertThat(train.audio(1).samples()).containsExactly(train.clip(1));

        AudioFolderDataset test = AudioFolderDataset.open(dir, Split.TEST, 16000);
        assertThat(test.size()).isEqualTo(1);
        assertThat(test.clip(0)[5]).isEqualTo(9005 / 32768f);
    }

    @Test
    void trainAndValidationAreTheTrainingFilesInOrderSplitAtNMinusCeilNOver12() throws Exception {
        for (int i = 0; i < 25; i++) { // validation: ceil(25/12) = 3 files, train: 22
            ramp(dir.resolve(String.format("train/%s/f%02d.wav", i < 10 ? "a" : "b", i)), i, 20 + i);
        }
        ramp(dir.resolve("test/t.wav"), 30, 10);
        AudioFolderDataset all = AudioFolderDataset.openFolder(dir.resolve("train"), 16000);
        AudioFolderDataset train = AudioFolderDataset.open(dir, Split.TRAIN, 16000);
        AudioFolderDataset validation = AudioFolderDataset.open(dir, Split.VALIDATION, 16000);
        assertThat(train.size()).isEqualTo(22);
        assertThat(validation.size()).isEqualTo(3);
        java.util.List<Path> joined = new java.util.ArrayList<>(train.files());
        joined.addAll(validation.files());
        assertThat(joined).isEqualTo(all.files()).doesNotHaveDuplicates();
        assertThat(validation.files()).extracting(p -> p.getFileName().toString())
                .containsExactly("f22.wav", "f23.wav", "f24.wav");
        for (int i = 0; i < 3; i++) {
            assertThat(validation.clip(i)).containsExactly(all.clip(22 + i));
            assertThat(validation.clip(i)[0]).isEqualTo((22 + i) * 1000 / 32768f);
        }
        assertThat(AudioFolderDataset.splitFiles(dir, Split.VALIDATION)).isEqualTo(validation.files());
        assertThat(AudioFolderDataset.splitFiles(dir, Split.TRAIN)).isEqualTo(train.files());
        assertThat(AudioFolderDataset.splitFiles(dir, Split.TEST)).containsExactly(dir.resolve("test/t.wav"));
        assertThat(AudioFolderDataset.splitFolder(dir, Split.VALIDATION)).isEqualTo(dir.resolve("train"));

        AudioFileStream streamed = AudioFileStream.open(dir, Split.VALIDATION, 16000);
        assertThat(streamed.files()).isEqualTo(validation.files());
        assertThat(streamed.root()).isEqualTo(dir.resolve("train"));
        assertThat(streamed.clip(1)).containsExactly(validation.clip(1));
        assertThat(streamed.description()).contains("validation (last 3 of train)").contains("3 files, streamed");
        assertThat(AudioFileStream.open(dir, Split.TRAIN, 16000).files()).isEqualTo(train.files());
    }

    @Test
    void oneTrainingFileCannotBeCarved() throws Exception {
        ramp(dir.resolve("train/a.wav"), 1, 10);
        ramp(dir.resolve("test/b.wav"), 2, 10);
        assertThatThrownBy(() -> AudioFolderDataset.open(dir, Split.TRAIN, 16000))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(dir.resolve("train") + ": 1 training item, too few to carve a train split");
        assertThatThrownBy(() -> AudioFileStream.open(dir, Split.VALIDATION, 16000))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("too few to carve a validation split");
        assertThat(AudioFolderDataset.open(dir, Split.TEST, 16000).size()).isEqualTo(1);
    }

    @Test
    void streamedFilesGiveTheSameClipsOneAtATime() throws Exception {
        ramp(dir.resolve("train/b.wav"), 2, 300);
        ramp(dir.resolve("train/a.wav"), 1, 200);
        WavFile.write(dir.resolve("train/sub/c.wav"), new Audio(AudioFixtures.sine(440, 8000, 8000, 0.5, 0), 8000));
        ramp(dir.resolve("train/sub/d.wav"), 4, 50);
        ramp(dir.resolve("test/x.wav"), 9, 100);
        AudioFolderDataset loaded = AudioFolderDataset.open(dir, Split.TRAIN, 16000);
        AudioFileStream streamed = AudioFileStream.open(dir, Split.TRAIN, 16000);
        assertThat(streamed.files()).isEqualTo(loaded.files());
        assertThat(streamed.root()).isEqualTo(loaded.root());
        assertThat(streamed.size()).isEqualTo(3);
        for (int i : new int[]{2, 0, 1, 2}) assertThat(streamed.clip(i)).as("clip %d", i).containsExactly(loaded.clip(i));
        Files.write(dir.resolve("test/y.wav"), new byte[]{'R', 'I', 'F', 'F', 1});
        AudioFileStream test = AudioFileStream.open(dir, Split.TEST, 16000);
        assertThat(test.clip(0)).hasSize(100);
        assertThatThrownBy(() -> test.clip(1)).isInstanceOf(io.vqtok.datasets.DatasetException.class).hasMessageContaining("y.wav");
        assertThatThrownBy(() -> AudioFileStream.open(dir.resolve("missing"), Split.TEST, 16000))
                .isInstanceOf(io.vqtok.datasets.DatasetNotFoundException.class);
    }

    @Test
    void clipsAreCopies() throws Exception {
        ramp(dir.resolve("a.wav"), 0, 10);
        AudioFolderDataset ds = AudioFolderDataset.openFolder(dir, 16000);
        ds.clip(0)[3] = 42;
        assertThat(ds.clip(0)[3]).isEqualTo(3 / 32768f);
    }

    @Test
    void randomCropsAreContiguousSlicesZeroPaddedAndDeterministic() throws Exception {
        int[] lengths = {500, 900, 80, 64};
        for (int i = 0; i < lengths.length; i++) {
            ramp(dir.resolve("f" + i + ".wav"), i + 1, lengths[i]);
        }
        AudioFolderDataset ds = AudioFolderDataset.openFolder(dir, 16000);
        int batch = 64;
        int len = 100;
        float[] crops = ds.randomCrops(batch, len, new SplittableRandom(42));
        assertThat(crops).hasSize(batch * len);
        Set<Integer> clipsSeen = new HashSet<>();
        Set<Integer> startsSeen = new HashSet<>();
        for (int b = 0; b < batch; b++) {
            int code = Math.round(crops[b * len] * 32768);
            int id = code / 1000;
            int start = code % 1000;
            int clipLength = lengths[id - 1];
            clipsSeen.add(id);
            startsSeen.add(start);
            if (clipLength >= len) {
                assertThat(start).isBetween(0, clipLength - len);
                for (int t = 0; t < len; t++) {
                    assertThat(crops[b * len + t]).isEqualTo((id * 1000 + start + t) / 32768f);
                }
            } else {
                assertThat(start).isZero();
                for (int t = 0; t < len; t++) {
                    float expected = t < clipLength ? (id * 1000 + t) / 32768f : 0f;
                    assertThat(crops[b * len + t]).isEqualTo(expected);
                }
            }
        }
        assertThat(clipsSeen).containsExactlyInAnyOrder(1, 2, 3, 4);
        assertThat(startsSeen.size()).isGreaterThan(10);
        assertThat(ds.randomCrops(batch, len, new SplittableRandom(42))).containsExactly(crops);
        assertThat(ds.randomCrops(batch, len, new SplittableRandom(43))).isNotEqualTo(crops);

        Iterator<float[]> it1 = ds.cropBatches(8, 50, 7);
        Iterator<float[]> it2 = ds.cropBatches(8, 50, 7);
        for (int i = 0; i < 5; i++) {
            assertThat(it1.hasNext()).isTrue();
            assertThat(it1.next()).containsExactly(it2.next());
        }
        assertThatThrownBy(() -> ds.randomCrops(0, 10, new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void copyCropPadsPastTheEnd() throws Exception {
        ramp(dir.resolve("a.wav"), 1, 10);
        AudioFolderDataset ds = AudioFolderDataset.openFolder(dir, 16000);
        float[] dst = new float[8];
        java.util.Arrays.fill(dst, 7f);
        ds.copyCrop(0, 7, 5, dst, 2);
        assertThat(dst).containsExactly(7f, 7f, 1007 / 32768f, 1008 / 32768f, 1009 / 32768f, 0f, 0f, 7f);
        ds.copyCrop(0, 20, 3, dst, 0);
        assertThat(dst[0]).isZero();
    }

    @Test
    void missingCorpusSaysHowToCreateIt() {
        Path missing = dir.resolve("speech");
        assertThatThrownBy(() -> AudioFolderDataset.open(missing, Split.TRAIN, 16000))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("scripts/make-speech-corpus.sh");
        assertThatThrownBy(() -> AudioFolderDataset.openFolder(missing, 16000))
                .isInstanceOf(DatasetNotFoundException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void folderWithoutSplitSubfoldersIsRejectedClearly() throws Exception {
        ramp(dir.resolve("a.wav"), 1, 10);
        assertThatThrownBy(() -> AudioFolderDataset.open(dir, Split.TRAIN, 16000))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(dir + ": expected train/ and test/ subfolders of WAV files, found neither");
        Files.createDirectories(dir.resolve("train"));
        assertThatThrownBy(() -> AudioFolderDataset.open(dir, Split.TEST, 16000))
                .hasMessageContaining("found only train/");
    }

    @Test
    void emptySplitAndCorruptFilesAreReportedByName() throws Exception {
        Files.createDirectories(dir.resolve("train"));
        Files.createDirectories(dir.resolve("test"));
        assertThatThrownBy(() -> AudioFolderDataset.open(dir, Split.TEST, 16000))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(dir.resolve("test") + ": no WAV files found");
        ramp(dir.resolve("train/good.wav"), 1, 10);
        Path bad = Files.writeString(dir.resolve("train/bad.wav"), "RIFF....WAVEjunk");
        assertThatThrownBy(() -> AudioFolderDataset.open(dir, Split.TRAIN, 16000))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining(bad.toString());
        assertThatThrownBy(() -> AudioFolderDataset.open(dir, Split.TRAIN, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void wavBytesDecodeToTheClipsOfTheStream(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        WavFile.write(tmp.resolve("a.wav"), new Audio(AudioFixtures.sine(440, 8000, 8000, 0.5, 0), 8000));
        WavFile.write(tmp.resolve("b.wav"), new Audio(AudioFixtures.sine(300, 22050, 2205, 0.5, 0), 22050));
        AudioFileStream s = AudioFileStream.openFolder(tmp, 16000);
        java.util.Map<Integer, Resampler> resamplers = new java.util.HashMap<>();
        for (int i = 0; i < s.size(); i++)
            assertThat(AudioFolderDataset.decodeClip(Files.readAllBytes(s.files().get(i)), "x", 16000, resamplers)).containsExactly(s.clip(i));
        assertThatThrownBy(() -> AudioFolderDataset.decodeClip(new byte[]{1, 2, 3}, "bad.wav", 16000, resamplers))
                .isInstanceOf(DatasetException.class).hasMessageContaining("bad.wav");
    }
}
