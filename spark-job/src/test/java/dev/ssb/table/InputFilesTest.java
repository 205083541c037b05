package dev.ssb.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputFilesTest {

    private final Configuration hadoop = new Configuration();
    @TempDir Path dir;

    @Test
    void aFolderListsItsVisibleFilesWithLengthAndModificationTime() throws Exception {
        Path a = Files.writeString(dir.resolve("a.jsonl"), "abc");
        Files.createDirectories(dir.resolve("sub"));
        Path b = Files.writeString(dir.resolve("sub/b.jsonl"), "hello");
        Files.writeString(dir.resolve("_SUCCESS"), "");
        Files.writeString(dir.resolve(".a.jsonl.crc"), "x");
        Files.setLastModifiedTime(a, FileTime.fromMillis(1_000_000_000_000L));
        Files.setLastModifiedTime(b, FileTime.fromMillis(1_700_000_000_000L));

        SortedMap<String, String> state = InputFiles.of(dir.toString(), hadoop);

        assertThat(state)
                .containsExactly(
                        java.util.Map.entry("file:" + a, "3 bytes, modified 2001-09-09T01:46:40Z"),
                        java.util.Map.entry("file:" + b, "5 bytes, modified 2023-11-14T22:13:20Z"));
        assertThat(InputFiles.of(a.toString(), hadoop)).containsOnlyKeys("file:" + a);
        assertThat(InputFiles.of(dir.resolve("missing").toString(), hadoop)).isEmpty();
    }

    @Test
    void changesNameEveryChangedNewAndMissingFile() {
        SortedMap<String, String> recorded = new TreeMap<>();
        recorded.put("f:/a", "3 bytes, modified t0");
        recorded.put("f:/b", "5 bytes, modified t0");
        SortedMap<String, String> now = new TreeMap<>(recorded);

        assertThat(InputFiles.changes(recorded, now)).isEmpty();

        now.put("f:/a", "3 bytes, modified t1"); // touched counts: contents are not read
        now.remove("f:/b");
        now.put("f:/c", "1 bytes, modified t1");
        assertThat(InputFiles.changes(recorded, now))
                .contains(
                        "f:/a is 3 bytes, modified t1 (was 3 bytes, modified t0);"
                                + " f:/b is gone (was 5 bytes, modified t0);"
                                + " f:/c is new (1 bytes, modified t1)");

        assertThat(InputFiles.changes(new TreeMap<>(), now))
                .as("nothing recorded (an older manifest) is never a change")
                .isEmpty();
    }

    @Test
    void manifestsKeepTheInputFilesAndReadOldOnesWithout() {
        SortedMap<String, String> inputs = new TreeMap<>();
        inputs.put("file:/d/train.jsonl", "31 bytes, modified 2026-12-05T21:30:00Z");
        Manifest m =
                new Manifest(
                        "ingest",
                        "problems",
                        "r",
                        "h",
                        "h",
                        "",
                        java.util.List.of("file:/d/train.jsonl"),
                        java.util.Map.of("problems", 1L),
                        "t0",
                        "t1",
                        0,
                        new TreeMap<>(),
                        new TreeMap<>(),
                        inputs);
        assertThat(Manifest.fromJson(m.toJson())).isEqualTo(m);

        String old = new String(m.toJson(), java.nio.charset.StandardCharsets.UTF_8);
        String withoutInputs = old.replaceAll(",\\s*\"input_files\"\\s*:\\s*\\{[^}]*\\}", "");
        assertThat(withoutInputs).doesNotContain("input_files");
        assertThat(
                        Manifest.fromJson(
                                        withoutInputs.getBytes(
                                                java.nio.charset.StandardCharsets.UTF_8))
                                .inputFiles())
                .isEmpty();
    }
}
