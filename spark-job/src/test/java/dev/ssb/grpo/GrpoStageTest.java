package dev.ssb.grpo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.distill.TrainingRuns;
import dev.ssb.ingest.IngestStage;
import dev.ssb.spark.SharedSpark;
import dev.ssb.table.RunLayout;
import dev.ssb.table.StageOutput;
import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.ToyData;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stage end to end on the embedded toy model in local[2] (it solves some of its own problems,
 * so groups carry signal): 3 steps of 2 problems × 4 replies, μ = 2 and β > 0 so that the stored
 * old log-probs and the reference pass are exercised, a checkpoint every step.
 */
class GrpoStageTest {

    private static final int STEPS = 3;

    @TempDir static Path tmp;
    private static Path problems;
    private static SsbConfig reference;

    private final SparkSession spark = SharedSpark.session();

    @BeforeAll
    static void writeProblems() {
        ToyData.writeEmbeddedSplits(tmp.resolve("toy"), 7, 8, 1, true);
        problems = tmp.resolve("toy").resolve(ToyData.TRAIN_FILE);
    }

    private SsbConfig prepared(String runId, int workers) {
        SsbConfig config =
                SsbConfig.defaults()
                        .with(SsbProperties.OUT, tmp.resolve("runs").toString())
                        .with(SsbProperties.RUN_ID, runId)
                        .with(SsbProperties.DATA_PROBLEMS, problems.toString())
                        .with(SsbProperties.ROLLOUT_MAX_NEW_TOKENS, 80)
                        .with(SsbProperties.DISTILL_LORA_RANK, 4)
                        .with(SsbProperties.DISTILL_LORA_ALPHA, 8)
                        .with(SsbProperties.DISTILL_LR, 5e-3)
                        .with(SsbProperties.DISTILL_CHECKPOINT_EVERY, 1)
                        .with(SsbProperties.DISTILL_WORKERS, workers)
                        .with(SsbProperties.GRPO_STEPS, STEPS)
                        .with(SsbProperties.GRPO_PROBLEMS_PER_STEP, 2)
                        .with(SsbProperties.GRPO_GROUP_SIZE, 4)
                        .with(SsbProperties.GRPO_MU, 2)
                        .with(SsbProperties.GRPO_BETA, 0.04);
        IngestStage.run(spark, config, false);
        return config;
    }

    private synchronized SsbConfig reference() {
        if (reference == null) {
            SsbConfig config = prepared("reference", 1);
            GrpoStage.run(spark, config, false, false);
            reference = config;
        }
        return reference;
    }

    private static RunLayout layout(SsbConfig config) {
        return TrainingRuns.layout(config);
    }

    private List<Row> metrics(SsbConfig config) {
        return TrainingRuns.metrics(spark, config, GrpoStage.GRPO_METRICS);
    }

    private static LoraAdapter adapter(SsbConfig config) {
        return TrainingRuns.adapter(config, GrpoStage.ADAPTER);
    }

    @Test
    void writesOneMetricsRowPerStepAnAdapterThatMovedAndThePlot() throws Exception {
        List<Row> rows = metrics(reference());
        assertThat(rows).hasSize(STEPS);
        double signal = 0;
        for (Row r : rows) {
            assertThat(r.<Integer>getAs("samples")).isEqualTo(8);
            double reward = r.getAs("reward_mean");
            assertThat(reward).isBetween(0.0, 1.0).isEqualTo(r.<Double>getAs("accuracy"));
            assertThat(r.<Double>getAs("zero_signal_fraction")).isIn(0.0, 0.5, 1.0);
            assertThat(r.<Long>getAs("tokens")).isPositive();
            assertThat(r.<Double>getAs("entropy")).isPositive();
            assertThat(r.<Double>getAs("kl"))
                    .as("β > 0: KL to base is measured (k3 is never negative)")
                    .isNotNull()
                    .isGreaterThanOrEqualTo(0.0);
            signal += 1 - r.<Double>getAs("zero_signal_fraction");
        }
        assertThat(signal).as("some group of the run had mixed rewards: %s", rows).isPositive();
        assertThat(rows.get(STEPS - 1).<Double>getAs("kl")).as("the policy moved").isPositive();
        assertThat(
                        adapter(reference()).tensors().values().stream()
                                .anyMatch(GrpoStageTest::nonZeroB))
                .isTrue();
        Path plot = Path.of(layout(reference()).runPath().toString(), "grpo", "training.png");
        BufferedImage image = ImageIO.read(Files.newInputStream(plot));
        assertThat(image.getHeight()).isEqualTo(5 * 300);
    }

    private static boolean nonZeroB(HostTensor t) {
        for (float v : t.data()) {
            if (v != 0f && t.shape()[1] == 4) { // lora_B is [out, r]
                return true;
            }
        }
        return false;
    }

    @Test
    void twoWorkersGiveTheOneWorkerLosses() {
        List<Row> one = metrics(reference());
        SsbConfig two = prepared("two-workers", 2);
        GrpoStage.run(spark, two, false, false);
        List<Row> sharded = metrics(two);
        assertThat(sharded).hasSize(STEPS);
        for (int i = 0; i < STEPS; i++) {
            Row a = one.get(i);
            Row b = sharded.get(i);
            assertThat(b.<Integer>getAs("workers")).isEqualTo(2);
            assertThat(b.<Long>getAs("tokens")).isEqualTo(a.<Long>getAs("tokens"));
            assertThat(b.<Double>getAs("reward_mean")).isEqualTo(a.<Double>getAs("reward_mean"));
            for (String column : List.of("loss", "kl", "entropy", "clip_fraction")) {
                double x = a.getAs(column);
                double y = b.getAs(column);
                assertThat(Math.abs(x - y))
                        .as("step %s %s: %s vs %s", i + 1, column, x, y)
                        .isLessThanOrEqualTo(1e-4 * Math.max(1, Math.abs(x)));
            }
        }
    }

    @Test
    void resumeAfterAKillEndsOnTheUninterruptedAdapter() {
        SsbConfig config = prepared("killed", 1);
        TrainingRuns.assertKilled(
                () ->
                        GrpoStage.run(
                                spark,
                                config,
                                layout(config),
                                false,
                                false,
                                m -> TrainingRuns.killAt(2, m.step())),
                spark,
                config,
                GrpoStage.NAME,
                List.of(GrpoStage.GRPO_METRICS, GrpoStage.ADAPTER));

        StageOutput.Outcome resumed = GrpoStage.run(spark, config, false, true);

        assertThat(resumed.manifest().count("resumed_from_step")).isEqualTo(2);
        TrainingRuns.assertSameTensors(adapter(reference()), adapter(config));
        TrainingRuns.assertSameLosses(metrics(reference()), metrics(config));
    }
}
