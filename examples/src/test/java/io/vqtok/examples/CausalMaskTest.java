package io.vqtok.examples;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CausalMaskTest {

    @Test
    void typeAKeepsStrictlyEarlierTapsAndTypeBAddsTheCentre() {
        assertThat(CausalMask.kernel(3, CausalMask.Type.A)).isEqualTo(new float[][]{{1, 1, 1}, {1, 0, 0}, {0, 0, 0}});
        assertThat(CausalMask.kernel(3, CausalMask.Type.B)).isEqualTo(new float[][]{{1, 1, 1}, {1, 1, 0}, {0, 0, 0}});
        for (CausalMask.Type t : CausalMask.Type.values()) {
            float[][] m = CausalMask.kernel(5, t);
            for (int dy = -2; dy <= 2; dy++)
                for (int dx = -2; dx <= 2; dx++) {
                    int rasterOffset = dy * 7 + dx;   // any width > 2 orders the taps the same way
                    boolean kept = t == CausalMask.Type.A ? rasterOffset < 0 : rasterOffset <= 0;
                    assertThat(m[dy + 2][dx + 2]).as("%s (%d, %d)", t, dy, dx).isEqualTo(kept ? 1f : 0f);
                }
        }
        INDArray w = CausalMask.weights(3, 2, 4, CausalMask.Type.B);
        assertThat(w.shape()).containsExactly(3, 3, 2, 4);
        assertThat(w.getFloat(1, 1, 1, 3)).isEqualTo(1f);
        assertThat(w.getFloat(1, 2, 0, 0)).isEqualTo(0f);
        assertThatThrownBy(() -> CausalMask.kernel(4, CausalMask.Type.A)).hasMessageContaining("odd");
    }

    /**
     * Changing the code at raster position p must leave the logits at positions 0..p unchanged (they predict codes
     * 0..p from the codes before them), and, for the test to mean something, change the logits of the next position in
     * the same row and of the position below.
     */
    @Test
    void logitsAtAPositionDependOnlyOnEarlierCodes() {
        int k = 5, h = 4, w = 4, len = h * w;
        for (int firstKernel : new int[]{3, 5}) {
            PixelCnnPrior prior = new PixelCnnPrior(new PixelCnnPrior.Config(k, h, w, 8, 16, 2, firstKernel, 1e-3, 7 + firstKernel));
            SplittableRandom r = new SplittableRandom(firstKernel);
            int[][] base = new int[3][len];
            for (int[] s : base) for (int i = 0; i < len; i++) s[i] = r.nextInt(k);
            float[][] before = prior.logits(base).toFloatMatrix();
            for (int p = 0; p < len; p++) {
                int[][] changed = new int[base.length][];
                for (int n = 0; n < base.length; n++) {
                    changed[n] = base[n].clone();
                    changed[n][p] = (base[n][p] + 1 + r.nextInt(k - 1)) % k;
                }
                float[][] after = prior.logits(changed).toFloatMatrix();
                for (int n = 0; n < base.length; n++) {
                    for (int q = 0; q <= p; q++)
                        for (int c = 0; c < k; c++)
                            assertThat(after[n * len + q][c]).as("kernel %d, change at %d, logits at %d", firstKernel, p, q)
                                    .isCloseTo(before[n * len + q][c], org.assertj.core.data.Offset.offset(1e-5f));
                    // the right neighbour (same row) and the position below read p directly through the first layer
                    for (int q : new int[]{p % w + 1 < w ? p + 1 : -1, p + w < len ? p + w : -1}) {
                        if (q < 0) continue;
                        double diff = 0;
                        for (int c = 0; c < k; c++) diff += Math.abs(after[n * len + q][c] - before[n * len + q][c]);
                        assertThat(diff).as("kernel %d: the code at %d reaches position %d", firstKernel, p, q).isGreaterThan(1e-4);
                    }
                }
            }
        }
    }
}
