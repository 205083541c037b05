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

    private static final int PROBLEMS = 24;
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

    /**
     * One run to 5 accepted, the same again on other partitions, and one whose target the data
     * cannot meet (it rolls out and curates every problem, in one round: the reference the first
     * run's rows must equal, however its rounds fell).
     */
    @Test
    void stopsAtNAcceptedDeterministicallyOrWhenTheDataEnds() {
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

        // deterministic: a second run on other partitions gives the same rows
        SsbConfig again = config("t5b", 5).with(SsbProperties.DATA_PARTITIONS, 3);
        run(again);
        assertThat(rollouts(again)).isEqualTo(rollouts(config));
        assertThat(accepted(again)).isEqualTo(flags);

        // the data ends before 1000 acceptances: every problem, and the manifests say so
        SsbConfig ended = config("t1000", 1000);
        Map<String, Manifest> e = run(ended);
        Map<String, Boolean> endedFlags = accepted(ended);
        long endedAccepted = endedFlags.values().stream().filter(b -> b).count();
        assertThat(endedFlags).hasSize(PROBLEMS);
        assertThat(endedAccepted).isLessThan(1000).isGreaterThanOrEqualTo(5);
        assertThat(e.get("rollout").counts())
                .containsEntry("data_ended", 1L)
                .containsEntry("accepted", endedAccepted)
                .containsEntry("problems_drawn", (long) PROBLEMS)
                .containsEntry("rounds", 1L);
        assertThat(e.get("curate").counts())
                .containsEntry("accepted", endedAccepted)
                .containsEntry("accept_target", 1000L)
                .containsEntry("data_ended", 1L);
        // the rows of the selected problems do not depend on how the rounds fell
        for (String id : prefix) {
            assertThat(endedFlags.get(id)).as(id).isEqualTo(flags.get(id));
        }
        assertThat(
                        rollouts(ended).stream()
                                .filter(r -> prefix.contains(r.substring(0, r.indexOf('|'))))
                                .toList())
                .isEqualTo(rollouts(config));
        // curate committed the contexts the rollout rounds kept: the same rows in both runs
        assertThat(solutions(config, prefix)).isEqualTo(solutions(ended, prefix));
    }

    private List<String> solutions(SsbConfig config, List<String> ids) {
        return table(config, CurateStage.TEACHER_CONTEXTS)
                .filter(col("problem_id").isin(ids.toArray()))
                .select("problem_id", "accepted", "reject_reason", "robust_solution")
                .collectAsList()
                .stream()
                .map(Row::toString)
                .sorted()
                .toList();
    }
}
