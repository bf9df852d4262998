package io.vqtok.quantizers;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FiniteScalarQuantizerTest {

    static Stream<int[]> presets() {
        return Arrays.stream(FsqConfig.PRESETS);
    }

    @ParameterizedTest
    @MethodSource("presets")
    void everyIndexRoundTripsThroughItsCode(int[] levels) {
        FiniteScalarQuantizer q = (FiniteScalarQuantizer) new FsqConfig(levels, 8).create("q.", 0);
        int k = q.codebookSize();
        assertThat(k).isEqualTo(Arrays.stream(levels).reduce(1, (a, b) -> a * b));
        INDArray all = Nd4j.arange(k).castTo(DataType.INT32).reshape(k, 1);
        INDArray lv = q.levelsOfIndices(all);
        // each channel takes exactly its L_j values in [-floor(L/2), ceil(L/2) - 1]
        for (int j = 0; j < levels.length; j++) {
            Set<Double> values = new HashSet<>();
            for (double v : lv.getColumn(j).toDoubleVector()) values.add(v);
            assertThat(values).hasSize(levels[j]);
            assertThat(values.stream().mapToDouble(Double::doubleValue).min().getAsDouble()).isEqualTo(-(levels[j] / 2));
        }
        assertThat(q.indicesOfLevels(lv)).isEqualTo(all);
        assertThat(q.codes(all).shape()).containsExactly(k, 8);
    }

    @ParameterizedTest
    @MethodSource("presets")
    void indicesOfAnyInputStayInRangeAndMatchTheGraph(int[] levels) {
        FiniteScalarQuantizer q = (FiniteScalarQuantizer) new FsqConfig(levels, 8).create("q.", 3);
        INDArray z = Nd4j.randn(DataType.FLOAT, 500, 8).muli(20);  // far outside the bounded range too
        INDArray idx = q.indices(z);
        assertThat(idx.minNumber().intValue()).isGreaterThanOrEqualTo(0);
        assertThat(idx.maxNumber().intValue()).isLessThan(q.codebookSize());
        GraphTestSupport.Result r = GraphTestSupport.run(q, z, Nd4j.ones(DataType.FLOAT, 500, 8));
        assertThat(r.indices().castTo(DataType.INT32).reshape(500, 1)).isEqualTo(idx);
        // the decoder sees exactly codes(indices)
        assertThat(r.quantized().equalsWithEps(q.codes(idx), 1e-5)).isTrue();
        // straight-through rounding lets gradient reach the input projection
        assertThat(r.gradParams().get("q.proj_in.w").norm2Number().doubleValue()).isGreaterThan(0);
        assertThat(r.gradZ().norm2Number().doubleValue()).isGreaterThan(0);
    }

    @Test
    void invalidLevelsAreRejectedAtConstruction() {
        assertThatThrownBy(() -> new FsqConfig(new int[]{8, 1, 5}, 4)).hasMessageContaining(">= 2");
        assertThatThrownBy(() -> new FsqConfig(new int[]{}, 4)).hasMessageContaining("at least one level");
        assertThat(FsqConfig.preset(1000, 16).levels()).containsExactly(8, 5, 5, 5);
        assertThat(FsqConfig.preset(64000, 16).levels()).containsExactly(8, 8, 8, 5, 5, 5);
    }
}
