package dev.ssb.worker.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.ModelConfig;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointDirectoryTest {

    @TempDir Path tmp;

    @Test
    void opensASingleFileCheckpoint() {
        ModelConfig config = TestCheckpoints.tinyQwen2();
        Map<String, HostTensor> w = TestCheckpoints.randomWeights(config, 1);
        Path dir = TestCheckpoints.writeSingleFile(tmp.resolve("c"), config, w);
        try (CheckpointDirectory c = CheckpointDirectory.open(dir)) {
            assertThat(c.config()).isEqualTo(config);
            assertThat(c.names()).containsExactlyInAnyOrderElementsOf(w.keySet());
            assertThat(c.names()).doesNotContain("lm_head.weight"); // tied
            assertThat(c.names()).contains("model.layers.1.self_attn.k_proj.bias");
            String name = "model.layers.1.mlp.down_proj.weight";
            assertThat(c.shape(name)).containsExactly(16, 24);
            assertThat(TestCheckpoints.floats(c.readFloat32(name))).isEqualTo(w.get(name).data());
        }
    }

    @Test
    void shardedCheckpointReadsIdenticallyToSingleFile() throws Exception {
        ModelConfig config = TestCheckpoints.tinyLlama();
        Map<String, HostTensor> w = TestCheckpoints.randomWeights(config, 2);
        Path single = TestCheckpoints.writeSingleFile(tmp.resolve("single"), config, w);
        Path sharded = tmp.resolve("sharded");
        CheckpointWriter.write(
                sharded,
                config,
                TensorSources.of(w),
                new CheckpointWriter.Options(Dtype.F32, 2_000, null));
        assertThat(sharded.resolve("model.safetensors")).doesNotExist();
        assertThat(sharded.resolve("model.safetensors.index.json")).exists();
        try (CheckpointDirectory a = CheckpointDirectory.open(single);
                CheckpointDirectory b = CheckpointDirectory.open(sharded)) {
            assertThat(b.files().size()).isGreaterThan(1);
            assertThat(b.files())
                    .containsKey("model-00001-of-0000" + b.files().size() + ".safetensors");
            assertThat(b.names()).isEqualTo(a.names());
            for (String n : a.names()) {
                assertThat(b.shape(n)).isEqualTo(a.shape(n));
                assertThat(TestCheckpoints.floats(b.readFloat32(n)))
                        .as(n)
                        .isEqualTo(TestCheckpoints.floats(a.readFloat32(n)));
            }
        }
    }

    @Test
    void missingShardIsNamed() throws Exception {
        ModelConfig config = TestCheckpoints.tinyLlama();
        Path dir = tmp.resolve("s");
        CheckpointWriter.write(
                dir,
                config,
                TensorSources.of(TestCheckpoints.randomWeights(config, 3)),
                new CheckpointWriter.Options(Dtype.F32, 2_000, null));
        Path shard2;
        try (var files = Files.list(dir)) {
            shard2 =
                    files.filter(p -> p.getFileName().toString().startsWith("model-00002-of-"))
                            .findFirst()
                            .orElseThrow();
        }
        Files.delete(shard2);
        assertThatThrownBy(() -> CheckpointDirectory.open(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Cannot load checkpoint "
                                + dir
                                + ": missing shard "
                                + shard2.getFileName()
                                + " (listed in model.safetensors.index.json)");
    }

    @Test
    void shapeDisagreeingWithTheConfigIsNamed() {
        ModelConfig config = TestCheckpoints.tinyQwen2();
        Map<String, HostTensor> w = new LinkedHashMap<>(TestCheckpoints.randomWeights(config, 4));
        w.put("model.layers.0.self_attn.k_proj.weight", HostTensor.zeros(16, 16));
        Path dir = TestCheckpoints.writeSingleFile(tmp.resolve("bad"), config, w);
        assertThatThrownBy(() -> CheckpointDirectory.open(dir))
                .hasMessage(
                        "Cannot load checkpoint "
                                + dir
                                + ": config.json key num_key_value_heads 2 × head_dim 4 contradicts"
                                + " tensor model.layers.0.self_attn.k_proj.weight"
                                + " of shape [16, 16] (config implies [8, 16])");
    }

    @Test
    void missingTensorIsNamed() {
        ModelConfig config = TestCheckpoints.tinyLlama();
        Map<String, HostTensor> w = new LinkedHashMap<>(TestCheckpoints.randomWeights(config, 5));
        w.remove("lm_head.weight");
        Path dir = TestCheckpoints.writeSingleFile(tmp.resolve("nolm"), config, w);
        assertThatThrownBy(() -> CheckpointDirectory.open(dir))
                .hasMessage(
                        "Cannot load checkpoint "
                                + dir
                                + ": missing tensor lm_head.weight (config.json key"
                                + " tie_word_embeddings false)");
    }

    @Test
    void unsupportedDtypeOfAWeightIsNamedWhenOpening() throws Exception {
        ModelConfig config = TestCheckpoints.tinyLlama();
        Path dir =
                TestCheckpoints.writeSingleFile(
                        tmp.resolve("i8"), config, TestCheckpoints.randomWeights(config, 6));
        // rewrite the file with model.norm.weight stored as I32 (same byte size as F32)
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            assertThat(f.dtype("model.norm.weight")).isEqualTo(Dtype.F32);
        }
        Path file = dir.resolve("model.safetensors");
        byte[] all = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(all).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(0);
        String header = new String(all, 8, (int) n, java.nio.charset.StandardCharsets.UTF_8);
        String patched =
                header.replace(
                        "\"model.norm.weight\":{\"dtype\":\"F32\"",
                        "\"model.norm.weight\":{\"dtype\":\"I32\"");
        assertThat(patched).isNotEqualTo(header).hasSameSizeAs(header);
        System.arraycopy(
                patched.getBytes(java.nio.charset.StandardCharsets.UTF_8), 0, all, 8, (int) n);
        Files.write(file, all);
        assertThatThrownBy(() -> CheckpointDirectory.open(dir))
                .hasMessageStartingWith(
                        "Cannot load checkpoint "
                                + file
                                + ": tensor model.norm.weight has unsupported dtype I32");
    }

    @Test
    void missingWeightsFileIsNamed() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("cfgonly"));
        ConfigJson.write(dir, TestCheckpoints.tinyLlama(), Dtype.F32);
        assertThatThrownBy(() -> CheckpointDirectory.open(dir))
                .hasMessage(
                        "Cannot load checkpoint "
                                + dir
                                + ": neither model.safetensors nor model.safetensors.index.json exists");
    }
}
