package dev.ssb.distill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssb.config.SsbConfig;
import dev.ssb.table.RunLayout;
import dev.ssb.table.StageOutput;
import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.LoraAdapter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/**
 * What the tests of the training stages (distill, GRPO) read back from a run and assert about it:
 * the per-step metrics, the adapter, and a run killed mid-stage.
 */
public final class TrainingRuns {

    private static final String KILLED = "killed";

    private TrainingRuns() {}

    /** The run folder of {@code config}. */
    public static RunLayout layout(SsbConfig config) {
        return new RunLayout(config.out(), config.runId());
    }

    /** The rows of a per-step metrics table, in step order. */
    public static List<Row> metrics(SparkSession spark, SsbConfig config, String table) {
        return spark.read()
                .parquet(layout(config).tablePath(table).toString())
                .orderBy("step")
                .collectAsList();
    }

    /** The adapter a training stage committed as {@code table}. */
    public static LoraAdapter adapter(SsbConfig config, String table) {
        return LoraAdapter.load(Path.of(layout(config).tablePath(table).toString()));
    }

    /**
     * A step listener's body that stands for a killed driver: it throws when the stage reports step
     * {@code at}.
     */
    public static void killAt(int at, int step) {
        if (step == at) {
            throw new IllegalStateException(KILLED);
        }
    }

    /**
     * Runs a stage whose step listener is {@link #killAt}, and asserts that it was killed and left
     * its outputs uncommitted.
     */
    public static void assertKilled(
            ThrowingCallable stage,
            SparkSession spark,
            SsbConfig config,
            String stageName,
            List<String> tables) {
        assertThatThrownBy(stage).hasMessage(KILLED);
        assertThat(new StageOutput(spark, layout(config), stageName, tables).isComplete())
                .as("%s committed after a kill", stageName)
                .isFalse();
    }

    /** Asserts that two adapters hold the same tensors, bit for bit. */
    public static void assertSameTensors(LoraAdapter expected, LoraAdapter actual) {
        Map<String, HostTensor> want = expected.tensors();
        Map<String, HostTensor> got = actual.tensors();
        assertThat(got.keySet()).isEqualTo(want.keySet());
        want.forEach(
                (name, t) -> assertThat(got.get(name).data()).as(name).containsExactly(t.data()));
    }

    /** Asserts that two metrics tables have the same losses, step for step. */
    public static void assertSameLosses(List<Row> expected, List<Row> actual) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertThat(actual.get(i).<Integer>getAs("step")).isEqualTo(i + 1);
            assertThat(actual.get(i).<Double>getAs("loss"))
                    .as("step %s", i + 1)
                    .isEqualTo(expected.get(i).<Double>getAs("loss"));
        }
    }
}
