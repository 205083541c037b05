package dev.ssb.distill;

import static org.apache.spark.sql.functions.col;

import dev.ssb.table.Schemas;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/**
 * {@code teacher_logits} as distillation uses it without bringing it to the driver: the driver
 * holds only the examples' problem ids (sorted: the data order's base); the rows themselves are
 * read from Parquet by the executors into a persisted RDD keyed by that index, and each step's
 * shards are gathered executor to executor, one partition per shard ({@link #gather}).
 */
final class TrainData implements AutoCloseable {

    private final List<String> problemIds;
    private final JavaPairRDD<Integer, TrainExample> rows;
    private final Broadcast<Map<String, Integer>> byId;

    private TrainData(
            List<String> problemIds,
            JavaPairRDD<Integer, TrainExample> rows,
            Broadcast<Map<String, Integer>> byId) {
        this.problemIds = problemIds;
        this.rows = rows;
        this.byId = byId;
    }

    /**
     * Checks the schema and that every row's teacher temperature is the KD temperature, and
     * persists the rows on the executors.
     *
     * @throws IllegalStateException when the table is empty
     * @throws IllegalArgumentException on a row at another temperature
     */
    static TrainData load(Dataset<Row> teacherLogits, DistillSettings settings) {
        Schemas.require(DistillStage.NAME, teacherLogits, DistillStage.INPUT_SCHEMA);
        Dataset<Row> columns =
                teacherLogits.select(
                        col("problem_id"),
                        col("student_prompt_ids"),
                        col("reply_ids"),
                        col("topk_ids"),
                        col("topk_logits"),
                        col("logsumexp"),
                        col("k"),
                        col("temperature"));
        // one scan of two small columns: the ids (sorted here, in Spark's binary UTF-8 order,
        // without a shuffle) and each row's temperature
        List<Row> keys = columns.select(col("problem_id"), col("temperature")).collectAsList();
        for (Row r : keys) {
            if (r.getFloat(1) != settings.kdTemperature()) {
                throw new IllegalArgumentException(
                        String.format(
                                "Invalid distill.kd_temperature: %s (teacher_logits row %s was"
                                        + " stored at temperature %s; set logits.temperature and"
                                        + " distill.kd_temperature alike)",
                                settings.kdTemperature(), r.getString(0), r.getFloat(1)));
            }
        }
        List<String> ids =
                keys.stream()
                        .map(r -> r.getString(0))
                        .sorted(
                                (x, y) ->
                                        Arrays.compareUnsigned(
                                                x.getBytes(StandardCharsets.UTF_8),
                                                y.getBytes(StandardCharsets.UTF_8)))
                        .toList();
        if (ids.isEmpty()) {
            throw new IllegalStateException("Cannot run distill: table teacher_logits is empty");
        }
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            if (index.put(ids.get(i), i) != null) {
                throw new IllegalArgumentException(
                        "Invalid teacher_logits: problem " + ids.get(i) + " has several rows");
            }
        }
        JavaSparkContext jsc =
                JavaSparkContext.fromSparkContext(teacherLogits.sparkSession().sparkContext());
        Broadcast<Map<String, Integer>> byId = jsc.broadcast(index);
        JavaPairRDD<Integer, TrainExample> rows =
                columns.javaRDD()
                        .mapToPair(
                                r -> {
                                    TrainExample e = TrainExample.fromRow(r);
                                    return new Tuple2<>(byId.value().get(e.problemId()), e);
                                })
                        .persist(StorageLevel.MEMORY_AND_DISK());
        return new TrainData(ids, rows, byId);
    }

    int size() {
        return problemIds.size();
    }

    String problemId(int index) {
        return problemIds.get(index);
    }

    /**
     * The examples of {@code plan} brought together executor to executor: partition w holds one
     * element, worker w's list of batches, {@code plan[w][s]} the example indices of its batch s in
     * order.
     */
    JavaRDD<List<List<TrainExample>>> gather(int[][][] plan) {
        Map<Integer, List<int[]>> places = new HashMap<>();
        for (int w = 0; w < plan.length; w++) {
            for (int s = 0; s < plan[w].length; s++) {
                for (int p = 0; p < plan[w][s].length; p++) {
                    places.computeIfAbsent(plan[w][s][p], k -> new ArrayList<>())
                            .add(new int[] {w, s, p});
                }
            }
        }
        int workers = plan.length;
        int[] steps = Arrays.stream(plan).mapToInt(b -> b.length).toArray();
        return rows.filter(t -> places.containsKey(t._1()))
                .flatMapToPair(
                        t ->
                                places.get(t._1()).stream()
                                        .map(
                                                at ->
                                                        new Tuple2<>(
                                                                at[0],
                                                                new Placed(at[1], at[2], t._2())))
                                        .iterator())
                .partitionBy(new HashPartitioner(workers))
                .mapPartitionsWithIndex(
                        (w, it) -> {
                            List<Placed> mine = new ArrayList<>();
                            it.forEachRemaining(t -> mine.add(t._2()));
                            mine.sort(
                                    Comparator.comparingInt(Placed::step)
                                            .thenComparingInt(Placed::position));
                            List<List<TrainExample>> batches = new ArrayList<>();
                            for (int s = 0; s < steps[w]; s++) {
                                batches.add(new ArrayList<>());
                            }
                            for (Placed p : mine) {
                                batches.get(p.step()).add(p.example());
                            }
                            return List.of(batches).iterator();
                        },
                        true);
    }

    /** An example at position {@code position} of a worker's batch {@code step}. */
    record Placed(int step, int position, TrainExample example) implements java.io.Serializable {}

    /** Releases the persisted rows and the id index. */
    @Override
    public void close() {
        rows.unpersist(false);
        byId.destroy();
    }
}
