package io.vqtok.autoencoders;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A sequential source hands step s the s-th batch it reads, also when a trainer peeks ahead first. */
class TrainingBatchesTest {
    /** A source whose n-th batch holds the number n. */
    private static TrainingBatches counting(AtomicInteger reads) {
        return TrainingBatches.sequential("numbers", () -> Nd4j.scalar(reads.incrementAndGet()));
    }

    private static int value(INDArray b) {
        return b.getInt(0);
    }

    @Test
    void peekedBatchesAreTheOnesTheirStepsGetLater() {
        AtomicInteger reads = new AtomicInteger();
        TrainingBatches b = counting(reads);
        assertThat(value(b.peek(3))).isEqualTo(3);
        assertThat(value(b.peek(1))).isEqualTo(1);
        assertThat(reads.get()).isEqualTo(3);
        assertThat(value(b.batch(1))).isEqualTo(1);
        assertThat(value(b.batch(2))).isEqualTo(2);
        assertThat(value(b.batch(3))).isEqualTo(3);
        assertThat(reads.get()).as("nothing read twice").isEqualTo(3);
        assertThat(value(b.batch(4))).isEqualTo(4);
    }

    @Test
    void skippingPastPeekedBatchesReadsOnToTheStep() {
        AtomicInteger reads = new AtomicInteger();
        TrainingBatches b = counting(reads);
        b.peek(2);
        assertThat(value(b.batch(2))).as("step 1's batch dropped, step 2's kept").isEqualTo(2);
        assertThat(value(b.batch(6))).isEqualTo(6);
        assertThat(value(b.peek(8))).isEqualTo(8);
        assertThat(value(b.batch(9))).isEqualTo(9);
        assertThatThrownBy(() -> b.batch(9)).hasMessageContaining("batch of step 9 asked after step 9");
        assertThatThrownBy(() -> b.peek(3)).hasMessageContaining("cannot go back");
    }
}
