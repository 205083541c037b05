package dev.ssb.table;

import java.util.Arrays;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Input schema checks for stages: a stage states the columns it reads and fails early. */
public final class Schemas {

    /**
     * The columns a stage that answers questions reads from a problems table (rollout, evaluate):
     * the problem's id, its question and its gold answer.
     */
    public static final StructType QUESTIONS =
            new StructType()
                    .add("problem_id", DataTypes.StringType)
                    .add("question", DataTypes.StringType)
                    .add("gold_answer", DataTypes.StringType);

    private Schemas() {}

    /**
     * Checks that {@code input} has every field of {@code required} with the same data type (extra
     * columns are allowed).
     *
     * @throws IllegalArgumentException "Invalid input of rollout: missing column problem_id string"
     */
    public static void require(String stage, Dataset<Row> input, StructType required) {
        StructType actual = input.schema();
        for (StructField field : required.fields()) {
            Optional<StructField> found =
                    Arrays.stream(actual.fields())
                            .filter(f -> f.name().equals(field.name()))
                            .findFirst();
            if (found.isEmpty()) {
                throw new IllegalArgumentException(
                        String.format(
                                "Invalid input of %s: missing column %s %s (has %s)",
                                stage,
                                field.name(),
                                field.dataType().simpleString(),
                                actual.simpleString()));
            }
            if (!found.get().dataType().sameType(field.dataType())) {
                throw new IllegalArgumentException(
                        String.format(
                                "Invalid input of %s: column %s is %s (must be %s)",
                                stage,
                                field.name(),
                                found.get().dataType().simpleString(),
                                field.dataType().simpleString()));
            }
        }
    }

    /**
     * Projects {@code data} onto {@code schema} by name and type. Nullability is declared for
     * readers (a non-nullable field is never null by construction) but not enforced here: Spark
     * marks computed columns nullable, and Parquet reads every column back as nullable.
     */
    public static Dataset<Row> conform(Dataset<Row> data, StructType schema) {
        StructType relaxed = new StructType();
        for (StructField f : schema.fields()) {
            relaxed = relaxed.add(f.name(), f.dataType(), true, f.metadata());
        }
        return data.to(relaxed);
    }
}
