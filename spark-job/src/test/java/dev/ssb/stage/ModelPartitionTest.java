package dev.ssb.stage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.LanguageModel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

class ModelPartitionTest {

    /** Items are prompt lengths; each is one sequence of prompt + 10 new tokens. */
    static final class Lengths implements ModelPartition.Work<Integer> {
        static final List<List<Integer>> BATCHES = new ArrayList<>();

        @Override
        public Integer prepare(Row row) {
            return row.getInt(0);
        }

        @Override
        public int sequences(Integer item) {
            return 1;
        }

        @Override
        public ModelPartition.Tokens encode(LanguageModel model, Integer item) {
            return new ModelPartition.Tokens(item, item + 10L);
        }

        @Override
        public List<Row> tooLong(
                Integer item, ModelPartition.Tokens tokens, String modelId, String executorId) {
            return List.of(RowFactory.create(item, "PROMPT_TOO_LONG"));
        }

        @Override
        public List<Row> run(LanguageModel model, List<Integer> batch, String executorId) {
            BATCHES.add(List.copyOf(batch));
            return batch.stream().map(i -> RowFactory.create(i, "DONE")).toList();
        }
    }

    @Test
    void cutsBatchesByPaddedTokensAndGivesOverLongItemsTheirOwnFateInOrder() {
        ModelTask task =
                new ModelTask("fake:tutor", false, Device.DType.FLOAT32, 0L, "", "r", "h")
                        .withLimits(100, 300);
        List<Row> input = new ArrayList<>();
        for (int length : new int[] {20, 30, 500, 40, 90, 95}) {
            input.add(RowFactory.create(length));
        }
        Lengths.BATCHES.clear();
        Iterator<Row> out = new ModelPartition<>(task, 10, new Lengths()).call(input.iterator());
        List<String> rows = new ArrayList<>();
        out.forEachRemaining(r -> rows.add(r.getInt(0) + " " + r.getString(1)));

        assertThat(rows)
                .containsExactly(
                        "20 DONE",
                        "30 DONE",
                        "500 PROMPT_TOO_LONG",
                        "40 DONE",
                        "90 DONE",
                        "95 DONE");
        // [40, 90] pads to 2 x 100 = 200 tokens; adding 95 would pad to 3 x 105 = 315 > 300
        assertThat(Lengths.BATCHES).containsExactly(List.of(20, 30), List.of(40, 90), List.of(95));
    }

    @Test
    void anItemOverTheModelContextIsNeverRun() {
        // the fake model's context is 2^20 positions; max_prompt_tokens 0 = context only
        ModelTask task = new ModelTask("fake:tutor", false, Device.DType.FLOAT32, 0L, "", "r", "h");
        List<Row> input = List.of(RowFactory.create(1 << 20), RowFactory.create(7));
        Lengths.BATCHES.clear();
        List<String> rows = new ArrayList<>();
        new ModelPartition<>(task, 10, new Lengths())
                .call(input.iterator())
                .forEachRemaining(r -> rows.add(r.getInt(0) + " " + r.getString(1)));

        assertThat(rows).containsExactly((1 << 20) + " PROMPT_TOO_LONG", "7 DONE");
        assertThat(Lengths.BATCHES).containsExactly(List.of(7));
    }
}
