package dev.ssb.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DataOrderTest {

    @Test
    void everyEpochVisitsEveryExampleOnceInASeededOrder() {
        DataOrder order = new DataOrder(10, 4, 7L);
        assertThat(order.stepsPerEpoch()).isEqualTo(3);
        for (int epoch = 0; epoch < 3; epoch++) {
            int[] perm = order.permutation(epoch);
            List<Integer> seen = new ArrayList<>();
            for (int b = 0; b < order.stepsPerEpoch(); b++) {
                Arrays.stream(order.batch(perm, b)).forEach(seen::add);
            }
            assertThat(seen)
                    .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 10).boxed().toList());
            assertThat(order.batch(perm, 2)).hasSize(2); // the last batch takes the remainder
        }
        assertThat(order.permutation(1)).isEqualTo(new DataOrder(10, 4, 7L).permutation(1));
        assertThat(order.permutation(1)).isNotEqualTo(order.permutation(0));
        assertThat(order.permutation(0)).isNotEqualTo(new DataOrder(10, 4, 8L).permutation(0));
    }

    @Test
    void shardsAreContiguousBalancedAndNeverEmpty() {
        List<Integer> batch = List.of(1, 2, 3, 4, 5);
        assertThat(DataOrder.shards(batch, 2)).containsExactly(List.of(1, 2, 3), List.of(4, 5));
        assertThat(DataOrder.shards(batch, 1)).containsExactly(batch);
        assertThat(DataOrder.shards(List.of(1, 2), 4)).containsExactly(List.of(1), List.of(2));
        assertThatThrownBy(() -> DataOrder.shards(batch, 0))
                .hasMessage("Invalid workers: 0 (must be >= 1)");
    }

    @Test
    void rejectsBatchesOutsideTheEpoch() {
        DataOrder order = new DataOrder(3, 2, 1L);
        assertThatThrownBy(() -> order.batch(order.permutation(0), 2))
                .hasMessage("Invalid batch: 2 (must be in [0, 2))");
        assertThatThrownBy(() -> new DataOrder(0, 2, 1L))
                .hasMessage("Invalid examples: 0 (must be >= 1)");
    }
}
