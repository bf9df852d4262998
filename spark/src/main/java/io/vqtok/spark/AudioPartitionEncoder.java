package io.vqtok.spark;

import io.vqtok.autoencoders.AudioTokenizer;
import io.vqtok.datasets.audio.AudioFolderDataset;
import io.vqtok.datasets.audio.Resampler;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Encodes one partition of {@code (id, content)} rows holding WAV files as {@code vqtok encode} does: mono at the model's
 * rate ({@link AudioFolderDataset#decodeClip}, the reader of its audio folders) and, for consecutive files whose frames
 * fill one encoder call ({@link AudioTokenizer#encoderFramesPerCall()}), {@link AudioTokenizer#encode(java.util.List)}.
 * A file that is not a readable WAV (or cannot be encoded) becomes a row with its error; rows keep the input's order.
 */
final class AudioPartitionEncoder implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    /** id, samples (at the model's rate, so decoding can restore the length), codes [frames, Q] flattened, shape, error. */
    static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.StringType, false)
            .add("samples", DataTypes.IntegerType, true)
            .add("codes", DataTypes.createArrayType(DataTypes.IntegerType, false), true)
            .add("shape", DataTypes.createArrayType(DataTypes.IntegerType, false), true)
            .add("error", DataTypes.StringType, true);

    private final Broadcast<byte[]> model;
    private final String modelHash, modelName;
    private final int threadsPerTask;

    AudioPartitionEncoder(Broadcast<byte[]> model, String modelHash, String modelName, int threadsPerTask) {
        this.model = model;
        this.modelHash = modelHash;
        this.modelName = modelName;
        this.threadsPerTask = threadsPerTask;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        Nd4jThreads.limit(SparkEncode.threadsOfThisTask(threadsPerTask));
        AudioTokenizer t = (AudioTokenizer) ExecutorTokenizers.get(modelHash, model, modelName);
        Map<Integer, Resampler> resamplers = new HashMap<>();
        return new Iterator<>() {
            private final ArrayDeque<Row> ready = new ArrayDeque<>();

            @Override
            public boolean hasNext() {
                if (ready.isEmpty()) fill();
                return !ready.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) throw new NoSuchElementException();
                return ready.poll();
            }

            /** Decodes rows until their frames fill an encoder call, encodes the readable ones together, queues all in order. */
            private void fill() {
                List<String> ids = new ArrayList<>();
                List<Object> decoded = new ArrayList<>();   // float[] samples, or the row with the file's error
                int streamFrames = 0;
                while (rows.hasNext() && streamFrames < t.encoderFramesPerCall()) {
                    Row r = rows.next();
                    String id = r.getString(0);
                    ids.add(id);
                    try {
                        if (r.isNullAt(1)) throw new IllegalArgumentException(id + ": no bytes (null)");
                        float[] x = AudioFolderDataset.decodeClip((byte[]) r.get(1), id, t.sampleRate(), resamplers);
                        try {
                            AudioTokenizer.checkWaveform(x);
                        } catch (IllegalArgumentException e) {
                            throw new IllegalArgumentException(id + ": " + e.getMessage(), e);
                        }
                        decoded.add(x);
                        streamFrames += t.encoderStreamFrames(x.length);
                    } catch (RuntimeException e) {
                        decoded.add(errorRow(id, e));
                    }
                }
                List<float[]> clips = new ArrayList<>();
                for (Object d : decoded) if (d instanceof float[] x) clips.add(x);
                List<INDArray> codes;
                try {
                    codes = t.encode(clips);
                } catch (RuntimeException e) {   // the group failed as a whole: each file alone, so that only its own error shows
                    codes = null;
                }
                int next = 0, q = t.quantizer().indexChannels();
                for (int i = 0; i < decoded.size(); i++) {
                    if (!(decoded.get(i) instanceof float[] x)) {
                        ready.add((Row) decoded.get(i));
                        continue;
                    }
                    try {
                        INDArray c = codes != null ? codes.get(next) : t.encode(x);
                        int frames = Math.toIntExact(c.size(0));
                        ready.add(RowFactory.create(ids.get(i), x.length, c.reshape((long) frames * q).toIntVector(), new int[]{frames, q}, null));
                    } catch (RuntimeException e) {
                        ready.add(errorRow(ids.get(i), e));
                    }
                    next++;
                }
            }
        };
    }

    private static Row errorRow(String id, RuntimeException e) {
        return RowFactory.create(id, null, null, null, SparkEncode.message(e));
    }
}
