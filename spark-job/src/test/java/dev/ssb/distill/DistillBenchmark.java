package dev.ssb.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.spark.ExecutorModels;
import dev.ssb.spark.SharedSpark;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.GradientResult;
import dev.ssb.worker.api.KdExample;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LossConfig;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step time of the stage against the bare gradient computation on the same batches, for 1 and 2
 * shards in local[2]: the difference is the coordination cost per step (job, broadcast,
 * serialization, AdamW on the driver). Opt-in with {@code -Dssb.bench=true}.
 */
class DistillBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(DistillBenchmark.class);

    @TempDir Path tmp;

    @Test
    void stepTimeAgainstBareGradients() {
        assumeTrue(Boolean.getBoolean("ssb.bench"), "benchmark: run with -Dssb.bench=true");
        SparkSession spark = SharedSpark.session();
        Path model = TinyTeacherRun.writeCheckpoint(tmp.resolve("bench-qwen"), 128, 4);
        SsbConfig base =
                TinyTeacherRun.config(tmp.resolve("runs"), "w1", model)
                        .with(SsbProperties.DISTILL_LORA_RANK, 16)
                        .with(SsbProperties.DISTILL_LORA_ALPHA, 32)
                        .with(SsbProperties.DISTILL_EPOCHS, 2)
                        .with(SsbProperties.DISTILL_CHECKPOINT_EVERY, 1000)
                        .with(SsbProperties.DISTILL_LOG_EVERY, 4);
        for (int workers : new int[] {0, 1, 2}) { // 0: warm-up run (JIT, natives), not reported
            SsbConfig config =
                    base.with(SsbProperties.RUN_ID, "w" + workers)
                            .with(SsbProperties.DISTILL_WORKERS, Math.max(1, workers));
            TinyTeacherRun.writeTeacherLogits(spark, config, 16, 20);
            DistillStage.run(spark, config, false, false);
            List<Row> rows =
                    spark.read()
                            .parquet(tmp.resolve("runs/w" + workers + "/train_metrics").toString())
                            .orderBy("step")
                            .collectAsList();
            double ms =
                    rows.stream()
                            .skip(1)
                            .mapToLong(r -> r.<Long>getAs("step_ms"))
                            .average()
                            .orElseThrow();
            double tokens =
                    rows.stream()
                            .skip(1)
                            .mapToLong(r -> r.<Long>getAs("tokens"))
                            .average()
                            .orElseThrow();
            if (workers == 0) {
                continue;
            }
            LOG.info(
                    "distill bench: {} shard(s), {} steps, {} reply tokens/step: {} ms/step, {} tokens/s",
                    workers,
                    rows.size(),
                    String.format("%.0f", tokens),
                    String.format("%.1f", ms),
                    String.format("%.0f", tokens / ms * 1000));
            assertThat(rows).hasSize(8);
        }
        // the bare work of one step: gradients of a 4-example batch on the resident model
        List<TrainExample> data =
                spark
                        .read()
                        .parquet(tmp.resolve("runs/w1/teacher_logits").toString())
                        .orderBy("problem_id")
                        .collectAsList()
                        .stream()
                        .map(TrainExample::fromRow)
                        .toList();
        List<KdExample> batch = data.subList(0, 4).stream().map(TrainExample::toKdExample).toList();
        double bare =
                ExecutorModels.withModel(
                        model.toString(),
                        Device.cpu(),
                        m -> {
                            m.setAdapter(
                                    LoraAdapter.initialize(
                                            DistillSettings.from(base).lora(), m.config(), 1));
                            GradientResult warm = m.computeGradients(batch, LossConfig.paper());
                            long t0 = System.nanoTime();
                            for (int i = 0; i < 5; i++) {
                                m.computeGradients(batch, LossConfig.paper());
                            }
                            m.setAdapter(null);
                            return (System.nanoTime() - t0) / 1e6 / 5;
                        });
        LOG.info(
                "distill bench: bare computeGradients of 4 examples: {} ms",
                String.format("%.1f", bare));
    }
}
