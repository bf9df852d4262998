package io.vqtok.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SplitTest {

    @Test
    void parsesAllNamesAndAliases() {
        assertThat(Split.parse("train")).isEqualTo(Split.TRAIN);
        assertThat(Split.parse(" Validation ")).isEqualTo(Split.VALIDATION);
        assertThat(Split.parse("VAL")).isEqualTo(Split.VALIDATION);
        assertThat(Split.parse("test")).isEqualTo(Split.TEST);
        assertThat(Split.VALIDATION.toString()).isEqualTo("validation");
        assertThatThrownBy(() -> Split.parse("dev")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown split 'dev'; expected train, validation (val) or test");
        assertThatThrownBy(() -> Split.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void validationCountIsTheCeilingOfATwelfth() {
        assertThat(Split.validationCount(0)).isZero();
        assertThat(Split.validationCount(1)).isEqualTo(1);
        assertThat(Split.validationCount(12)).isEqualTo(1);
        assertThat(Split.validationCount(13)).isEqualTo(2);
        assertThat(Split.validationCount(24)).isEqualTo(2);
        assertThat(Split.validationCount(25)).isEqualTo(3);
        assertThat(Split.validationCount(60000)).isEqualTo(5000);
        assertThat(Split.validationCount(Integer.MAX_VALUE)).isEqualTo(178956971); // no overflow: ceil((2^31-1)/12)
        assertThatThrownBy(() -> Split.validationCount(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void slicesCarveTheTrainingDataIntoTwoDisjointPartsInOrder() {
        for (int n : new int[] {2, 3, 11, 12, 13, 100, 60000}) {
            Split.Slice train = Split.TRAIN.slice(n, "data");
            Split.Slice val = Split.VALIDATION.slice(n, "data");
            assertThat(train.from()).isZero();
            assertThat(train.to()).isEqualTo(val.from());
            assertThat(val.to()).isEqualTo(n);
            assertThat(val.size()).isEqualTo((n + 11) / 12);
            assertThat(train.size()).isPositive();
            assertThat(Split.TEST.slice(n, "data").isWhole()).isTrue();
        }
        Split.Slice train = Split.TRAIN.slice(60000, "f");
        assertThat(train.size()).isEqualTo(55000);
        assertThat(train.describe()).isEqualTo("train (first 55000 of train)");
        assertThat(Split.VALIDATION.slice(60000, "f").describe()).isEqualTo("validation (last 5000 of train)");
        assertThat(Split.TEST.slice(10000, "f").describe()).isEqualTo("test");
        List<String> items = List.of("a", "b", "c", "d", "e");
        assertThat(Split.TRAIN.slice(5, "x").of(items)).containsExactly("a", "b", "c", "d");
        assertThat(Split.VALIDATION.slice(5, "x").of(items)).containsExactly("e");
        assertThat(Split.VALIDATION.stored()).isEqualTo(Split.TRAIN);
        assertThat(Split.TRAIN.stored()).isEqualTo(Split.TRAIN);
        assertThat(Split.TEST.stored()).isEqualTo(Split.TEST);
    }

    @Test
    void fewerThanTwoTrainingItemsCannotBeCarved() {
        assertThatThrownBy(() -> Split.TRAIN.slice(1, "/data/one"))
                .isInstanceOf(DatasetException.class)
                .hasMessageStartingWith("/data/one: 1 training item, too few to carve a train split")
                .hasMessageContaining("ceil(n/12)");
        assertThatThrownBy(() -> Split.VALIDATION.slice(0, "/data/none"))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("/data/none: 0 training items, too few to carve a validation split");
        assertThat(Split.TEST.slice(1, "x").size()).isEqualTo(1);
    }
}
