package dev.ssb.accept;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.curate.CurateStage;
import dev.ssb.pipeline.Stages;
import dev.ssb.rollout.RolloutStage;
import dev.ssb.spark.SharedSpark;
import dev.ssb.table.Manifest;
import dev.ssb.table.RunLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * data.accept_target on the fake runtime (rollouts answer 7, 8 or nothing; the hinted teacher is
 * right half the time): ingest, rollout and curate through their stage declarations.
 */
class AcceptTargetTest {

    private static final int PROBLEMS = 40;
    private static final long SEED = 11;

    private final SparkSession spark = SharedSpark.session();
    @TempDir static Path dir;
    private static Path data;

    @BeforeAll
    static void problems() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < PROBLEMS; i++) {
            lines.add(
                    String.format(
                            "{\"question\": \"Tom has %d pens and %d more. How many?\","
                                    + " \"answer\": \"So #### 7\"}",
                            i, 7 - i));
        }
        data = dir.resolve("acc_train.jsonl");
        Files.write(data, lines);
    }

    private SsbConfig config(String runId, int target) {
        return SsbConfig.defaults()
                .with(SsbProperties.OUT, dir.resolve("runs"))
                .with(SsbProperties.RUN_ID, runId)
                .with(SsbProperties.MODEL_CHECKPOINT, "fake:tutor")
                .with(SsbProperties.DATA_PROBLEMS, data)
                .with(SsbProperties.DATA_ACCEPT_TARGET, target)
                .with(SsbProperties.DATA_PARTITIONS, 2)
                .with(SsbProperties.ROLLOUT_MAX_NEW_TOKENS, 64)
                .with(SsbProperties.TEACHER_MAX_NEW_TOKENS, 64)
                .with(SsbProperties.SEED, SEED);
    }

    private Map<String, Manifest> run(SsbConfig config) {
        Map<String, Manifest> manifests = new TreeMap<>();
        for (var stage : List.of(Stages.INGEST, Stages.ROLLOUT, Stages.CURATE)) {
            manifests.put(stage.name(), Stages.run(stage, spark, config, false, false).manifest());
        }
        return manifests;
    }

    private Dataset<Row> table(SsbConfig config, String table) {
        return spark.read()
                .parquet(new RunLayout(config.out(), config.runId()).tablePath(table).toString());
    }

    /** Rows as sortable strings of the columns that must not depend on how rounds fell. */
    private List<String> rollouts(SsbConfig config) {
        return table(config, RolloutStage.ROLLOUTS)
                .selectExpr("concat_ws('|', problem_id, sample_idx, seed, completion, verdict)")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList()
                .stream()
                .sorted()
                .toList();
    }

    private Map<String, Boolean> accepted(SsbConfig config) {
        Map<String, Boolean> flags = new TreeMap<>();
        table(config, CurateStage.TEACHER_CONTEXTS)
                .select("problem_id", "accepted")
                .collectAsList()
                .forEach(r -> flags.put(r.getString(0), r.getBoolean(1)));
        return flags;
    }

    @Test
    void stopsAtTheTargetOnTheShortestPrefixOfTheSeededOrder() {
        SsbConfig config = config("t5", 5);
        Map<String, Manifest> m = run(config);
        assertThat(m.get("curate").counts()).containsEntry("accepted", 5L);
        assertThat(m.get("rollout").counts())
                .containsEntry("accept_target", 5L)
                .containsEntry("accepted", 5L)
                .containsEntry("data_ended", 0L)
                .containsEntry("problems_available", (long) PROBLEMS);
        Map<String, Boolean> flags = accepted(config);
        List<String> all =
                table(config, "problems")
                        .select("problem_id")
                        .as(org.apache.spark.sql.Encoders.STRING())
                        .collectAsList();
        List<String> order = AcceptOrder.order(all, SEED);
        // the selection is exactly the shortest prefix of the order holding 5 accepted problems
        List<String> prefix = order.subList(0, flags.size());
        assertThat(flags.keySet()).containsExactlyInAnyOrderElementsOf(prefix);
        assertThat(flags.get(prefix.get(prefix.size() - 1))).as("ends on an acceptance").isTrue();
        assertThat(flags.values().stream().filter(b -> b)).hasSize(5);
        assertThat(table(config, RolloutStage.ROLLOUTS).select("problem_id").distinct().count())
                .isEqualTo(flags.size());
        assertThat(m.get("rollout").counts().get("problems")).isEqualTo((long) flags.size());
        assertThat(m.get("curate").counts().get("problems")).isEqualTo((long) flags.size());
        assertThat(m.get("rollout").counts().get("problems_drawn"))
                .isGreaterThanOrEqualTo((long) flags.size());

        // deterministic: a second run gives the same rows, and so does rolling out every problem
        SsbConfig again = config("t5b", 5).with(SsbProperties.DATA_PARTITIONS, 3);
        run(again);
        assertThat(rollouts(again)).isEqualTo(rollouts(config));
        assertThat(accepted(again)).isEqualTo(flags);
        SsbConfig full = config("all", 0);
        run(full);
        Map<String, Boolean> fullFlags = accepted(full);
        assertThat(fullFlags).hasSize(PROBLEMS);
        for (String id : prefix) {
            assertThat(fullFlags.get(id)).as(id).isEqualTo(flags.get(id));
        }
        assertThat(
                        rollouts(full).stream()
                                .filter(r -> prefix.contains(r.substring(0, r.indexOf('|'))))
                                .toList())
                .isEqualTo(rollouts(config));
        // curate committed the contexts the rollout rounds kept: the same rows as curating anew
        assertThat(
                        table(config, CurateStage.TEACHER_CONTEXTS)
                                .filter(col("accepted"))
                                .select("problem_id", "robust_solution")
                                .collectAsList()
                                .stream()
                                .map(Row::toString)
                                .sorted())
                .containsExactlyElementsOf(
                        table(full, CurateStage.TEACHER_CONTEXTS)
                                .filter(col("accepted"))
                                .filter(col("problem_id").isin(prefix.toArray()))
                                .select("problem_id", "robust_solution")
                                .collectAsList()
                                .stream()
                                .map(Row::toString)
                                .sorted()
                                .toList());
    }

    @Test
    void theDataEndsBeforeTheTarget() {
        SsbConfig config = config("t1000", 1000);
        Map<String, Manifest> m = run(config);
        Map<String, Boolean> flags = accepted(config);
        long accepted = flags.values().stream().filter(b -> b).count();
        assertThat(flags).hasSize(PROBLEMS);
        assertThat(accepted).isLessThan(1000);
        assertThat(m.get("rollout").counts())
                .containsEntry("data_ended", 1L)
                .containsEntry("accepted", accepted)
                .containsEntry("problems_drawn", (long) PROBLEMS);
        assertThat(m.get("curate").counts())
                .containsEntry("accepted", accepted)
                .containsEntry("accept_target", 1000L)
                .containsEntry("data_ended", 1L);
    }
}
