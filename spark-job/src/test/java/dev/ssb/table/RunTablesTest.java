package dev.ssb.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunTablesTest {

    @TempDir Path run;

    @Test
    void viewNamesDropSamplesAndReplaceSeparators() {
        assertThat(RunTables.viewName("problems")).isEqualTo("problems");
        assertThat(RunTables.viewName("eval/samples")).isEqualTo("eval");
        assertThat(RunTables.viewName("eval-math500/samples")).isEqualTo("eval_math500");
        assertThat(RunTables.viewName("distill/steps")).isEqualTo("distill_steps");
    }

    @Test
    void onlyFoldersWithAManifestAndParquetAreTables() throws Exception {
        table("problems", true, true);
        table("rollouts", false, true); // crashed write: no manifest
        table("adapter", true, false); // committed, but not Parquet
        table("eval/samples", true, true);
        table("_tmp/x", true, true); // hidden
        Map<String, org.apache.hadoop.fs.Path> views =
                RunTables.discover(
                        new org.apache.hadoop.fs.Path(run.toString()), new Configuration());
        assertThat(views).containsOnlyKeys("eval", "problems");
        assertThat(views.get("eval").toUri().getPath())
                .isEqualTo(run.resolve("eval/samples").toString());
    }

    @Test
    void aMissingRunFolderIsAnError() {
        org.apache.hadoop.fs.Path missing =
                new org.apache.hadoop.fs.Path(run.resolve("nope").toString());
        assertThatThrownBy(() -> RunTables.discover(missing, new Configuration()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Cannot query run " + missing + ": not a folder");
    }

    private void table(String relative, boolean manifest, boolean parquet) throws Exception {
        Path dir = Files.createDirectories(run.resolve(relative));
        java.util.SortedMap<String, Long> files = new java.util.TreeMap<>();
        if (parquet) {
            Files.writeString(dir.resolve("part-00000.snappy.parquet"), "");
            files.put("part-00000.snappy.parquet", 0L);
        }
        if (manifest) {
            Manifest m =
                    new Manifest(
                            "s",
                            relative,
                            "r",
                            "h",
                            "h",
                            "",
                            java.util.List.of(),
                            Map.of(),
                            "t0",
                            "t1",
                            0,
                            new java.util.TreeMap<>(),
                            files,
                            new java.util.TreeMap<>());
            Files.write(dir.resolve(RunLayout.MANIFEST), m.toJson());
        }
    }
}
