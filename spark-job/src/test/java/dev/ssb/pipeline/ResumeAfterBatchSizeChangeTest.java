package dev.ssb.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.spark.SharedSpark;
import dev.ssb.stage.Stage;
import dev.ssb.table.StageOutput;
import dev.ssb.worker.api.ModelWorker;
import dev.ssb.worker.api.ToyData;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After an out-of-memory a user lowers a batch size or the partition count and runs again: complete
 * stages are reused (no "made with a different configuration"), the rest continues, and the stage
 * hashes are unchanged. A change of a result key is still refused. On the embedded toy model with
 * real Spark, on a handful of problems.
 */
class ResumeAfterBatchSizeChangeTest {

    private final SparkSession spark = SharedSpark.session();
    @TempDir Path dir;

    @Test
    void loweringBatchSizesAndPartitionsContinuesInsteadOfFailing() {
        ToyData.writeEmbeddedSplits(dir.resolve("data"), 7, 6, 1, false);
        SsbConfig first =
                SsbConfig.defaults()
                        .with(SsbProperties.MODEL_CHECKPOINT, ModelWorker.EMBEDDED)
                        .with(
                                SsbProperties.DATA_PROBLEMS,
                                dir.resolve("data").resolve(ToyData.TRAIN_FILE).toString())
                        .with(SsbProperties.OUT, dir.resolve("runs").toString())
                        .with(SsbProperties.RUN_ID, "r")
                        .with(SsbProperties.ROLLOUT_SAMPLES, 2)
                        .with(SsbProperties.ROLLOUT_MAX_NEW_TOKENS, 48)
                        .with(SsbProperties.ROLLOUT_BATCH_SIZE, 8)
                        .with(SsbProperties.TEACHER_MAX_NEW_TOKENS, 48);
        assertThat(Stages.run(Stages.INGEST, spark, first, false, false).skipped()).isFalse();
        StageOutput.Outcome rollout = Stages.run(Stages.ROLLOUT, spark, first, false, false);
        assertThat(rollout.skipped()).isFalse();
        assertThat(rollout.manifest().count("rollouts")).isEqualTo(12);

        // the retry after an out-of-memory: smaller batches, more partitions
        SsbConfig lowered =
                first.with(SsbProperties.ROLLOUT_BATCH_SIZE, 1)
                        .with(SsbProperties.TEACHER_BATCH_SIZE, 1)
                        .with(SsbProperties.DATA_PARTITIONS, 3);
        assertThat(lowered.hash()).isEqualTo(first.hash());
        for (Stage stage : List.of(Stages.INGEST, Stages.ROLLOUT)) {
            assertThat(stage.hash(lowered)).as(stage.name()).isEqualTo(stage.hash(first));
            StageOutput.Outcome again = Stages.run(stage, spark, lowered, false, true);
            assertThat(again.skipped()).as(stage.name()).isTrue();
        }
        StageOutput.Outcome curate = Stages.run(Stages.CURATE, spark, lowered, false, true);
        assertThat(curate.skipped()).isFalse();
        assertThat(curate.manifest().count("problems")).isEqualTo(6);
        assertThat(curate.manifest().stageConfigHash()).isEqualTo(Stages.CURATE.hash(first));
        // and back: the stage made with batch size 1 is reused at the default batch size
        assertThat(Stages.run(Stages.CURATE, spark, first, false, false).skipped()).isTrue();

        // a key that changes rows still protects a complete stage
        SsbConfig hotter = lowered.with(SsbProperties.ROLLOUT_TEMPERATURE, 0.5);
        assertThatThrownBy(() -> Stages.run(Stages.ROLLOUT, spark, hotter, false, false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Cannot reuse stage rollout");
    }
}
