package io.vqtok.autoencoders;

import io.vqtok.autoencoders.Vocabulary.StageIds;
import io.vqtok.codebook.CodebookInit;
import io.vqtok.quantizers.EmaQuantizerConfig;
import io.vqtok.quantizers.ResidualQuantizerConfig;
import io.vqtok.quantizers.VectorQuantizerConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;
import java.util.Random;

import static io.vqtok.autoencoders.Vocabulary.NONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Token ids of codes: written-out sequences of each layout, round trips over a grid of vocabularies and sizes, errors. */
class VocabularyTest {
    /** BOS 0, EOS 1, PAD 2, K = 5, Q = 2: stage 0's codes are ids 3..7, stage 1's 8..12 (per stage) or 3..7 (shared). */
    private static final Vocabulary PER_STAGE = Vocabulary.withBosEosPad(5, 2, StageIds.PER_STAGE);
    private static final Vocabulary SHARED = Vocabulary.withBosEosPad(5, 2, StageIds.SHARED);
    /** T = 2, Q = 2. */
    private static final int[][] CODES = {{4, 0}, {1, 3}};

    @Test
    void idsOfCodesAndSizes() {
        assertThat(PER_STAGE.size()).isEqualTo(13);
        assertThat(SHARED.size()).isEqualTo(8);
        assertThat(Vocabulary.of(5, 2, StageIds.PER_STAGE).size()).isEqualTo(10);
        assertThat(Vocabulary.of(5, 2, StageIds.SHARED).size()).isEqualTo(5);
        assertThat(PER_STAGE.codeOffset(0)).isEqualTo(3);
        assertThat(PER_STAGE.codeOffset(1)).isEqualTo(8);
        assertThat(SHARED.codeOffset(1)).isEqualTo(3);
        assertThat(PER_STAGE.token(4, 1)).isEqualTo(12);
        assertThat(SHARED.token(4, 1)).isEqualTo(7);
        assertThat(PER_STAGE.code(12, 1)).isEqualTo(4);
        assertThat(PER_STAGE.code(3, 0)).isZero();
        assertThat(PER_STAGE.isSpecial(2)).isTrue();
        assertThat(PER_STAGE.isSpecial(3)).isFalse();
        assertThat(PER_STAGE.isSpecial(-1)).isFalse();
        Vocabulary big = Vocabulary.of(1024, 4, StageIds.PER_STAGE);
        assertThat(big.size()).isEqualTo(4096);
        assertThat(big.token(1023, 3)).isEqualTo(4095);
        assertThat(big.token(0, 2)).isEqualTo(2048);
    }

    @Test
    void flattenedSequencesWrittenOut() {
        // (t0,q0)=4 -> 3+4, (t0,q1)=0 -> 3+5+0, (t1,q0)=1 -> 3+1, (t1,q1)=3 -> 3+5+3
        assertThat(PER_STAGE.flattened(CODES, true, true)).containsExactly(0, 7, 8, 4, 11, 1);
        assertThat(PER_STAGE.flattened(CODES, false, false)).containsExactly(7, 8, 4, 11);
        assertThat(PER_STAGE.flattened(CODES, true, false)).containsExactly(0, 7, 8, 4, 11);
        assertThat(PER_STAGE.flattened(CODES, false, true)).containsExactly(7, 8, 4, 11, 1);
        assertThat(SHARED.flattened(CODES, true, true)).containsExactly(0, 7, 3, 4, 6, 1);
        assertThat(Vocabulary.of(5, 2, StageIds.PER_STAGE).flattened(CODES, false, false)).containsExactly(4, 5, 1, 8);
        assertThat(PER_STAGE.fromFlattened(new int[]{0, 7, 8, 4, 11, 1}, true, true)).isDeepEqualTo(CODES);
        assertThat(SHARED.fromFlattened(new int[]{7, 3, 4, 6}, false, false)).isDeepEqualTo(CODES);
    }

    @Test
    void delayedAndParallelStreamsWrittenOut() {
        // tokens (t, q): [[7, 8], [4, 11]]; stream 1 starts one step later, PAD (2) fills the gaps
        int[][] delayed = PER_STAGE.delayed(CODES, true, true);
        assertThat(delayed).isDeepEqualTo(new int[][]{
                {0, 0},
                {7, 2},
                {4, 8},
                {2, 11},
                {1, 1}});
        assertThat(PER_STAGE.delayed(CODES, false, false)).isDeepEqualTo(new int[][]{{7, 2}, {4, 8}, {2, 11}});
        assertThat(SHARED.delayed(CODES, false, true)).isDeepEqualTo(new int[][]{{7, 2}, {4, 3}, {2, 6}, {1, 1}});
        assertThat(PER_STAGE.fromDelayed(delayed, true, true)).isDeepEqualTo(CODES);

        int[][] parallel = PER_STAGE.parallel(CODES, true, false);
        assertThat(parallel).isDeepEqualTo(new int[][]{{0, 0}, {7, 8}, {4, 11}});
        assertThat(PER_STAGE.fromParallel(parallel, true, false)).isDeepEqualTo(CODES);
    }

    @Test
    void oneStageSequencesWrittenOut() {
        Vocabulary v = Vocabulary.withBosEosPad(5, 1, StageIds.SHARED);
        assertThat(v.sequence(new int[]{4, 0, 2}, true, true)).containsExactly(0, 7, 3, 5, 1);
        assertThat(v.sequence(new int[]{4, 0, 2}, false, false)).containsExactly(7, 3, 5);
        assertThat(v.fromSequence(new int[]{0, 7, 3, 5, 1}, true, true)).containsExactly(4, 0, 2);
        // a custom layout: 4 specials with EOS 3 and no BOS or PAD, codes from id 4
        Vocabulary custom = new Vocabulary(4, NONE, 3, NONE, 10, 1, StageIds.PER_STAGE);
        assertThat(custom.sequence(new int[]{9, 0}, false, true)).containsExactly(13, 4, 3);
        assertThat(custom.size()).isEqualTo(14);
    }

    /** The token of code (t, q), from the definition. */
    private static int expectedToken(Vocabulary v, int code, int q) {
        return v.specials() + (v.stageIds() == StageIds.PER_STAGE ? q * v.codebookSize() : 0) + code;
    }

    @Test
    void everyLayoutRoundTripsOverAGridOfSizesAndVocabularies() {
        Random r = new Random(12);
        int cases = 0;
        for (int k : new int[]{2, 5, 1024})
            for (int q = 1; q <= 4; q++)
                for (StageIds ids : StageIds.values())
                    for (Vocabulary v : List.of(Vocabulary.of(k, q, ids), Vocabulary.withBosEosPad(k, q, ids),
                            new Vocabulary(5, 4, 2, 0, k, q, ids)))
                        for (int t = 1; t <= 6; t++)
                            for (int ends = 0; ends < 4; ends++) {
                                boolean bos = (ends & 1) != 0, eos = (ends & 2) != 0;
                                if ((bos && v.bos() == NONE) || (eos && v.eos() == NONE)) continue;
                                int b = bos ? 1 : 0, e = eos ? 1 : 0;
                                int[][] codes = TokenSequencesTest.randomCodes(r, t, q, k);
                                String c = "K=" + k + " Q=" + q + " T=" + t + " " + v + " bos=" + bos + " eos=" + eos;

                                int[] flat = v.flattened(codes, bos, eos);
                                assertThat(flat).as(c).hasSize(b + t * q + e);
                                if (bos) assertThat(flat[0]).as(c).isEqualTo(v.bos());
                                if (eos) assertThat(flat[flat.length - 1]).as(c).isEqualTo(v.eos());
                                for (int i = 0; i < t; i++)
                                    for (int j = 0; j < q; j++)
                                        assertThat(flat[b + i * q + j]).as(c).isEqualTo(expectedToken(v, codes[i][j], j));
                                for (int token : flat) assertThat(token).as(c).isBetween(0, v.size() - 1);
                                assertThat(v.fromFlattened(flat, bos, eos)).as(c).isDeepEqualTo(codes);

                                int[][] par = v.parallel(codes, bos, eos);
                                assertThat(par.length).as(c).isEqualTo(b + t + e);
                                for (int i = 0; i < t; i++)
                                    for (int j = 0; j < q; j++) assertThat(par[b + i][j]).as(c).isEqualTo(expectedToken(v, codes[i][j], j));
                                assertThat(v.fromParallel(par, bos, eos)).as(c).isDeepEqualTo(codes);

                                if (v.pad() != NONE) {
                                    int[][] del = v.delayed(codes, bos, eos);
                                    assertThat(del.length).as(c).isEqualTo(b + t + q - 1 + e);
                                    for (int s = 0; s < t + q - 1; s++)
                                        for (int j = 0; j < q; j++)
                                            assertThat(del[b + s][j]).as(c + " [%d][%d]", b + s, j)
                                                    .isEqualTo(j <= s && s < t + j ? expectedToken(v, codes[s - j][j], j) : v.pad());
                                    if (bos) assertThat(del[0]).as(c).containsOnly(v.bos());
                                    if (eos) assertThat(del[del.length - 1]).as(c).containsOnly(v.eos());
                                    assertThat(v.fromDelayed(del, bos, eos)).as(c).isDeepEqualTo(codes);
                                }
                                if (q == 1) {
                                    int[] single = new int[t];
                                    for (int i = 0; i < t; i++) single[i] = codes[i][0];
                                    int[] seq = v.sequence(single, bos, eos);
                                    assertThat(seq).as(c).containsExactly(flat);
                                    assertThat(v.fromSequence(seq, bos, eos)).as(c).containsExactly(single);
                                }
                                cases++;
                            }
        assertThat(cases).isEqualTo(3 * 4 * 2 * 6 * (1 + 4 + 4));
    }

    @Test
    void perStageRangesAreDisjointAndCoverTheCodes() {
        for (int k : new int[]{2, 5, 1024})
            for (int q = 1; q <= 4; q++) {
                Vocabulary v = Vocabulary.withBosEosPad(k, q, StageIds.PER_STAGE);
                boolean[] seen = new boolean[v.size()];
                for (int j = 0; j < q; j++)
                    for (int code = 0; code < k; code++) {
                        int token = v.token(code, j);
                        assertThat(seen[token]).isFalse();
                        seen[token] = true;
                        assertThat(v.code(token, j)).isEqualTo(code);
                    }
                for (int id = 0; id < v.size(); id++) assertThat(seen[id]).isEqualTo(!v.isSpecial(id));
            }
    }

    @Test
    void invalidVocabulariesAreRefused() {
        assertThatThrownBy(() -> Vocabulary.of(5, 0, StageIds.SHARED))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("stages must be >= 1, got 0");
        assertThatThrownBy(() -> Vocabulary.of(0, 2, StageIds.SHARED))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("codebook size must be >= 1, got 0");
        assertThatThrownBy(() -> new Vocabulary(-1, NONE, NONE, NONE, 5, 2, StageIds.SHARED))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("special tokens must be >= 0, got -1");
        assertThatThrownBy(() -> Vocabulary.of(5, 2, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("stage ids must be SHARED or PER_STAGE, got null");
        assertThatThrownBy(() -> new Vocabulary(2, 0, 1, 2, 5, 2, StageIds.SHARED))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("PAD id 2 is outside the special ids [0, 2) (use NONE for no PAD)");
        assertThatThrownBy(() -> new Vocabulary(0, 0, NONE, NONE, 5, 2, StageIds.SHARED))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("BOS id 0 is outside the special ids [0, 0) (use NONE for no BOS)");
        assertThatThrownBy(() -> new Vocabulary(3, 1, 1, 2, 5, 2, StageIds.SHARED))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("BOS id 1 is also EOS");
        assertThatThrownBy(() -> new Vocabulary(3, 0, 2, 2, 5, 2, StageIds.SHARED))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("EOS id 2 is also PAD");
        assertThatThrownBy(() -> Vocabulary.withBosEosPad(1 << 30, 2, StageIds.PER_STAGE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a vocabulary of 2147483651 ids (3 special, 2 stages, codebook size 1073741824, PER_STAGE) exceeds 2^31-1");
        assertThat(Vocabulary.withBosEosPad(1 << 30, 2, StageIds.SHARED).size()).isEqualTo((1 << 30) + 3);
    }

    @Test
    void codesOutOfRangeAndWrongShapesAreRefused() {
        assertThatThrownBy(() -> PER_STAGE.token(5, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("code 5 is outside the codes [0, 5) of stage 0");
        assertThatThrownBy(() -> PER_STAGE.token(0, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("stage 2 is outside [0, 2)");
        assertThatThrownBy(() -> PER_STAGE.flattened(new int[][]{{4, 0}, {5, 3}}, true, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("codes[1][0] is 5, outside the codes [0, 5) of stage 0");
        assertThatThrownBy(() -> PER_STAGE.delayed(new int[][]{{4, -1}}, false, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("codes[0][1] is -1, outside the codes [0, 5) of stage 1");
        assertThatThrownBy(() -> PER_STAGE.flattened(new int[][]{{4, 0}, {1, 3, 2}}, false, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("codes[1] has 3 stages, the vocabulary has 2");
        assertThatThrownBy(() -> PER_STAGE.parallel(new int[0][], false, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("codes have no frames (T must be >= 1)");
        assertThatThrownBy(() -> PER_STAGE.sequence(new int[]{1, 2}, false, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a sequence of one stage needs a one-stage vocabulary, this one has 2 stages (use flattened, delayed or parallel)");
        Vocabulary one = Vocabulary.of(5, 1, StageIds.SHARED);
        assertThatThrownBy(() -> one.sequence(new int[]{1, 7}, false, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("codes[1] is 7, outside the codes [0, 5)");
        assertThatThrownBy(() -> one.sequence(new int[]{1}, true, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("BOS asked for, but this vocabulary has no BOS token");
        assertThatThrownBy(() -> one.delayed(new int[][]{{1}}, false, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the delay pattern needs a PAD token, this vocabulary has none");
        assertThatThrownBy(() -> one.fromDelayed(new int[][]{{1}}, false, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the delay pattern needs a PAD token, this vocabulary has none");
    }

    @Test
    void decodingNamesThePositionAndTheTokenThatIsNotACode() {
        assertThatThrownBy(() -> PER_STAGE.fromFlattened(new int[]{0, 7, 1, 4, 11, 1}, true, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("token 1 (EOS) at tokens[2] is a special token, expected a code of stage 1 (ids 8..12)");
        assertThatThrownBy(() -> PER_STAGE.fromFlattened(new int[]{0, 7, 4, 4, 11, 1}, true, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("token 4 at tokens[2] is a code of stage 0, expected a code of stage 1 (ids 8..12)");
        assertThatThrownBy(() -> PER_STAGE.fromFlattened(new int[]{7, 8, 13, 11}, false, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("token 13 at tokens[2] is outside the vocabulary [0, 13), expected a code of stage 0 (ids 3..7)");
        assertThatThrownBy(() -> SHARED.fromFlattened(new int[]{7, -3, 4, 6}, false, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("token -3 at tokens[1] is outside the vocabulary [0, 8), expected a code of stage 1 (ids 3..7)");
        assertThatThrownBy(() -> SHARED.fromFlattened(new int[]{7, 2, 4, 6}, false, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("token 2 (PAD) at tokens[1] is a special token, expected a code of stage 1 (ids 3..7)");
        assertThatThrownBy(() -> PER_STAGE.code(0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("token 0 (BOS) is a special token, expected a code of stage 0 (ids 3..7)");
        assertThatThrownBy(() -> new Vocabulary(5, 4, 2, 0, 5, 1, StageIds.SHARED).fromSequence(new int[]{4, 6, 3, 2}, true, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("token 3 (special token 3) at tokens[2] is a special token, expected a code of stage 0 (ids 5..9)");

        // delayed streams [[BOS, BOS], [7, PAD], [4, 8], [PAD, 11], [EOS, EOS]] with one token changed
        assertThatThrownBy(() -> PER_STAGE.fromDelayed(new int[][]{{0, 0}, {7, 2}, {4, 1}, {2, 11}, {1, 1}}, true, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("token 1 (EOS) at tokens[2][1] is a special token, expected a code of stage 1 (ids 8..12)");
        assertThatThrownBy(() -> PER_STAGE.fromDelayed(new int[][]{{0, 0}, {7, 2}, {4, 8}, {2, 3}, {1, 1}}, true, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("token 3 at tokens[3][1] is a code of stage 0, expected a code of stage 1 (ids 8..12)");
        assertThatThrownBy(() -> PER_STAGE.fromDelayed(new int[][]{{0, 0}, {7, 2}, {2, 8}, {2, 11}, {1, 1}}, true, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tokens[2][0] is the padding value 2 where stream 0 holds frame 1");
        assertThatThrownBy(() -> PER_STAGE.fromDelayed(new int[][]{{0, 0}, {7, 9}, {4, 8}, {2, 11}, {1, 1}}, true, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tokens[1][1] is 9, expected the padding value 2 (stream 1 has no frame at step 0)");
        assertThatThrownBy(() -> PER_STAGE.fromDelayed(new int[][]{{0, 7}, {7, 2}, {4, 8}, {2, 11}, {1, 1}}, true, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("tokens[0][1] is 7, expected BOS (0)");
        assertThatThrownBy(() -> PER_STAGE.fromDelayed(new int[][]{{0, 0}, {7, 2}, {4, 8}, {2, 11}, {1, 2}}, true, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("tokens[4][1] is 2, expected EOS (1)");
        assertThatThrownBy(() -> PER_STAGE.fromDelayed(new int[][]{{0, 0}, {7, 2}, {1, 1}}, true, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("delayed streams of 3 steps (with BOS and EOS) hold no codes: 2 stages need at least 2 steps");
        assertThatThrownBy(() -> PER_STAGE.fromDelayed(new int[][]{{7, 2}, {4, 8, 3}, {2, 11}}, false, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("tokens[1] has 3 streams, the vocabulary has 2 stages");
        assertThatThrownBy(() -> PER_STAGE.fromParallel(new int[][]{{0, 0}, {7, 8}, {4, 2}}, true, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("token 2 (PAD) at tokens[2][1] is a special token, expected a code of stage 1 (ids 8..12)");
        assertThatThrownBy(() -> PER_STAGE.fromParallel(new int[][]{{0, 0}, {1, 1}}, true, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("parallel streams of 2 steps (with BOS and EOS) hold no codes");

        // BOS, EOS and lengths of flat sequences
        assertThatThrownBy(() -> PER_STAGE.fromFlattened(new int[]{7, 8, 4, 11, 1}, true, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("tokens[0] is 7, expected BOS (0)");
        assertThatThrownBy(() -> PER_STAGE.fromFlattened(new int[]{0, 7, 8, 4, 11}, true, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("tokens[4] is 11, expected EOS (1)");
        assertThatThrownBy(() -> PER_STAGE.fromFlattened(new int[]{0, 7, 8, 4, 1}, true, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a flattened sequence of 5 tokens (with BOS and EOS) is not T x 2 stages with T >= 1");
        assertThatThrownBy(() -> PER_STAGE.fromFlattened(new int[]{0, 1}, true, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a flattened sequence of 2 tokens (with BOS and EOS) is not T x 2 stages with T >= 1");
        assertThatThrownBy(() -> PER_STAGE.fromFlattened(new int[0], true, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the sequence is empty, expected BOS first");
        assertThatThrownBy(() -> Vocabulary.withBosEosPad(5, 1, StageIds.SHARED).fromSequence(new int[]{0, 1}, true, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a sequence of 2 tokens (with BOS and EOS) holds no codes");
    }

    @Test
    void tokenizerCodesRoundTripThroughTokens() {
        // an image tokenizer with 3 residual stages: codes [N, h, w, 3] -> [N, h·w, 3] -> tokens per image -> back
        ImageAutoencoderConfig small = new ImageAutoencoderConfig(1, 16, 16, 8, 4, 1, 8);
        ImageTokenizer image = ImageTokenizer.create(new TokenizerConfig(small, new ResidualQuantizerConfig(VectorQuantizerConfig.of(16, 8), 3)), 5);
        INDArray codes = image.encode(ImageTokenizerTest.images(3, 9));
        long[] shape = codes.shape();
        assertThat(shape).hasSize(4);
        assertThat(shape[3]).isEqualTo(3);
        Vocabulary v = Vocabulary.withBosEosPad(16, 3, StageIds.PER_STAGE);
        INDArray seqs = TokenSequences.raster(codes);
        int[][][] back = new int[3][][];
        for (int n = 0; n < 3; n++) {
            int[][] frames = seqs.get(NDArrayIndex.point(n), NDArrayIndex.all(), NDArrayIndex.all()).toIntMatrix();
            int[] flat = v.flattened(frames, true, true);
            assertThat(flat).hasSize(2 + (int) (shape[1] * shape[2] * 3));
            int[][] fromFlat = v.fromFlattened(flat, true, true);
            assertThat(v.fromDelayed(v.delayed(frames, true, false), true, false)).isDeepEqualTo(fromFlat);
            back[n] = fromFlat;
        }
        INDArray restored = TokenSequences.unraster(Nd4j.createFromArray(back), (int) shape[1], (int) shape[2]);
        assertThat(restored.equals(codes.castTo(restored.dataType()))).isTrue();

        // an audio tokenizer: codes [F, 2] -> delayed streams -> back
        AudioTokenizer audio = AudioTokenizer.create(new TokenizerConfig(new AudioAutoencoderConfig(8000, 2048, 4, new int[]{4, 8}, 1, 8),
                new ResidualQuantizerConfig(EmaQuantizerConfig.of(16, 8).withInit(CodebookInit.DATA), 2)), 3);
        float[] wave = AudioTokenizerTest.tones(1, 640, 4).data().asFloat();
        int[][] frames = audio.encode(wave).toIntMatrix();
        assertThat(frames.length).isEqualTo(20);
        Vocabulary av = Vocabulary.withBosEosPad(16, 2, StageIds.SHARED);
        int[][] streams = av.delayed(frames, true, true);
        assertThat(streams.length).isEqualTo(1 + 20 + 1 + 1);
        assertThat(av.fromDelayed(streams, true, true)).isDeepEqualTo(frames);
    }
}
