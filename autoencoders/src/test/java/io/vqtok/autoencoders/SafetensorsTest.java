package io.vqtok.autoencoders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vqtok.codebook.CodebookInit;
import io.vqtok.codebook.ReseedConfig;
import io.vqtok.quantizers.EmaQuantizerConfig;
import io.vqtok.quantizers.LfqConfig;
import io.vqtok.quantizers.QuantizerConfig;
import io.vqtok.quantizers.ResidualQuantizerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Safetensors export and import: the file layout the format specifies, and round trips to identical arrays and codes. */
class SafetensorsTest {
    private static final ImageAutoencoderConfig SMALL = new ImageAutoencoderConfig(1, 16, 16, 8, 4, 1, 8);

    @TempDir
    Path dir;

    private static ImageTokenizer trained(QuantizerConfig q, int steps) {
        ImageTokenizer t = ImageTokenizer.create(new TokenizerConfig(SMALL, q), 11);
        TokenizerTrainer trainer = new TokenizerTrainer(t, new TrainConfig(steps, 32, 3e-3, 11, 0));
        int[] i = {0};
        trainer.train(() -> ImageTokenizerTest.images(32, 200 + (i[0]++ % 4)), "blobs", r -> {});
        return t;
    }

    /** The raw bits of every element, so that equality is equality bit for bit. */
    private static long[] bits(INDArray a) {
        INDArray c = a.dup('c');
        return switch (a.dataType()) {
            case FLOAT -> toLongs(c.data().asFloat());
            case DOUBLE -> java.util.Arrays.stream(c.data().asDouble()).mapToLong(Double::doubleToRawLongBits).toArray();
            default -> c.data().asLong();
        };
    }

    private static long[] toLongs(float[] v) {
        long[] r = new long[v.length];
        for (int i = 0; i < v.length; i++) r[i] = Float.floatToRawIntBits(v[i]);
        return r;
    }

    private static void assertSameState(Tokenizer expected, Tokenizer actual) {
        Map<String, INDArray> a = expected.state(), b = actual.state();
        assertThat(b.keySet()).containsExactlyElementsOf(a.keySet());
        for (String name : a.keySet()) {
            assertThat(b.get(name).dataType()).as(name).isEqualTo(a.get(name).dataType());
            assertThat(b.get(name).shape()).as(name).containsExactly(a.get(name).shape());
            assertThat(bits(b.get(name))).as(name).containsExactly(bits(a.get(name)));
        }
    }

    @Test
    void theFileHasTheLayoutTheFormatSpecifies() throws IOException {
        ImageTokenizer t = trained(EmaQuantizerConfig.of(16, 8).withInit(CodebookInit.DATA), 3);
        Path file = dir.resolve("m.safetensors");
        Safetensors.write(file, t);
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(n % 8).isZero();
        String text = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(text).startsWith("{\"__metadata__\":{");
        String trimmed = text.stripTrailing();
        assertThat(text.substring(trimmed.length())).matches(" {0,7}");
        JsonNode header = new ObjectMapper().readTree(trimmed);

        JsonNode meta = header.get("__metadata__");
        meta.fields().forEachRemaining(e -> assertThat(e.getValue().isTextual()).as(e.getKey()).isTrue());
        assertThat(meta.get("format").asText()).isEqualTo("vqtok-tokenizer");
        assertThat(meta.get("formatVersion").asText()).isEqualTo("2");
        JsonNode config = new ObjectMapper().readTree(meta.get("config").asText());
        assertThat(config.at("/quantizer/type").asText()).isEqualTo("ema");
        assertThat(config.at("/quantizer/codebookSize").asInt()).isEqualTo(16);
        assertThat(config.at("/autoencoder/latentDim").asInt()).isEqualTo(8);
        JsonNode provenance = new ObjectMapper().readTree(meta.get("provenance").asText());
        assertThat(provenance.get("seed").asLong()).isEqualTo(11);
        assertThat(provenance.get("steps").asLong()).isEqualTo(3);
        assertThat(provenance.get("data").asText()).isEqualTo("blobs");
        assertThat(provenance.get("createdAt").asText()).isNotEmpty();

        // tensors: every state array, in state order, F32, contiguous from 0 to the end of the file, holding the values
        List<String> names = new ArrayList<>();
        header.fieldNames().forEachRemaining(names::add);
        names.remove("__metadata__");
        assertThat(names).containsExactlyElementsOf(t.state().keySet());
        assertThat(names).contains("quantizer.codebook", "quantizer.cluster_size", "quantizer.embed_sum");
        long next = 0;
        ByteBuffer data = ByteBuffer.wrap(bytes, 8 + (int) n, bytes.length - 8 - (int) n).slice().order(ByteOrder.LITTLE_ENDIAN);
        for (String name : names) {
            JsonNode e = header.get(name);
            INDArray a = t.state().get(name);
            assertThat(e.get("dtype").asText()).as(name).isEqualTo("F32");
            List<Long> shape = new ArrayList<>();
            e.get("shape").forEach(d -> shape.add(d.asLong()));
            assertThat(shape).as(name).containsExactly(java.util.Arrays.stream(a.shape()).boxed().toArray(Long[]::new));
            long begin = e.get("data_offsets").get(0).asLong(), end = e.get("data_offsets").get(1).asLong();
            assertThat(begin).as(name).isEqualTo(next);
            assertThat(end - begin).as(name).isEqualTo(4 * a.length());
            float[] stored = new float[(int) a.length()];
            for (int i = 0; i < stored.length; i++) stored[i] = data.getFloat((int) begin + 4 * i);
            assertThat(stored).as(name).containsExactly(a.dup('c').data().asFloat());
            next = end;
        }
        assertThat(next).isEqualTo(bytes.length - 8 - n);
    }

    @Test
    void importedTokenizersHaveTheSameArraysBitForBitAndGiveTheSameCodes() throws IOException {
        INDArray images = ImageTokenizerTest.images(24, 999);
        int k = 0;
        for (QuantizerConfig q : List.of(
                EmaQuantizerConfig.of(16, 8).withInit(CodebookInit.DATA).withReseed(ReseedConfig.threshold(0.05)),
                new ResidualQuantizerConfig(EmaQuantizerConfig.of(16, 8).withInit(CodebookInit.DATA), 2),
                LfqConfig.of(4, 8))) {
            ImageTokenizer t = trained(q, 4);
            Path file = dir.resolve("m" + ++k + ".safetensors");
            Safetensors.write(file, t);
            Tokenizer back = Safetensors.read(file);
            assertThat(back).as(q.describe()).isInstanceOf(ImageTokenizer.class);
            assertSameState(t, back);
            assertThat(back.provenance()).isEqualTo(t.provenance());
            assertThat(back.config().quantizer().describe()).isEqualTo(q.describe());
            int[] codes = t.encode(images).reshape(-1).toIntVector();
            assertThat(java.util.Arrays.stream(codes).distinct().count()).as(q.describe() + ": distinct codes").isGreaterThan(2);
            assertThat(((ImageTokenizer) back).encode(images).reshape(-1).toIntVector()).as(q.describe()).containsExactly(codes);
            // the way back to a .vqt
            Path vqt = dir.resolve("m" + k + ".vqt");
            back.save(vqt);
            ImageTokenizer reloaded = ImageTokenizer.load(vqt);
            assertSameState(t, reloaded);
            assertThat(reloaded.encode(images).reshape(-1).toIntVector()).as(q.describe()).containsExactly(codes);
        }
    }

    @Test
    void audioTokenizersRoundTrip() throws IOException {
        AudioAutoencoderConfig small = new AudioAutoencoderConfig(8000, 2048, 4, new int[]{4, 8}, 1, 8);
        AudioTokenizer t = AudioTokenizer.create(new TokenizerConfig(small, new ResidualQuantizerConfig(EmaQuantizerConfig.of(16, 8), 2)), 5);
        Path file = dir.resolve("audio.safetensors");
        Safetensors.write(file, t);
        Tokenizer back = Safetensors.read(file);
        assertThat(back).isInstanceOf(AudioTokenizer.class);
        assertSameState(t, back);
        float[] wave = AudioTokenizerTest.tones(1, 4000, 3).data().asFloat();
        int[] codes = t.encode(wave).reshape(-1).toIntVector();
        assertThat(codes).hasSize(4000 / 32 * 2);
        assertThat(java.util.Arrays.stream(codes).distinct().count()).as("distinct codes").isGreaterThan(2);
        assertThat(((AudioTokenizer) back).encode(wave).reshape(-1).toIntVector()).containsExactly(codes);
    }

    /** Another writer's choices: metadata last, tensors in reverse order with offsets in yet another order, no padding, F64 values. */
    @Test
    void filesOrderedAndPaddedDifferentlyByOtherWritersAreRead() throws IOException {
        ImageTokenizer t = ImageTokenizer.create(new TokenizerConfig(SMALL, EmaQuantizerConfig.of(16, 8)), 4);
        Map<String, INDArray> state = t.state();
        List<String> names = new ArrayList<>(state.keySet());
        List<String> dataOrder = new ArrayList<>(names);
        java.util.Collections.shuffle(dataOrder, new Random(1));
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        Map<String, long[]> offsets = new java.util.HashMap<>();
        for (String name : dataOrder) {
            float[] v = state.get(name).dup('c').data().asFloat();
            ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(v);
            offsets.put(name, new long[]{data.size(), data.size() + b.capacity()});
            data.write(b.array());
        }
        StringBuilder json = new StringBuilder("{");
        List<String> reversed = new ArrayList<>(names);
        java.util.Collections.reverse(reversed);
        for (String name : reversed) {
            json.append('"').append(name).append("\": {\"data_offsets\": [").append(offsets.get(name)[0]).append(", ").append(offsets.get(name)[1])
                    .append("], \"shape\": ").append(java.util.Arrays.toString(state.get(name).shape())).append(", \"dtype\": \"F32\"},\n");
        }
        ObjectMapper m = new ObjectMapper();
        json.append("\"__metadata__\": {\"note\": \"written by hand\", \"config\": ").append(m.writeValueAsString(m.writeValueAsString(t.config())))
                .append(", \"provenance\": ").append(m.writeValueAsString(m.writeValueAsString(t.provenance())))
                .append(", \"formatVersion\": \"2\", \"format\": \"vqtok-tokenizer\"}}");
        byte[] h = json.toString().getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve("other.safetensors");
        ByteBuffer all = ByteBuffer.allocate(8 + h.length + data.size()).order(ByteOrder.LITTLE_ENDIAN);
        all.putLong(h.length).put(h).put(data.toByteArray());
        Files.write(file, all.array());
        assertSameState(t, Safetensors.read(file));
    }

    @Test
    void aFailedWriteLeavesNoFileBehindAndReadingAMissingFileNamesIt() throws IOException {
        ImageTokenizer t = ImageTokenizer.create(new TokenizerConfig(SMALL, EmaQuantizerConfig.of(16, 8)), 4);
        Path occupied = dir.resolve("occupied");
        Files.createDirectories(occupied.resolve("inside"));
        assertThatThrownBy(() -> Safetensors.write(occupied, t)).isInstanceOf(IOException.class);
        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("occupied");
        }
        assertThatThrownBy(() -> Safetensors.read(dir.resolve("absent.safetensors"))).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("absent.safetensors").hasMessageContaining("not found");
    }
}
