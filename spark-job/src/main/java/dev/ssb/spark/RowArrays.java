package dev.ssb.spark;

import java.util.List;
import org.apache.spark.sql.Row;

/** Array columns of a Spark row as primitive arrays, as the model runtime takes them. */
public final class RowArrays {

    private RowArrays() {}

    /** The {@code array<int>} column {@code column} of {@code row}, e.g. token ids. */
    public static int[] ints(Row row, String column) {
        List<Integer> list = row.getList(row.fieldIndex(column));
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }

    /** The {@code array<float>} column {@code column} of {@code row}, e.g. top-k logits. */
    public static float[] floats(Row row, String column) {
        List<Float> list = row.getList(row.fieldIndex(column));
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }
}
