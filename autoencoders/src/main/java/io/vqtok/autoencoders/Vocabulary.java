package io.vqtok.autoencoders;

/**
 * The token ids of an autoregressive prior over codes: ids {@code [0, specials)} are special tokens (BOS, EOS, PAD
 * among them), the codes of a codebook of size K follow, either one range shared by all Q stages
 * (token = specials + code) or a range per stage (token = specials + q·K + code, as for a prior over interleaved
 * residual codes, MusicGen, Copet et al. 2023).
 *
 * <p>Sequences: codes {@code [T]} of one stage ({@link #sequence}) and codes {@code [T][Q]} interleaved into
 * {@code [T·Q]} ({@link #flattened}), as Q streams in the delay pattern {@code [T+Q−1][Q]} padded with PAD
 * ({@link #delayed}) or as they are, {@code [T][Q]} ({@link #parallel}); see {@link TokenSequences} for the layouts.
 * BOS and EOS, when asked for, are one more token at either end of a sequence, or one more step of Q copies for the
 * stream layouts. Each {@code from…} method inverts its layout, checks every special token's place and that every
 * other token is a code of its stage, and names the position and the token of the first that is not.
 *
 * @param specials     number of special token ids, {@code [0, specials)}
 * @param bos          the begin-of-sequence id in {@code [0, specials)}, or {@link #NONE}
 * @param eos          the end-of-sequence id in {@code [0, specials)}, or {@link #NONE}
 * @param pad          the padding id of the delay pattern in {@code [0, specials)}, or {@link #NONE}
 * @param codebookSize K, codes are {@code [0, K)}
 * @param stages       Q, residual stages (1 for a single quantizer)
 * @param stageIds     whether the stages share one id range or get one each
 */
public record Vocabulary(int specials, int bos, int eos, int pad, int codebookSize, int stages, StageIds stageIds) {
    /** The id of a special token the vocabulary does not have. */
    public static final int NONE = -1;

    /** How the stages' codes map to ids. */
    public enum StageIds {
        /** Every stage's code c is token specials + c. */
        SHARED,
        /** Stage q's code c is token specials + q·K + c. */
        PER_STAGE
    }

    public Vocabulary {
        if (specials < 0) throw new IllegalArgumentException("special tokens must be >= 0, got " + specials);
        if (codebookSize < 1) throw new IllegalArgumentException("codebook size must be >= 1, got " + codebookSize);
        if (stages < 1) throw new IllegalArgumentException("stages must be >= 1, got " + stages);
        if (stageIds == null) throw new IllegalArgumentException("stage ids must be SHARED or PER_STAGE, got null");
        checkSpecial("BOS", bos, specials);
        checkSpecial("EOS", eos, specials);
        checkSpecial("PAD", pad, specials);
        if (bos != NONE && (bos == eos || bos == pad)) throw new IllegalArgumentException("BOS id " + bos + " is also " + (bos == eos ? "EOS" : "PAD"));
        if (eos != NONE && eos == pad) throw new IllegalArgumentException("EOS id " + eos + " is also PAD");
        long size = specials + (stageIds == StageIds.PER_STAGE ? (long) stages * codebookSize : codebookSize);
        if (size > Integer.MAX_VALUE)
            throw new IllegalArgumentException("a vocabulary of " + size + " ids (" + specials + " special, " + stages + " stages, codebook size "
                    + codebookSize + ", " + stageIds + ") exceeds 2^31-1");
    }

    private static void checkSpecial(String name, int id, int specials) {
        if (id != NONE && (id < 0 || id >= specials))
            throw new IllegalArgumentException(name + " id " + id + " is outside the special ids [0, " + specials + ") (use NONE for no " + name + ")");
    }

    /** Codes only, no special tokens: codes map to ids {@code [0, K)} or {@code [0, Q·K)}. */
    public static Vocabulary of(int codebookSize, int stages, StageIds stageIds) {
        return new Vocabulary(0, NONE, NONE, NONE, codebookSize, stages, stageIds);
    }

    /** Three special tokens, BOS 0, EOS 1 and PAD 2, then the codes from id 3. */
    public static Vocabulary withBosEosPad(int codebookSize, int stages, StageIds stageIds) {
        return new Vocabulary(3, 0, 1, 2, codebookSize, stages, stageIds);
    }

    /** Number of ids: specials + K (shared) or specials + Q·K (per stage). */
    public int size() {
        return specials + (stageIds == StageIds.PER_STAGE ? stages * codebookSize : codebookSize);
    }

    /** The id of code 0 of a stage. */
    public int codeOffset(int stage) {
        checkStage(stage);
        return specials + (stageIds == StageIds.PER_STAGE ? stage * codebookSize : 0);
    }

    /** Whether an id is one of the special tokens {@code [0, specials)}. */
    public boolean isSpecial(int token) {
        return token >= 0 && token < specials;
    }

    /** The token of a stage's code. */
    public int token(int code, int stage) {
        return token(code, stage, null);
    }

    /** The code a token stands for at a stage; a special token, another stage's code or an id outside the vocabulary is refused. */
    public int code(int token, int stage) {
        return code(token, stage, null);
    }

    // ---------------------------------------------------------------- sequences

    /** Codes {@code [T]} of a one-stage vocabulary as tokens {@code [T]}, with BOS before and EOS after if asked. */
    public int[] sequence(int[] codes, boolean withBos, boolean withEos) {
        checkOneStage();
        checkEnds(withBos, withEos);
        if (codes.length == 0) throw new IllegalArgumentException("codes are empty (T must be >= 1)");
        int b = withBos ? 1 : 0;
        int[] out = new int[codes.length + b + (withEos ? 1 : 0)];
        for (int t = 0; t < codes.length; t++) out[b + t] = token(codes[t], 0, "codes[" + t + "]");
        return ends(out, withBos, withEos);
    }

    /** The codes {@code [T]} of a {@link #sequence}. */
    public int[] fromSequence(int[] tokens, boolean withBos, boolean withEos) {
        checkOneStage();
        int b = checkEnds(tokens, withBos, withEos);
        int frames = tokens.length - b - (withEos ? 1 : 0);
        if (frames < 1) throw new IllegalArgumentException("a sequence of " + tokens.length + " tokens" + endsNote(withBos, withEos) + " holds no codes");
        int[] codes = new int[frames];
        for (int t = 0; t < frames; t++) codes[t] = code(tokens[b + t], 0, "tokens[" + (b + t) + "]");
        return codes;
    }

    /** Codes {@code [T][Q]} as one sequence {@code [T·Q]}: index {@code t·Q + q} (after BOS) holds code {@code (t, q)}. */
    public int[] flattened(int[][] codes, boolean withBos, boolean withEos) {
        checkEnds(withBos, withEos);
        int[] body = TokenSequences.interleave(tokens(codes));
        int b = withBos ? 1 : 0;
        int[] out = new int[body.length + b + (withEos ? 1 : 0)];
        System.arraycopy(body, 0, out, b, body.length);
        return ends(out, withBos, withEos);
    }

    /** The codes {@code [T][Q]} of a {@link #flattened} sequence. */
    public int[][] fromFlattened(int[] tokens, boolean withBos, boolean withEos) {
        int b = checkEnds(tokens, withBos, withEos);
        int length = tokens.length - b - (withEos ? 1 : 0);
        if (length < stages || length % stages != 0)
            throw new IllegalArgumentException("a flattened sequence of " + tokens.length + " tokens" + endsNote(withBos, withEos)
                    + " is not T x " + stages + " stages with T >= 1");
        int[][] codes = new int[length / stages][stages];
        for (int i = 0; i < length; i++) codes[i / stages][i % stages] = code(tokens[b + i], i % stages, "tokens[" + (b + i) + "]");
        return codes;
    }

    /**
     * Codes {@code [T][Q]} as Q streams in the delay pattern {@code [T+Q−1][Q]} (stream q shifted right by q steps,
     * PAD where a stream has no code), after a step of Q BOS and before a step of Q EOS if asked.
     */
    public int[][] delayed(int[][] codes, boolean withBos, boolean withEos) {
        checkEnds(withBos, withEos);
        if (pad == NONE) throw new IllegalArgumentException("the delay pattern needs a PAD token, this vocabulary has none");
        return endRows(TokenSequences.delay(tokens(codes), pad), withBos, withEos);
    }

    /** The codes {@code [T][Q]} of {@link #delayed} streams: PAD exactly where a stream has no code. */
    public int[][] fromDelayed(int[][] tokens, boolean withBos, boolean withEos) {
        if (pad == NONE) throw new IllegalArgumentException("the delay pattern needs a PAD token, this vocabulary has none");
        int b = checkEndRows(tokens, withBos, withEos);
        int steps = tokens.length - b - (withEos ? 1 : 0);
        if (steps < stages)
            throw new IllegalArgumentException("delayed streams of " + tokens.length + " steps" + endsNote(withBos, withEos)
                    + " hold no codes: " + stages + " stages need at least " + stages + " steps");
        int[][] body = TokenSequences.undelay(tokens, b, steps, pad, "tokens");
        int[][] codes = new int[body.length][stages];
        for (int t = 0; t < body.length; t++)
            for (int q = 0; q < stages; q++) codes[t][q] = code(body[t][q], q, "tokens[" + (b + t + q) + "][" + q + "]");
        return codes;
    }

    /** Codes {@code [T][Q]} as Q streams in step, {@code [T][Q]} (the "parallel" pattern), with BOS and EOS steps if asked. */
    public int[][] parallel(int[][] codes, boolean withBos, boolean withEos) {
        checkEnds(withBos, withEos);
        return endRows(tokens(codes), withBos, withEos);
    }

    /** The codes {@code [T][Q]} of {@link #parallel} streams. */
    public int[][] fromParallel(int[][] tokens, boolean withBos, boolean withEos) {
        int b = checkEndRows(tokens, withBos, withEos);
        int frames = tokens.length - b - (withEos ? 1 : 0);
        if (frames < 1) throw new IllegalArgumentException("parallel streams of " + tokens.length + " steps" + endsNote(withBos, withEos) + " hold no codes");
        int[][] codes = new int[frames][stages];
        for (int t = 0; t < frames; t++)
            for (int q = 0; q < stages; q++) codes[t][q] = code(tokens[b + t][q], q, "tokens[" + (b + t) + "][" + q + "]");
        return codes;
    }

    // ---------------------------------------------------------------- mapping and checks

    /** Tokens {@code [T][Q]} of codes {@code [T][Q]} (T >= 1, Q the vocabulary's stages). */
    private int[][] tokens(int[][] codes) {
        if (codes.length == 0) throw new IllegalArgumentException("codes have no frames (T must be >= 1)");
        int[][] out = new int[codes.length][stages];
        for (int t = 0; t < codes.length; t++) {
            if (codes[t] == null || codes[t].length != stages)
                throw new IllegalArgumentException("codes[" + t + "] has " + (codes[t] == null ? 0 : codes[t].length) + " stages, the vocabulary has " + stages);
            for (int q = 0; q < stages; q++) out[t][q] = token(codes[t][q], q, "codes[" + t + "][" + q + "]");
        }
        return out;
    }

    private int token(int code, int stage, String where) {
        checkStage(stage);
        if (code < 0 || code >= codebookSize)
            throw new IllegalArgumentException((where == null ? "code " + code + " is" : where + " is " + code + ",") + " outside the codes [0, "
                    + codebookSize + ")" + (stages > 1 ? " of stage " + stage : ""));
        return codeOffset(stage) + code;
    }

    private int code(int token, int stage, String where) {
        checkStage(stage);
        int first = codeOffset(stage);
        if (token >= first && token < first + codebookSize) return token - first;
        String what = "token " + token + (isSpecial(token) ? " (" + specialName(token) + ")" : "") + (where == null ? "" : " at " + where);
        String expected = "a code of stage " + stage + " (ids " + first + ".." + (first + codebookSize - 1) + ")";
        if (token < 0 || token >= size())
            throw new IllegalArgumentException(what + " is outside the vocabulary [0, " + size() + "), expected " + expected);
        if (isSpecial(token)) throw new IllegalArgumentException(what + " is a special token, expected " + expected);
        throw new IllegalArgumentException(what + " is a code of stage " + (token - specials) / codebookSize + ", expected " + expected);
    }

    /** "BOS", "EOS", "PAD" or "special token i". */
    private String specialName(int token) {
        return token == bos ? "BOS" : token == eos ? "EOS" : token == pad ? "PAD" : "special token " + token;
    }

    private void checkStage(int stage) {
        if (stage < 0 || stage >= stages) throw new IllegalArgumentException("stage " + stage + " is outside [0, " + stages + ")");
    }

    private void checkOneStage() {
        if (stages != 1)
            throw new IllegalArgumentException("a sequence of one stage needs a one-stage vocabulary, this one has " + stages
                    + " stages (use flattened, delayed or parallel)");
    }

    private void checkEnds(boolean withBos, boolean withEos) {
        if (withBos && bos == NONE) throw new IllegalArgumentException("BOS asked for, but this vocabulary has no BOS token");
        if (withEos && eos == NONE) throw new IllegalArgumentException("EOS asked for, but this vocabulary has no EOS token");
    }

    private int[] ends(int[] out, boolean withBos, boolean withEos) {
        if (withBos) out[0] = bos;
        if (withEos) out[out.length - 1] = eos;
        return out;
    }

    private int[][] endRows(int[][] body, boolean withBos, boolean withEos) {
        int b = withBos ? 1 : 0;
        int[][] out = new int[body.length + b + (withEos ? 1 : 0)][];
        System.arraycopy(body, 0, out, b, body.length);
        if (withBos) out[0] = filled(bos);
        if (withEos) out[out.length - 1] = filled(eos);
        return out;
    }

    private int[] filled(int token) {
        int[] row = new int[stages];
        java.util.Arrays.fill(row, token);
        return row;
    }

    /** Checks BOS at the start and EOS at the end when asked for; the index of the first token after BOS. */
    private int checkEnds(int[] tokens, boolean withBos, boolean withEos) {
        checkEnds(withBos, withEos);
        if (withBos && (tokens.length == 0 || tokens[0] != bos))
            throw new IllegalArgumentException(tokens.length == 0 ? "the sequence is empty, expected BOS first"
                    : "tokens[0] is " + tokens[0] + ", expected BOS (" + bos + ")");
        if (withEos && (tokens.length <= (withBos ? 1 : 0) || tokens[tokens.length - 1] != eos))
            throw new IllegalArgumentException(tokens.length <= (withBos ? 1 : 0) ? "the sequence has no EOS"
                    : "tokens[" + (tokens.length - 1) + "] is " + tokens[tokens.length - 1] + ", expected EOS (" + eos + ")");
        return withBos ? 1 : 0;
    }

    /** Checks that every step has Q streams, a BOS step first and an EOS step last when asked for; the index of the first step after BOS. */
    private int checkEndRows(int[][] tokens, boolean withBos, boolean withEos) {
        checkEnds(withBos, withEos);
        for (int s = 0; s < tokens.length; s++)
            if (tokens[s] == null || tokens[s].length != stages)
                throw new IllegalArgumentException("tokens[" + s + "] has " + (tokens[s] == null ? 0 : tokens[s].length) + " streams, the vocabulary has "
                        + stages + " stages");
        int b = withBos ? 1 : 0;
        if (tokens.length < b + (withEos ? 1 : 0))
            throw new IllegalArgumentException("streams of " + tokens.length + " steps have no room for" + (withBos ? " BOS" : "") + (withEos ? " EOS" : ""));
        if (withBos) checkRow(tokens, 0, bos, "BOS");
        if (withEos) checkRow(tokens, tokens.length - 1, eos, "EOS");
        return b;
    }

    private static void checkRow(int[][] tokens, int s, int token, String name) {
        for (int q = 0; q < tokens[s].length; q++)
            if (tokens[s][q] != token)
                throw new IllegalArgumentException("tokens[" + s + "][" + q + "] is " + tokens[s][q] + ", expected " + name + " (" + token + ")");
    }

    private static String endsNote(boolean withBos, boolean withEos) {
        return withBos && withEos ? " (with BOS and EOS)" : withBos ? " (with BOS)" : withEos ? " (with EOS)" : "";
    }
}
