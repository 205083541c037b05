package dev.ssb.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.spark.SharedSpark;
import dev.ssb.table.Manifest;
import dev.ssb.table.RunLayout;
import dev.ssb.table.StageOutput;
import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.LoraAdapter;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stage end to end on a tiny random model in local[2]: 6 teacher rows, batch 4, 3 epochs = 6
 * steps, checkpoints every 3 steps.
 */
class DistillStageTest {

    private static final int EXAMPLES = 6;
    private static final int STEPS = 6;

    @TempDir static Path tmp;
    private static Path checkpoint;
    private static SsbConfig reference;

    private final SparkSession spark = SharedSpark.session();

    @BeforeAll
    static void writeModel() {
        checkpoint = TinyTeacherRun.writeCheckpoint(tmp.resolve("tiny-qwen"));
    }

    private SsbConfig prepared(String runId) {
        SsbConfig config = TinyTeacherRun.config(tmp.resolve("runs"), runId, checkpoint);
        TinyTeacherRun.writeTeacherLogits(spark, config, EXAMPLES);
        return config;
    }

    /** One uninterrupted single-shard run, shared by the tests that compare against it. */
    private synchronized SsbConfig reference() {
        if (reference == null) {
            SsbConfig config = prepared("reference").with(SsbProperties.DISTILL_WORKERS, 1);
            DistillStage.run(spark, config, false, false);
            reference = config;
        }
        return reference;
    }

    private static RunLayout layout(SsbConfig config) {
        return TrainingRuns.layout(config);
    }

    private List<Row> metrics(SsbConfig config) {
        return TrainingRuns.metrics(spark, config, DistillStage.TRAIN_METRICS);
    }

    private static LoraAdapter adapter(SsbConfig config) {
        return TrainingRuns.adapter(config, DistillStage.ADAPTER);
    }

    /** Runs the stage until its driver is "killed" at {@code step}: nothing is committed. */
    private void killedAt(SsbConfig config, int step) {
        TrainingRuns.assertKilled(
                () ->
                        DistillStage.run(
                                spark,
                                config,
                                false,
                                false,
                                m -> TrainingRuns.killAt(step, m.step())),
                spark,
                config,
                DistillStage.NAME,
                List.of(DistillStage.TRAIN_METRICS, DistillStage.ADAPTER));
    }

    @Test
    void twoWorkersGiveTheSameLossCurveAsOne() {
        List<Row> one = metrics(reference());
        SsbConfig two = prepared("two-workers").with(SsbProperties.DISTILL_WORKERS, 2);
        DistillStage.run(spark, two, false, false);
        List<Row> sharded = metrics(two);

        assertThat(sharded).hasSize(STEPS);
        for (int i = 0; i < STEPS; i++) {
            Row a = one.get(i);
            Row b = sharded.get(i);
            assertThat(a.<Integer>getAs("workers")).isEqualTo(1);
            assertThat(b.<Integer>getAs("workers")).isEqualTo(2); // every batch has >= 2 examples
            assertThat(b.<Long>getAs("tokens")).isEqualTo(a.<Long>getAs("tokens"));
            double lossA = a.getAs("loss");
            double lossB = b.getAs("loss");
            assertThat(lossA).isPositive();
            assertThat(Math.abs(lossB - lossA) / lossA).as("step %s", i + 1).isLessThan(1e-4);
            double normA = a.getAs("grad_norm");
            double normB = b.getAs("grad_norm");
            assertThat(Math.abs(normB - normA) / normA).as("step %s", i + 1).isLessThan(1e-3);
        }
    }

    @Test
    void resumeAfterAKillEndsWithTheSameAdapterAsAnUninterruptedRun() {
        SsbConfig config = prepared("killed").with(SsbProperties.DISTILL_WORKERS, 1);
        killedAt(config, 5);
        Path checkpoints = Path.of(layout(config).runPath().toString(), "distill", "checkpoints");
        assertThat(checkpoints.resolve("step-3").resolve("state.json")).exists();
        assertThat(checkpoints.resolve("step-6")).doesNotExist();

        StageOutput.Outcome resumed = DistillStage.run(spark, config, false, true);

        assertThat(resumed.manifest().count("resumed_from_step")).isEqualTo(3);
        TrainingRuns.assertSameTensors(adapter(reference()), adapter(config));
        assertThat(metrics(config)).hasSize(STEPS);
        TrainingRuns.assertSameLosses(metrics(reference()), metrics(config));
    }

    @Test
    void writesThePeftAdapterMetricsPlotAndManifest() throws Exception {
        SsbConfig config = reference();
        RunLayout layout = layout(config);
        List<Row> rows = metrics(config);

        assertThat(rows)
                .extracting(r -> r.<Integer>getAs("step"))
                .containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(rows)
                .extracting(r -> r.<Integer>getAs("epoch"))
                .containsExactly(0, 0, 1, 1, 2, 2);
        assertThat(rows)
                .extracting(r -> r.<Integer>getAs("examples"))
                .containsExactly(4, 2, 4, 2, 4, 2);
        long[] epochTokens = new long[3];
        for (Row r : rows) {
            epochTokens[r.<Integer>getAs("epoch")] += r.<Long>getAs("tokens");
            assertThat(r.<Double>getAs("lr")).isCloseTo(1e-2, within(1e-12));
            assertThat(r.<Double>getAs("reply_len"))
                    .isCloseTo(
                            r.<Long>getAs("tokens") / (double) r.<Integer>getAs("examples"),
                            within(1e-9));
            assertThat(r.<Double>getAs("loss_ce")).isPositive(); // measured even at λ_CE = 0
            assertThat(r.<Double>getAs("loss")).isEqualTo(r.<Double>getAs("loss_kd"));
            assertThat(r.<String>getAs("run_id")).isEqualTo("reference");
            // the hash of the values used: sampling keys left at auto resolved
            assertThat(r.<String>getAs("config_hash"))
                    .isEqualTo(
                            dev.ssb.stage.CheckpointSampling.resolve(
                                            config, new org.apache.hadoop.conf.Configuration())
                                    .hash());
        }
        long replyTokens =
                spark.read()
                        .parquet(layout.tablePath(DistillStage.TEACHER_LOGITS).toString())
                        .agg(org.apache.spark.sql.functions.sum("reply_len"))
                        .first()
                        .getLong(0);
        assertThat(epochTokens).containsOnly(replyTokens); // each epoch sees every row once
        double firstEpoch = (rows.get(0).<Double>getAs("loss") + rows.get(1).<Double>getAs("loss"));
        double lastEpoch = (rows.get(4).<Double>getAs("loss") + rows.get(5).<Double>getAs("loss"));
        assertThat(lastEpoch).isLessThan(firstEpoch); // the student moves towards the teacher

        LoraAdapter adapter = adapter(config);
        assertThat(adapter.config().rank()).isEqualTo(4);
        assertThat(adapter.config().alpha()).isEqualTo(8f);
        assertThat(adapter.config().targetModules()).hasSize(7);
        assertThat(adapter.tensors())
                .hasSize(2 * 7 * 2)
                .allSatisfy(
                        (name, t) -> {
                            float max = 0;
                            for (float v : t.data()) {
                                max = Math.max(max, Math.abs(v));
                            }
                            assertThat(max).as(name).isPositive(); // B moved away from zero
                        });
        Path adapterDir = Path.of(layout.tablePath(DistillStage.ADAPTER).toString());
        // model.name unset: the adapter records the checkpoint's folder name as its base model
        assertThat(Files.readString(adapterDir.resolve("adapter_config.json")))
                .contains(
                        "\"base_model_name_or_path\": \""
                                + checkpoint.getFileName().toString()
                                + "\"");

        BufferedImage plot =
                ImageIO.read(
                        Path.of(layout.runPath().toString(), "distill", "training.png").toFile());
        assertThat(plot.getWidth()).isEqualTo(TrainingPlot.WIDTH);
        assertThat(plot.getHeight()).isEqualTo(3 * TrainingPlot.PANEL_HEIGHT);

        Manifest m =
                layout.manifest(DistillStage.ADAPTER, spark.sparkContext().hadoopConfiguration())
                        .orElseThrow();
        assertThat(m.count("steps")).isEqualTo(STEPS);
        assertThat(m.count("examples")).isEqualTo(EXAMPLES);
        assertThat(m.count("tokens")).isEqualTo(3 * replyTokens);
        assertThat(m.count("resumed_from_step")).isZero();
        assertThat(m.modelId()).isEqualTo(checkpoint.getFileName().toString());
        assertThat(DistillStage.run(spark, config, false, false).skipped()).isTrue();
    }

    @Test
    void fourWorkersRunUnderAMaxResultSizeBelowFourAdaptersAndGiveTheOneWorkerLosses() {
        // rank 64: an adapter (256 KiB) well above the few KiB of framing Spark adds per task
        SsbConfig single =
                prepared("rank64-one")
                        .with(SsbProperties.DISTILL_LORA_RANK, 64)
                        .with(SsbProperties.DISTILL_WORKERS, 1);
        DistillStage.run(spark, single, false, false);
        List<Row> one = metrics(single);
        long adapterBytes = 4 * adapter(single).parameterCount();
        SsbConfig four =
                prepared("rank64-four")
                        .with(SsbProperties.DISTILL_LORA_RANK, 64)
                        .with(SsbProperties.DISTILL_WORKERS, 4);
        // read per task set, so it applies to the jobs started below; restored afterwards
        org.apache.spark.SparkConf conf = spark.sparkContext().conf();
        String before = conf.get("spark.driver.maxResultSize", "1g");
        conf.set("spark.driver.maxResultSize", String.valueOf(3 * adapterBytes));
        try {
            DistillStage.run(spark, four, false, false);
        } finally {
            conf.set("spark.driver.maxResultSize", before);
        }
        List<Row> rows = metrics(four);
        assertThat(rows).hasSize(STEPS);
        assertThat(rows.get(0).<Integer>getAs("workers")).isEqualTo(4); // a batch of 4
        for (int i = 0; i < STEPS; i++) {
            double lossA = one.get(i).getAs("loss");
            double lossB = rows.get(i).getAs("loss");
            assertThat(Math.abs(lossB - lossA) / lossA).as("step %s", i + 1).isLessThan(1e-4);
            long driver = rows.get(i).getAs("driver_bytes");
            // one adapter broadcast out, one summed gradient in (plus Spark's task-result framing)
            assertThat(driver).as("step %s", i + 1).isGreaterThan(2 * adapterBytes);
            assertThat((double) driver)
                    .as("step %s", i + 1)
                    .isLessThanOrEqualTo(2.5 * adapterBytes);
        }
    }

    @Test
    void localSgdOnOneWorkerIsExactlySynchronousTraining() {
        SsbConfig config =
                prepared("local-one")
                        .with(SsbProperties.DISTILL_WORKERS, 1)
                        .with(SsbProperties.DISTILL_SYNC_EVERY, 2);
        DistillStage.run(spark, config, false, false);

        TrainingRuns.assertSameTensors(adapter(reference()), adapter(config));
        TrainingRuns.assertSameLosses(metrics(reference()), metrics(config));
    }

    @Test
    void localSgdOnTwoWorkersAveragesAfterEveryRound() {
        SsbConfig config =
                prepared("local-two")
                        .with(SsbProperties.DISTILL_WORKERS, 2)
                        .with(SsbProperties.DISTILL_SYNC_EVERY, 3);
        DistillStage.run(spark, config, false, false);

        List<Row> rows = metrics(config);
        List<Row> sync = metrics(reference());
        assertThat(rows)
                .hasSize(STEPS)
                .allSatisfy(r -> assertThat(r.<Integer>getAs("workers")).isEqualTo(2));
        // a round's first step starts from the shared adapter: the global batch's exact loss
        for (int i : new int[] {0}) {
            double a = sync.get(i).getAs("loss");
            double b = rows.get(i).getAs("loss");
            assertThat(Math.abs(a - b) / a).isLessThan(1e-4);
        }
        Map<String, HostTensor> synchronous = adapter(reference()).tensors();
        assertThat(adapter(config).tensors())
                .anySatisfy(
                        (name, t) ->
                                assertThat(t.data()).isNotEqualTo(synchronous.get(name).data()));
        assertThat(rows.get(5).<Double>getAs("loss"))
                .isLessThan(rows.get(1).<Double>getAs("loss")); // still learns
    }

    @Test
    void resumeRefusesACheckpointMadeWithOtherSettings() {
        SsbConfig config = prepared("changed").with(SsbProperties.DISTILL_WORKERS, 1);
        killedAt(config, 3);
        SsbConfig other = config.with(SsbProperties.DISTILL_LR, 5e-3);
        assertThatThrownBy(() -> DistillStage.run(spark, other, false, true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Cannot resume distill from checkpoint step-3")
                .hasMessageContaining("run without --resume");
        // operational keys may change between attempts
        SsbConfig moreWorkers =
                config.with(SsbProperties.DISTILL_WORKERS, 2)
                        .with(SsbProperties.DISTILL_LOG_EVERY, 1);
        assertThat(DistillStage.stageKeys())
                .contains(
                        SsbProperties.DISTILL_LR,
                        SsbProperties.SEED,
                        SsbProperties.LOGITS_TOP_K,
                        SsbProperties.MODEL_CHECKPOINT)
                .doesNotContain(
                        SsbProperties.DISTILL_WORKERS,
                        SsbProperties.EVAL_SAMPLES,
                        SsbProperties.RUN_ID);
        assertThat(moreWorkers.hash(DistillStage.stageKeys()))
                .isEqualTo(config.hash(DistillStage.stageKeys()));
    }

    @Test
    void kdTemperatureMustMatchTheStoredTeacherTemperature() {
        SsbConfig config = prepared("hot").with(SsbProperties.DISTILL_KD_TEMPERATURE, 3.0);
        assertThatThrownBy(() -> DistillStage.run(spark, config, false, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid distill.kd_temperature: 3.0")
                .hasMessageContaining("stored at temperature 2.0");
    }

    @Test
    void repliesMustEndWithTheEndOfTurnToken() {
        SsbConfig config = TinyTeacherRun.config(tmp.resolve("runs"), "no-eot", checkpoint);
        TinyTeacherRun.writeTeacherLogits(spark, config, 2, 0, false);
        assertThatThrownBy(() -> DistillStage.run(spark, config, false, false))
                .rootCause()
                .hasMessageContaining("Invalid teacher_logits row toy:000")
                .hasMessageContaining("not an end-of-turn id");
    }

    @Test
    void refusesToRunWithoutTeacherLogits() {
        SsbConfig config = TinyTeacherRun.config(tmp.resolve("runs"), "empty", checkpoint);
        assertThatThrownBy(() -> DistillStage.run(spark, config, false, false))
                .hasMessage(
                        "Cannot run distill: table teacher_logits of run empty is not complete"
                                + " (run ssb teacher-logits first)");
    }
}
