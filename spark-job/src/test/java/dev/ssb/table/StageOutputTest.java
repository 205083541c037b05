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
    void aFailedForcedRewriteKeepsTheCommittedTables() throws Exception {
        stage().run(config, "h", false, writes(3, 2, new AtomicInteger()));
        StageOutput.Body crashes =
                o -> {
                    o.writeTable("left", spark.range(9).toDF("x"));
                    throw new IllegalStateException("executor lost");
                };
        assertThatThrownBy(() -> stage().run(config, "h", true, crashes))
                .hasMessage("executor lost");
        assertThat(stage().isComplete()).isTrue();
        assertThat(spark.read().parquet(out.resolve("r1/left").toString()).count()).isEqualTo(3);
        assertThat(spark.read().parquet(out.resolve("r1/right").toString()).count()).isEqualTo(2);
        assertThat(stage().manifest("left").orElseThrow().count("left")).isEqualTo(3);
        try (var files = Files.list(out.resolve("r1"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.startsWith(StageOutput.PREVIOUS_PREFIX))
                    .doesNotContain(RunLock.FILE);
        }
    }

    @Test
    void whatADeadWriterLeftAsideIsPutBack() throws Exception {
        stage().run(config, "h", false, writes(3, 2, new AtomicInteger()));
        // the state a process killed in the middle of a forced rewrite of "left" leaves behind
        Path aside = Files.createDirectories(out.resolve("r1/_previous-dead/left"));
        try (var files = Files.list(out.resolve("r1/left"))) {
            for (Path f : files.toList()) {
                Files.move(f, aside.resolve(f.getFileName()));
            }
        }
        Files.writeString(out.resolve("r1/left/part-new.parquet"), "half written");
        assertThat(stage().isComplete()).isFalse();

        AtomicInteger calls = new AtomicInteger();
        StageOutput.Outcome again = stage().run(config, "h", false, writes(7, 7, calls));
        assertThat(again.skipped()).as("the previous version was restored, complete").isTrue();
        assertThat(calls).hasValue(0);
        assertThat(spark.read().parquet(out.resolve("r1/left").toString()).count()).isEqualTo(3);
        assertThat(out.resolve("r1/_previous-dead")).doesNotExist();
    }

    @Test
    void aTruncatedPartFileMakesTheTableIncompleteNamingIt() throws Exception {
        stage().run(config, "h", false, writes(50, 2, new AtomicInteger()));
        RunLayout layout = new RunLayout(out.toString(), "r1");
        var hadoop = new org.apache.hadoop.conf.Configuration();
        Manifest m = layout.manifest("left", hadoop).orElseThrow();
        assertThat(m.files())
                .isNotEmpty()
                .allSatisfy((name, size) -> assertThat(size).isPositive());
        assertThat(m.files().keySet()).allMatch(n -> n.endsWith(".parquet"));
        String part = m.files().firstKey();
        Path file = out.resolve("r1/left").resolve(part);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));

        assertThat(layout.incompleteReason("left", hadoop))
                .hasValue(
                        part
                                + " is "
                                + bytes.length / 2
                                + " bytes, its manifest says "
                                + bytes.length
                                + " (truncated or replaced)");
        assertThat(stage().isComplete()).isFalse();
        assertThat(layout.manifest("left", hadoop)).isEmpty();
        var runDir = new org.apache.hadoop.fs.Path(out.resolve("r1").toString());
        assertThat(RunTables.discover(runDir, hadoop)).containsOnlyKeys("right");
        assertThat(RunTables.incomplete(runDir, hadoop)).containsOnlyKeys("left");
        Files.delete(file);
        assertThat(layout.incompleteReason("left", hadoop))
                .hasValue(part + " is missing (listed in its manifest)");
    }

    @Test
    void aSecondWriterFailsNamingTheOwner() throws Exception {
        Path lease = Files.createDirectories(out.resolve("r1")).resolve(RunLock.FILE);
        Files.writeString(
                lease,
                "{\"owner\":\"alice pid 4242\",\"host\":\"node7\","
                        + "\"started\":\"2026-12-04T10:00:00Z\",\"purpose\":\"stage rollout\"}");
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> stage().run(config, "h", false, writes(1, 1, calls)))
                .hasMessageContaining("Cannot write run")
                .hasMessageContaining(
                        "being written by alice pid 4242 on node7 since 2026-12-04T10:00:00Z"
                                + " (stage rollout)")
                .hasMessageContaining("10 min");
        assertThat(calls).hasValue(0);
        assertThat(lease).exists();
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
