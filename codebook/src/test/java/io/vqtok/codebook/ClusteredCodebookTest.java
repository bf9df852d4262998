package io.vqtok.codebook;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ClusteredCodebookTest {

    @Test
    void decayWeightFollowsThePaper() {
        ClusteredCodebook c = new ClusteredCodebook(ClusteredCodebookConfig.of(ClusteredCodebookConfig.Anchor.CLOSEST), 0);
        INDArray usage = Nd4j.createFromArray(0f, 0.0001f, 0.25f, 0.5f);
        double[] a = c.decayWeights(usage).toDoubleVector();
        for (int k = 0; k < 4; k++)
            assertThat(a[k]).isCloseTo(Math.exp(-10.0 * 4 * usage.getDouble(k) / (1 - 0.99) - 1e-3), within(1e-6));
        assertThat(a[0]).isCloseTo(Math.exp(-1e-3), within(1e-6));   // unused: jumps (almost) onto its anchor
        assertThat(a[3]).isLessThan(1e-30);                          // well used: stays put
    }

    @Test
    void closestAnchorsPullUnusedCodesOntoTheirNearestBatchVector() {
        ClusteredCodebook c = new ClusteredCodebook(ClusteredCodebookConfig.of(ClusteredCodebookConfig.Anchor.CLOSEST), 0);
        INDArray codebook = Nd4j.createFromArray(new float[][]{{0, 0}, {10, 10}});
        INDArray usage = Nd4j.zeros(DataType.FLOAT, 2);
        INDArray z = Nd4j.createFromArray(new float[][]{{0.1f, 0}, {-0.1f, 0.1f}, {0, 0.2f}, {6, 7}});
        // all four vectors are nearest to code 0; code 1 is unused
        INDArray alpha = c.step(1, codebook, usage, z, new int[]{0, 0, 0, 0});
        assertThat(usage.toDoubleVector()).containsExactly(new double[]{0.01, 0}, within(1e-6));
        double a1 = alpha.getDouble(1);
        // code 1 moves (1 − α) of the way to its closest batch vector (6, 7)
        assertThat(codebook.getRow(1).toDoubleVector()).containsExactly(new double[]{10 + a1 * (6 - 10), 10 + a1 * (7 - 10)}, within(1e-4));
        assertThat(codebook.getRow(1).getDouble(0)).isCloseTo(6, within(0.01));
        // code 0 is used: α_0 = exp(−10·2·0.01/0.01 − 1e-3) ≈ 2e-9, it does not move
        assertThat(codebook.getRow(0).toDoubleVector()).containsExactly(new double[]{0, 0}, within(1e-6));
    }

    @Test
    void randomAndProbrandomAnchorsAreBatchVectors() {
        INDArray z = Nd4j.randn(DataType.FLOAT, 30, 3);
        for (ClusteredCodebookConfig.Anchor a : new ClusteredCodebookConfig.Anchor[]{ClusteredCodebookConfig.Anchor.RANDOM, ClusteredCodebookConfig.Anchor.PROBRANDOM}) {
            ClusteredCodebook c = new ClusteredCodebook(ClusteredCodebookConfig.of(a), 5);
            INDArray anchors = c.anchors(Nd4j.randn(DataType.FLOAT, 8, 3), z, StepRandom.of(5, 1));
            for (int k = 0; k < 8; k++) {
                boolean found = false;
                for (int i = 0; i < 30; i++) found |= z.getRow(i).equalsWithEps(anchors.getRow(k), 1e-6);
                assertThat(found).as(a + " anchor " + k).isTrue();
            }
        }
    }
}
