package io.vqtok.spark;

import io.vqtok.autoencoders.ImageAutoencoderConfig;
import io.vqtok.autoencoders.ImageTokenizer;
import io.vqtok.datasets.Batch;
import io.vqtok.datasets.ImageDecoder;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Encodes one partition of {@code (id, content)} rows holding image files: decoded with the {@link ImageDecoder} that
 * {@code vqtok encode}'s folder reader uses, batched ({@link ImageTokenizer#images(Batch)}) and encoded with
 * {@link ImageTokenizer#encode}, {@code batchSize} images at a time, lazily (a partition streams through in the memory
 * of one batch). A row whose bytes do not decode to an image of the model's size becomes a row with its error.
 */
final class ImagePartitionEncoder implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    /** id, codes (flattened row-major), shape of the codes ([h, w] or [h, w, Q]), error (null when encoded). */
    static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.StringType, false)
            .add("codes", DataTypes.createArrayType(DataTypes.IntegerType, false), true)
            .add("shape", DataTypes.createArrayType(DataTypes.IntegerType, false), true)
            .add("error", DataTypes.StringType, true);

    private final Broadcast<byte[]> model;
    private final String modelHash, modelName;
    private final int batchSize, threadsPerTask;

    ImagePartitionEncoder(Broadcast<byte[]> model, String modelHash, String modelName, int batchSize, int threadsPerTask) {
        this.model = model;
        this.modelHash = modelHash;
        this.modelName = modelName;
        this.batchSize = batchSize;
        this.threadsPerTask = threadsPerTask;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        Nd4jThreads.limit(SparkEncode.threadsOfThisTask(threadsPerTask));
        ImageTokenizer t = (ImageTokenizer) ExecutorTokenizers.get(modelHash, model, modelName);
        ImageAutoencoderConfig a = t.autoencoderConfig();
        ImageDecoder decoder = new ImageDecoder(a.channels(), a.height(), a.width());
        int[] shape = Arrays.stream(t.codeShape()).mapToInt(Math::toIntExact).toArray();
        int perImage = Arrays.stream(shape).reduce(1, (x, y) -> x * y);
        int batchFloats;
        try {
            batchFloats = Math.multiplyExact(batchSize, decoder.imageSize());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("a batch of " + batchSize + " images of " + decoder.imageSize() + " floats does not fit in one array; use a smaller batch");
        }
        return new Iterator<>() {
            private final ArrayDeque<Row> ready = new ArrayDeque<>();
            private final float[] pixels = new float[batchFloats];

            @Override
            public boolean hasNext() {
                if (ready.isEmpty() && rows.hasNext()) encodeBatch();
                return !ready.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) throw new NoSuchElementException();
                return ready.poll();
            }

            private void encodeBatch() {
                String[] ids = new String[batchSize];
                String[] errors = new String[batchSize];
                int n = 0, good = 0;
                while (n < batchSize && rows.hasNext()) {
                    Row r = rows.next();
                    ids[n] = r.getString(0);
                    byte[] content = r.isNullAt(1) ? null : (byte[]) r.get(1);
                    try {
                        if (content == null) throw new IllegalArgumentException(ids[n] + ": no bytes (null)");
                        decoder.decode(content, ids[n], pixels, good * decoder.imageSize());
                        good++;
                    } catch (RuntimeException e) {
                        errors[n] = SparkEncode.message(e);
                    }
                    n++;
                }
                int[] codes = new int[0];
                if (good > 0) {
                    int[] indices = new int[good];
                    Arrays.setAll(indices, i -> i);
                    float[] exact = good == batchSize ? pixels : Arrays.copyOf(pixels, good * decoder.imageSize());
                    Batch batch = new Batch(exact, indices, good, a.channels(), a.height(), a.width());
                    codes = t.encode(ImageTokenizer.images(batch)).reshape(-1).toIntVector();
                }
                for (int i = 0, k = 0; i < n; i++) {
                    if (errors[i] != null) {
                        ready.add(RowFactory.create(ids[i], null, null, errors[i]));
                    } else {
                        ready.add(RowFactory.create(ids[i], Arrays.copyOfRange(codes, k * perImage, (k + 1) * perImage), shape.clone(), null));
                        k++;
                    }
                }
            }
        };
    }
}
