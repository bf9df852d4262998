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

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Encodes one partition of {@code (id, content)} rows holding WAV files, one file at a time, as {@code vqtok encode}
 * does: mono at the model's rate ({@link AudioFolderDataset#decodeClip}, the reader of its audio folders) and
 * {@link AudioTokenizer#encode(float[])}. A file that is not a readable WAV (or too short to encode) becomes a row with
 * its error.
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
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                Row r = rows.next();
                String id = r.getString(0);
                try {
                    if (r.isNullAt(1)) throw new IllegalArgumentException(id + ": no bytes (null)");
                    float[] x = AudioFolderDataset.decodeClip((byte[]) r.get(1), id, t.sampleRate(), resamplers);
                    INDArray codes = t.encode(x);
                    int frames = Math.toIntExact(codes.size(0)), q = t.quantizer().indexChannels();
                    return RowFactory.create(id, x.length, codes.reshape((long) frames * q).toIntVector(), new int[]{frames, q}, null);
                } catch (RuntimeException e) {
                    return RowFactory.create(id, null, null, null, SparkEncode.message(e));
                }
            }
        };
    }
}
