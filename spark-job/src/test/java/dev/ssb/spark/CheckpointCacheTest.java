package dev.ssb.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointCacheTest {

    @TempDir Path tmp;

    private Path checkpoint() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("src/Qwen-tiny"));
        Files.writeString(dir.resolve("config.json"), "{\"model_type\":\"qwen2\"}");
        Files.write(dir.resolve("model.safetensors"), new byte[4096]);
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/extra.txt"), "x");
        return dir;
    }

    @Test
    void localPathsAndTheEmbeddedModelAreUsedAsTheyAre() {
        assertThat(CheckpointCache.localPath("embedded:toy")).isEqualTo("embedded:toy");
        assertThat(CheckpointCache.localPath("/models/qwen")).isEqualTo("/models/qwen");
        assertThat(CheckpointCache.isHadoopUri("hdfs://nn:8020/m")).isTrue();
        assertThat(CheckpointCache.isHadoopUri("s3a://bucket/m")).isTrue();
        assertThat(CheckpointCache.isHadoopUri("file:///m")).isTrue();
        assertThat(CheckpointCache.isHadoopUri("fake:toy")).isFalse();
        assertThat(CheckpointCache.localPath("fake:toy")).isEqualTo("fake:toy");
    }

    @Test
    void aUriIsStagedOnceKeepingItsNameAndFetchedAgainWhenItChanges() throws Exception {
        Path src = checkpoint();
        Path root = tmp.resolve("cache");
        String uri = src.toUri().toString();
        int before = CheckpointCache.copies();
        Path first = CheckpointCache.stage(uri, new Configuration(), root);
        assertThat(first.getFileName().toString()).isEqualTo("Qwen-tiny");
        assertThat(first.resolve("model.safetensors")).hasSize(4096);
        assertThat(first.resolve("sub/extra.txt")).hasContent("x");
        assertThat(CheckpointCache.stage(uri, new Configuration(), root)).isEqualTo(first);
        assertThat(CheckpointCache.copies() - before).isEqualTo(1);

        Files.write(src.resolve("model.safetensors"), new byte[8192]);
        Files.setLastModifiedTime(
                src.resolve("model.safetensors"), FileTime.from(Instant.now().plusSeconds(5)));
        Path second = CheckpointCache.stage(uri, new Configuration(), root);
        assertThat(second).isNotEqualTo(first);
        assertThat(second.resolve("model.safetensors")).hasSize(8192);
        assertThat(CheckpointCache.copies() - before).isEqualTo(2);
    }

    @Test
    void concurrentTasksWaitForOneCopy() throws Exception {
        Path src = checkpoint();
        Path root = tmp.resolve("cache");
        int before = CheckpointCache.copies();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Path>> calls = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                calls.add(
                        () ->
                                CheckpointCache.stage(
                                        src.toUri().toString(), new Configuration(), root));
            }
            Set<Path> paths = new HashSet<>();
            for (Future<Path> f : pool.invokeAll(calls)) {
                paths.add(f.get());
            }
            assertThat(paths).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        assertThat(CheckpointCache.copies() - before).isEqualTo(1);
    }

    @Test
    void aMissingOrFlatCheckpointIsRefused() throws Exception {
        Path file = Files.writeString(tmp.resolve("flat.bin"), "x");
        assertThatThrownBy(
                        () ->
                                CheckpointCache.stage(
                                        tmp.resolve("absent").toUri().toString(),
                                        new Configuration(),
                                        tmp.resolve("c")))
                .hasMessageContaining("not found");
        assertThatThrownBy(
                        () ->
                                CheckpointCache.stage(
                                        file.toUri().toString(),
                                        new Configuration(),
                                        tmp.resolve("c")))
                .hasMessageContaining("not a directory");
    }
}
