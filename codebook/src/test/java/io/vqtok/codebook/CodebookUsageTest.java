package io.vqtok.codebook;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CodebookUsageTest {

    @Test
    void uniformUseHasPerplexityK() {
        UsageStats s = UsageStats.of(new long[]{5, 5, 5, 5});
        assertThat(s.perplexity()).isCloseTo(4.0, within(1e-12));
        assertThat(s.utilization()).isEqualTo(1.0);
        assertThat(s.deadCodes()).isZero();
    }

    @Test
    void collapseHasPerplexityOneAndDeadCodes() {
        UsageStats s = UsageStats.of(new long[]{0, 9, 0, 0});
        assertThat(s.perplexity()).isCloseTo(1.0, within(1e-12));
        assertThat(s.utilization()).isEqualTo(0.25);
        assertThat(s.deadCodes()).isEqualTo(3);
    }

    @Test
    void perplexityIsExpOfEntropy() {
        // p = (1/2, 1/4, 1/4): H = 1.5 ln 2, perplexity = 2^1.5
        UsageStats s = UsageStats.of(new long[]{2, 1, 1, 0});
        assertThat(s.perplexity()).isCloseTo(Math.pow(2, 1.5), within(1e-12));
        assertThat(s.usedCodes()).isEqualTo(3);
    }

    @Test
    void accumulatesPerChannel() {
        CodebookUsage u = new CodebookUsage(4, 2);
        u.add(Nd4j.createFromArray(new int[][]{{0, 1}, {0, 2}, {3, 1}}));
        assertThat(u.stats(0).histogram()).containsExactly(2, 0, 0, 1);
        assertThat(u.stats(1).histogram()).containsExactly(0, 2, 1, 0);
        assertThat(u.meanUtilization()).isCloseTo(0.5, within(1e-12));
        assertThat(u.totalDeadCodes()).isEqualTo(4);
        assertThatThrownBy(() -> u.add(Nd4j.createFromArray(new int[][]{{4, 0}}))).hasMessageContaining("out of range");
        assertThatThrownBy(() -> u.add(Nd4j.createFromArray(new int[]{1, 2}))).hasMessageContaining("index channel");
    }
}
