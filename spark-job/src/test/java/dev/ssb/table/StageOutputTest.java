package dev.ssb.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssb.config.SsbConfig;
import dev.ssb.spark.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageOutputTest {

    private final SparkSession spark = SharedSpark.session();
    private final SsbConfig config = SsbConfig.defaults();
    @TempDir Path out;

    private StageOutput stage() {
        return new StageOutput(
                spark, new RunLayout(out.toString(), "r1"), "demo", List.of("left", "right"));
    }

    private StageOutput.Body writes(long left, long right, AtomicInteger calls) {
        return o -> {
            calls.incrementAndGet();
            long l = o.writeTable("left", spark.range(left).toDF("x"));
            long r = o.writeTable("right", spark.range(right).toDF("y"));
            return new StageOutput.Result(List.of("in"), "", Map.of("left", l, "right", r));
        };
    }

    @Test
    void secondRunIsANoOpAndForceRedoes() {
        AtomicInteger calls = new AtomicInteger();
        StageOutput.Outcome first = stage().run(config, "h", false, writes(3, 2, calls));
        assertThat(first.skipped()).isFalse();
        assertThat(first.manifest().counts()).containsEntry("left", 3L).containsEntry("right", 2L);
        assertThat(stage().isComplete()).isTrue();

        StageOutput.Outcome again = stage().run(config, "h", false, writes(7, 7, calls));
        assertThat(again.skipped()).isTrue();
        assertThat(calls).hasValue(1);
        assertThat(spark.read().parquet(out.resolve("r1/left").toString()).count()).isEqualTo(3);

        StageOutput.Outcome forced = stage().run(config, "h", true, writes(5, 1, calls));
        assertThat(forced.skipped()).isFalse();
        assertThat(calls).hasValue(2);
        assertThat(spark.read().parquet(out.resolve("r1/left").toString()).count()).isEqualTo(5);
        assertThat(stage().manifest("right").orElseThrow().count("right")).isEqualTo(1);
    }

    @Test
    void manifestRecordsProvenanceAndIsWrittenInsideTheTable() throws Exception {
        stage().run(config, "stagehash", false, writes(2, 2, new AtomicInteger()));
        Path file = out.resolve("r1/left/" + RunLayout.MANIFEST);
        Manifest m = Manifest.fromJson(Files.readAllBytes(file));
        assertThat(m.stage()).isEqualTo("demo");
        assertThat(m.table()).isEqualTo("left");
        assertThat(m.runId()).isEqualTo("r1");
        assertThat(m.configHash()).isEqualTo(config.hash());
        assertThat(m.stageConfigHash()).isEqualTo("stagehash");
        assertThat(m.inputs()).containsExactly("in");
        assertThat(m.config()).isEqualTo(config.values());
        assertThat(Files.readString(file)).contains("\"config_hash\"", "\"duration_ms\"");
        try (var files = Files.list(out.resolve("r1/left"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.startsWith("_tmp-") || n.endsWith(".tmp"));
        }
    }

    @Test
    void stageWithAMissingOrUnreadableManifestIsNotComplete() throws Exception {
        stage().run(config, "h", false, writes(2, 2, new AtomicInteger()));
        Files.delete(out.resolve("r1/right/" + RunLayout.MANIFEST));
        assertThat(stage().isComplete()).isFalse();

        AtomicInteger calls = new AtomicInteger();
        stage().run(config, "h", false, writes(4, 4, calls));
        assertThat(calls).hasValue(1);
        assertThat(stage().isComplete()).isTrue();

        Files.writeString(out.resolve("r1/left/" + RunLayout.MANIFEST), "{\"stage\": \"de");
        assertThat(stage().isComplete()).isFalse();
    }

    @Test
    void crashedRunLeavesTheStageIncomplete() {
        stage().run(config, "h", false, writes(2, 2, new AtomicInteger()));
        StageOutput.Body crashes =
                o -> {
                    o.writeTable("left", spark.range(9).toDF("x"));
                    throw new IllegalStateException("executor lost");
                };
        assertThatThrownBy(() -> stage().run(config, "h", true, crashes))
                .hasMessage("executor lost");
        assertThat(stage().isComplete()).isFalse();
        assertThat(
                        new RunLayout(out.toString(), "r1")
                                .isComplete("right", new org.apache.hadoop.conf.Configuration()))
                .as("the untouched table's manifest was dropped too")
                .isFalse();
    }

    @Test
    void refusesToReuseAStageMadeWithOtherSettings() {
        stage().run(config, "old", false, writes(1, 1, new AtomicInteger()));
        assertThatThrownBy(
                        () -> stage().run(config, "new", false, writes(1, 1, new AtomicInteger())))
                .hasMessageContaining("Cannot reuse stage demo of run r1")
                .hasMessageContaining("old")
                .hasMessageContaining("--force");
    }

    @Test
    void rejectsBadRunIds() {
        assertThatThrownBy(() -> new RunLayout("runs", "../x"))
                .hasMessageStartingWith("Invalid run_id: ../x");
    }
}
