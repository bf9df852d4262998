package io.vqtok.autoencoders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * The {@code .vqt} model file: a ZIP archive holding {@code vqtok.json} (format name and version, config,
 * provenance) and one {@code arrays/<name>.npy} per parameter or buffer (NumPy format, readable by other
 * tools). Written to a temporary file and renamed, so a failed save leaves no partial file.
 */
public final class ModelFile {
    static final String FORMAT = "vqtok-tokenizer";
    static final String HEADER = "vqtok.json";
    static final String ARRAYS = "arrays/";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelFile() {
    }

    /** What a model file holds. */
    public record Contents(int formatVersion, TokenizerConfig config, Provenance provenance, Map<String, INDArray> arrays) {
    }

    static void write(Path file, Tokenizer t) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) Files.createDirectories(dir);
        // a plain new file (not Files.createTempFile, which is owner-only): the model gets the usual permissions
        Path tmp = dir.resolve("." + file.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
        try {
            Provenance p = t.provenance().stamped(Instant.now().toString(), environment());
            try (OutputStream os = Files.newOutputStream(tmp, java.nio.file.StandardOpenOption.CREATE_NEW);
                 ZipOutputStream zip = new ZipOutputStream(new java.io.BufferedOutputStream(os, 1 << 16))) {
                ObjectNode header = JSON.createObjectNode();
                header.put("format", FORMAT);
                header.put("formatVersion", Version.FORMAT_VERSION);
                header.set("config", JSON.valueToTree(t.config()));
                header.set("provenance", JSON.valueToTree(p));
                header.set("arrays", JSON.valueToTree(t.state().keySet()));
                zip.putNextEntry(new ZipEntry(HEADER));
                zip.write(JSON.writeValueAsBytes(header));
                zip.closeEntry();
                for (Map.Entry<String, INDArray> e : t.state().entrySet()) {
                    zip.putNextEntry(new ZipEntry(ARRAYS + e.getKey() + ".npy"));
                    zip.write(Nd4j.toNpyByteArray(e.getValue().dup('c')));
                    zip.closeEntry();
                }
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            t.provenance(p);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Reads and validates a model file. */
    public static Contents read(Path file) throws IOException {
        byte[] magic = new byte[4];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(magic, 0, 4);
            if (n < 4 || magic[0] != 'P' || magic[1] != 'K' || magic[2] != 3 || magic[3] != 4)
                throw new ModelFormatException(file + ": not a vqtok model (expected a .vqt ZIP archive written by 'vqtok train' or Tokenizer.save)");
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(file + ": model file not found");
        }
        JsonNode header = null;
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            ZipEntry entry;
            while ((entry = zip.getNextEntry()) != null) {
                byte[] bytes = zip.readAllBytes();
                if (entry.getName().equals(HEADER)) {
                    header = JSON.readTree(bytes);
                } else if (entry.getName().startsWith(ARRAYS) && entry.getName().endsWith(".npy")) {
                    String name = entry.getName().substring(ARRAYS.length(), entry.getName().length() - 4);
                    try {
                        arrays.put(name, Nd4j.createNpyFromByteArray(bytes));
                    } catch (RuntimeException e) {
                        throw new ModelFormatException(file + ": array '" + name + "' is corrupt", e);
                    }
                }
            }
        } catch (EOFException | ZipException e) {
            throw new ModelFormatException(file + ": truncated or corrupt model file (" + e.getMessage() + ")", e);
        }
        if (header == null) throw new ModelFormatException(file + ": truncated or not a vqtok model (no " + HEADER + " entry)");
        if (!FORMAT.equals(header.path("format").asText()))
            throw new ModelFormatException(file + ": not a vqtok tokenizer (format '" + header.path("format").asText() + "')");
        int version = header.path("formatVersion").asInt(-1);
        if (version < 1) throw new ModelFormatException(file + ": missing or invalid formatVersion");
        if (version > Version.FORMAT_VERSION)
            throw new ModelFormatException(file + ": written by a newer vqtok (model format " + version
                    + "); this build (" + Version.VERSION + ") reads format " + Version.FORMAT_VERSION + " and older");
        for (JsonNode name : header.path("arrays")) {
            if (!arrays.containsKey(name.asText()))
                throw new ModelFormatException(file + ": truncated model file: array '" + name.asText() + "' is missing");
        }
        try {
            TokenizerConfig config = JSON.treeToValue(header.get("config"), TokenizerConfig.class);
            Provenance provenance = JSON.treeToValue(header.get("provenance"), Provenance.class);
            return new Contents(version, config, provenance, arrays);
        } catch (IOException | IllegalArgumentException e) {
            throw new ModelFormatException(file + ": invalid model configuration: " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) t = t.getCause();
        return t.getMessage();
    }

    static Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("java", System.getProperty("java.version"));
        env.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        try {
            env.put("nd4jBackend", Nd4j.getBackend().getClass().getSimpleName());
        } catch (RuntimeException e) {
            env.put("nd4jBackend", "unknown");
        }
        return env;
    }
}
