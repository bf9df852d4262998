package io.vqtok.quantizers;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static io.vqtok.quantizers.GraphTestSupport.m;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LookupFreeQuantizerTest {

    /** An LFQ whose projections are the identity, so h = z. */
    private static LookupFreeQuantizer identity(int bits, double inverseTemperature) {
        LookupFreeQuantizer q = (LookupFreeQuantizer) new LfqConfig(bits, bits, 0.1, 1.0, 0.25, inverseTemperature).create("q.", 0);
        q.parameters().get("q.proj_in.w").assign(Nd4j.eye(bits));
        q.parameters().get("q.proj_in.b").assign(0);
        q.parameters().get("q.proj_out.w").assign(Nd4j.eye(bits));
        q.parameters().get("q.proj_out.b").assign(0);
        return q;
    }

    @Test
    void dataInitialisationBalancesEveryBit() {
        // encoder-like outputs: small, positive-biased values (as after a ReLU stack), where a fresh projection's bias
        // decides most bits on its own
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        float[][] v = new float[4000][64];
        for (float[] row : v) for (int j = 0; j < 64; j++) row[j] = (float) (0.0375 + 0.035 * (r.nextDouble() * 2 - 1));
        INDArray z = Nd4j.createFromArray(v);
        LookupFreeQuantizer q = (LookupFreeQuantizer) LfqConfig.of(9, 64).create("q.", 3);
        q.initialize(z);
        INDArray idx = q.indices(z).reshape(-1);
        int[] codes = idx.toIntVector();
        for (int bit = 0; bit < 9; bit++) {
            int on = 0;
            for (int c : codes) on += (c >> bit) & 1;
            assertThat(on / 4000.0).as("share of rows with bit %d set", bit).isBetween(0.4, 0.6);
        }
        // each projected channel has zero mean and unit variance on the batch
        INDArray h = z.mmul(q.parameters().get("q.proj_in.w")).addiRowVector(q.parameters().get("q.proj_in.b"));
        for (int j = 0; j < 9; j++) {
            assertThat(h.getColumn(j).meanNumber().doubleValue()).isCloseTo(0, within(1e-3));
            assertThat(h.getColumn(j).stdNumber().doubleValue()).isCloseTo(1, within(1e-2));
        }
    }

    @Test
    void everyIndexRoundTripsThroughItsSigns() {
        LookupFreeQuantizer q = identity(9, 100);
        INDArray all = Nd4j.arange(512).castTo(DataType.INT32).reshape(512, 1);
        INDArray signs = q.signs(all);
        assertThat(signs.amaxNumber().doubleValue()).isEqualTo(1.0);
        assertThat(q.indices(signs)).isEqualTo(all);
        assertThat(q.codes(all)).isEqualTo(signs);
        assertThat(LfqConfig.bitsFor(512)).isEqualTo(9);
        assertThat(LfqConfig.bitsFor(1000)).isEqualTo(10);
    }

    @Test
    void signsIndicesAndEntropyLossMatchHandValues() {
        // two bits, inverse temperature 1: the code distribution factorises per bit, p(bit = +1 | h) = sigmoid(4h);
        // bit 1 is certain (h = 10) in both rows, so the entropies are those of bit 0 alone
        LookupFreeQuantizer q = identity(2, 1);
        INDArray z = m(new double[][]{{0.5, 10}, {-2, 10}});
        GraphTestSupport.Result r = GraphTestSupport.run(q, z, Nd4j.zeros(DataType.FLOAT, 2, 2));
        assertThat(r.indices().toLongVector()).containsExactly(3, 2);
        assertThat(r.quantized().toDoubleMatrix()[0]).containsExactly(new double[]{1, 1}, within(1e-6));
        assertThat(r.quantized().toDoubleMatrix()[1]).containsExactly(new double[]{-1, 1}, within(1e-6));
        double p1 = 1 / (1 + Math.exp(-4 * 0.5)), p2 = 1 / (1 + Math.exp(-4 * -2.0));
        double h1 = -(p1 * Math.log(p1) + (1 - p1) * Math.log(1 - p1)), h2 = -(p2 * Math.log(p2) + (1 - p2) * Math.log(1 - p2));
        double avg = (p1 + p2) / 2, hAvg = -(avg * Math.log(avg) + (1 - avg) * Math.log(1 - avg));
        double expected = 0.1 * ((h1 + h2) / 2 - hAvg);
        assertThat(r.outputs().get("q.entropy_loss").getDouble(0)).isCloseTo(expected, within(1e-5));
        // commitment 0.25·mean((h − q)²) over the 4 elements
        assertThat(r.outputs().get("q.commitment_loss").getDouble(0)).isCloseTo(0.25 * (0.25 + 81 + 1 + 81) / 4, within(1e-5));
        // straight-through: the projections get gradient
        assertThat(r.gradParams().get("q.proj_in.w").norm2Number().doubleValue()).isGreaterThan(0);
        assertThat(q.indices(z).reshape(-1).toIntVector()).containsExactly(3, 2);
        assertThatThrownBy(() -> LfqConfig.of(1, 8)).hasMessageContaining("bits");
    }
}
