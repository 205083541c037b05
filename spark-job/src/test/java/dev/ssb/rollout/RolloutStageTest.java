package dev.ssb.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.ingest.IngestStage;
import dev.ssb.pipeline.Stages;
import dev.ssb.spark.ExecutorModels;
import dev.ssb.spark.Seeds;
import dev.ssb.spark.SharedSpark;
import dev.ssb.stage.Decoding;
import dev.ssb.stage.ModelTask;
import dev.ssb.stage.SampleSettings;
import dev.ssb.table.StageOutput;
import dev.ssb.worker.api.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RolloutStageTest {

    private final SparkSession spark = SharedSpark.session();
    @TempDir Path out;

    private Dataset<Row> problems(int n) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(RowFactory.create("gsm8k:p" + i, "What is 3 + 4? (" + i + ")", "7", (long) i));
        }
        return spark.createDataFrame(
                rows, RolloutStage.INPUT_SCHEMA.add("line", DataTypes.LongType));
    }

    private static SampleSettings settings(int batchSize, long seed) {
        return new SampleSettings(
                new ModelTask(
                        "fake:tutor",
                        false,
                        Device.DType.FLOAT32,
                        seed,
                        "You are a tutor.",
                        "r1",
                        "hash"),
                4,
                new Decoding(0.8f, 50, 1f, 64),
                batchSize);
    }

    private static List<String> comparable(List<Row> rows) {
        return rows.stream()
                .sorted(
                        Comparator.comparing((Row r) -> r.<String>getAs("problem_id"))
                                .thenComparing(r -> r.<Integer>getAs("sample_idx")))
                .map(
                        r -> {
                            StringBuilder sb = new StringBuilder();
                            for (String c : r.schema().fieldNames()) {
                                if (!c.equals("gen_ms") && !c.equals("executor_id")) {
                                    sb.append(c)
                                            .append('=')
                                            .append((Object) r.getAs(c))
                                            .append('|');
                                }
                            }
                            return sb.toString();
                        })
                .collect(Collectors.toList());
    }

    @Test
    void rowsAreIdenticalWhateverThePartitioningAndBatching() {
        int loadsBefore = ExecutorModels.loads();
        List<Row> one =
                RolloutStage.transform(problems(7).repartition(1), settings(16, 11))
                        .collectAsList();
        int callsAfterOne = FakeModelRuntime.GENERATE_CALLS.get();
        List<Row> three =
                RolloutStage.transform(problems(7).repartition(3), settings(3, 11)).collectAsList();
        assertThat(one).hasSize(28);
        assertThat(comparable(three)).isEqualTo(comparable(one));
        assertThat(FakeModelRuntime.GENERATE_CALLS.get() - callsAfterOne)
                .as("batch 3 < K: one problem per generate call")
                .isEqualTo(7);
        assertThat(ExecutorModels.loads() - loadsBefore)
                .as("one model per JVM")
                .isLessThanOrEqualTo(1);

        List<Row> other = RolloutStage.transform(problems(7), settings(16, 12)).collectAsList();
        assertThat(comparable(other)).isNotEqualTo(comparable(one));
    }

    @Test
    void rowsCarrySeedsTokensAndVerdicts() {
        List<Row> rows = RolloutStage.transform(problems(5), settings(8, 3)).collectAsList();
        assertThat(rows).hasSize(20);
        for (Row r : rows) {
            String id = r.getAs("problem_id");
            int idx = r.getAs("sample_idx");
            assertThat(r.<Long>getAs("seed")).isEqualTo(Seeds.seed(3, id, idx));
            assertThat(r.<Integer>getAs("num_tokens"))
                    .isEqualTo(r.getList(r.fieldIndex("token_ids")).size());
            String completion = r.getAs("completion");
            String verdict = r.getAs("verdict");
            if (completion.contains("\\boxed{7}")) {
                assertThat(verdict).isEqualTo("CORRECT");
                assertThat(r.<String>getAs("extracted_answer")).isEqualTo("7");
            } else if (completion.contains("\\boxed{8}")) {
                assertThat(verdict).isEqualTo("WRONG");
            } else {
                assertThat(verdict).isEqualTo("TRUNCATED");
                assertThat(r.<String>getAs("finish_reason")).isEqualTo("LENGTH");
                assertThat(r.<String>getAs("extracted_answer")).isNull();
            }
            assertThat(r.<String>getAs("model_id")).isEqualTo("fake:tutor");
            assertThat(r.<String>getAs("config_hash")).isEqualTo("hash");
        }
        assertThat(rows.stream().map(r -> r.<String>getAs("verdict")).distinct())
                .containsExactlyInAnyOrder("CORRECT", "WRONG", "TRUNCATED");
    }

    @Test
    void rejectsProblemsWithoutTheColumnsItReads() {
        assertThatThrownBy(
                        () ->
                                RolloutStage.transform(
                                        problems(1).drop("gold_answer"), settings(4, 1)))
                .hasMessageStartingWith(
                        "Invalid input of rollout: missing column gold_answer string");
    }

    @Test
    void runsAfterIngestAndOnlyAfterIt() throws Exception {
        Path prompt = out.resolve("system.txt");
        Files.writeString(prompt, "You are a careful tutor. End with \\boxed{answer}.\n");
        Path bad = Path.of(getClass().getResource("/dev/ssb/ingest/bad_gsm8k.jsonl").toURI());
        SsbConfig config =
                SsbConfig.defaults()
                        .with(SsbProperties.DATA_PROBLEMS, bad)
                        .with(SsbProperties.OUT, out)
                        .with(SsbProperties.RUN_ID, "e2e")
                        .with(SsbProperties.MODEL_CHECKPOINT, "fake:tutor")
                        .with(SsbProperties.PROMPTS_SYSTEM, prompt);
        assertThatThrownBy(() -> Stages.run(Stages.ROLLOUT, spark, config, false, false))
                .hasMessageContaining("run ssb ingest first");
        IngestStage.run(spark, config, false);
        StageOutput.Outcome rollout = Stages.run(Stages.ROLLOUT, spark, config, false, false);
        assertThat(rollout.manifest().counts())
                .containsEntry("problems", 3L)
                .containsEntry("rollouts", 12L);
        assertThat(rollout.manifest().modelId()).isEqualTo("fake:tutor");
        long verdicts =
                rollout.manifest().counts().entrySet().stream()
                        .filter(
                                e ->
                                        List.of("correct", "wrong", "no_answer", "truncated")
                                                .contains(e.getKey()))
                        .mapToLong(e -> e.getValue())
                        .sum();
        assertThat(verdicts).isEqualTo(12);
        assertThat(Stages.run(Stages.ROLLOUT, spark, config, false, false).skipped()).isTrue();
    }
}
