package dev.ssb.worker.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ssb.worker.api.ModelConfig;
import org.junit.jupiter.api.Test;

/** Admission into a running cache leaves room for the reserved decode steps. */
class KvCacheAdmitTest {

    /**
     * A kept row with 2 slots of padding and a short admitted prompt: too few dead slots in front
     * to shift (2 of 12), yet 12 + 4 reserved slots exceed the capacity of 14. The cache used to
     * skip the relayout (it counted the room as if the 2 slots had been dropped) and the third
     * decode step failed with "Cannot extend KV cache".
     */
    @Test
    void admittingWithoutAShiftStillLeavesTheReservedSlots() {
        ModelConfig config = TinyModels.llama();
        int reserve = 4;
        try (Transformer model = TinyModels.load(config, TinyModels.randomWeights(config, 3));
                KvCache cache = model.newCache(new int[] {12, 10}, 14);
                NDManager step = model.manager().newSubManager()) {
            long[] padded = new long[24];
            for (int t = 0; t < 24; t++) {
                padded[t] = t % 12 < 2 && t >= 12 ? 0 : 6 + t % 30;
            }
            model.prefill(cache, step.create(padded, new Shape(2, 12)), 40);
            try (KvCache fresh = model.newCache(new int[] {1}, 1)) {
                model.prefill(fresh, step.create(new long[] {9}, new Shape(1, 1)), 40);
                cache.admit(new int[] {0}, fresh, new boolean[] {false, true}, reserve);
            }
            assertThat(cache.capacity() - cache.length()).isGreaterThanOrEqualTo(reserve);
            for (int s = 0; s < reserve; s++) {
                model.decode(cache, step.create(new long[] {7, 8}, new Shape(2, 1)), 40);
            }
        }
    }
}
