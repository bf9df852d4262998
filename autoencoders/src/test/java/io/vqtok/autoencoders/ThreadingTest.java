package io.vqtok.autoencoders;

import io.vqtok.quantizers.EmaQuantizerConfig;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The resource and threading contract: one tokenizer, several threads, the codes of a single thread. */
class ThreadingTest {
    private static final ImageAutoencoderConfig SMALL = new ImageAutoencoderConfig(1, 16, 16, 8, 4, 1, 8);

    @Test
    void twoThreadsEncodingAndDecodingWithOneModelGetTheCodesOfOneThread() throws Exception {
        ImageTokenizer t = ImageTokenizer.create(new TokenizerConfig(SMALL, new io.vqtok.quantizers.ResidualQuantizerConfig(
                EmaQuantizerConfig.of(16, 8), 2)), 4);
        List<INDArray> batches = new ArrayList<>();
        for (int i = 0; i < 8; i++) batches.add(ImageTokenizerTest.images(12 + i, 70 + i));
        List<INDArray> codes = new ArrayList<>(), images = new ArrayList<>();
        for (INDArray b : batches) {
            codes.add(t.encode(b));
            images.add(t.decode(codes.get(codes.size() - 1)));
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int thread = 0; thread < 2; thread++) {
                int offset = thread;
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 6; round++)
                        for (int i = 0; i < batches.size(); i++) {
                            int j = (i + offset * 3 + round) % batches.size();
                            INDArray c = t.encode(batches.get(j));
                            if (!c.equals(codes.get(j))) return false;
                            if (!t.decode(c).equalsWithEps(images.get(j), 1e-6)) return false;
                        }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) assertThat(f.get()).isTrue();
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void theInferenceBatchSizeIsAParameterAndAClosedTokenizerRefusesWork() {
        ImageTokenizer t = ImageTokenizer.create(new TokenizerConfig(SMALL, EmaQuantizerConfig.of(16, 8)), 4);
        INDArray x = ImageTokenizerTest.images(25, 5);
        INDArray whole = t.encode(x);
        t.inferenceBatchSize(7);   // 4 batches of at most 7 images: the same codes
        assertThat(t.inferenceBatchSize()).isEqualTo(7);
        assertThat(t.encode(x)).isEqualTo(whole);
        assertThatThrownBy(() -> t.inferenceBatchSize(0)).isInstanceOf(IllegalArgumentException.class);
        t.close();
        assertThatThrownBy(() -> t.encode(x)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
