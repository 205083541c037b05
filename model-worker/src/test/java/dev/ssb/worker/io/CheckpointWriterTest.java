package dev.ssb.worker.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointWriterTest {

    @TempDir Path tmp;

    @Test
    void writesACompleteCheckpointWithTokenizerFiles() throws Exception {
        Path source = Files.createDirectory(tmp.resolve("source"));
        Files.writeString(source.resolve("tokenizer.json"), "{\"model\": {}}");
        Files.writeString(source.resolve("tokenizer_config.json"), "{\"chat_template\": \"x\"}");
        Files.writeString(
                source.resolve("generation_config.json"),
                "{\"eos_token_id\": [7, 8], \"top_p\": 0.8}");
        ModelConfig config = TestCheckpoints.tinyQwen2();
        Map<String, HostTensor> w = TestCheckpoints.randomWeights(config, 9);
        Path out = tmp.resolve("out");
        CheckpointWriter.write(
                out, config, TensorSources.of(w), CheckpointWriter.Options.of(Dtype.BF16, source));

        assertThat(out.resolve("tokenizer.json")).hasContent("{\"model\": {}}");
        assertThat(out.resolve("tokenizer_config.json")).hasContent("{\"chat_template\": \"x\"}");
        assertThat(out.resolve("special_tokens_map.json")).doesNotExist();
        assertThat(out.resolve("generation_config.json")).content().contains("\"top_p\": 0.8");
        assertThat(out.resolve("model.safetensors")).exists();
        assertThat(out.resolve("model.safetensors.index.json")).doesNotExist();
        assertThat(Json.read(out.resolve("config.json"), "c").get("torch_dtype").asText())
                .isEqualTo("bfloat16");
        try (CheckpointDirectory c = CheckpointDirectory.open(out)) {
            assertThat(c.config()).isEqualTo(config);
            String name = "model.layers.0.self_attn.q_proj.bias";
            assertThat(c.dtype(name)).isEqualTo(Dtype.BF16);
            float[] want = w.get(name).data();
            float[] got = TestCheckpoints.floats(c.readFloat32(name));
            for (int i = 0; i < want.length; i++) {
                assertThat(Float.floatToIntBits(got[i]))
                        .isEqualTo(HalfFloats.floatToBf16(want[i]) << 16);
            }
        }
    }

    @Test
    void writesGenerationConfigFromTheModelConfigWithoutASource() {
        ModelConfig config = TestCheckpoints.tinyLlama();
        Path out = tmp.resolve("nosrc");
        CheckpointWriter.write(
                out,
                config,
                TensorSources.of(TestCheckpoints.randomWeights(config, 1)),
                CheckpointWriter.Options.of(Dtype.F32, null));
        JsonNode gen = Json.read(out.resolve("generation_config.json"), "g");
        assertThat(gen.get("eos_token_id").asInt()).isEqualTo(2);
        assertThat(gen.get("bos_token_id").asInt()).isEqualTo(1);
        assertThat(out.resolve("tokenizer.json")).doesNotExist();
    }

    @Test
    void shardedIndexListsEveryTensorAndTheTotalSize() {
        ModelConfig config = TestCheckpoints.tinyQwen2();
        Map<String, HostTensor> w = TestCheckpoints.randomWeights(config, 2);
        Path out = tmp.resolve("sharded");
        CheckpointWriter.write(
                out,
                config,
                TensorSources.of(w),
                new CheckpointWriter.Options(Dtype.F16, 1_500, null));
        JsonNode index = Json.read(out.resolve("model.safetensors.index.json"), "i");
        long total = w.values().stream().mapToLong(t -> 2L * t.size()).sum();
        assertThat(index.get("metadata").get("total_size").asLong()).isEqualTo(total);
        JsonNode map = index.get("weight_map");
        TreeSet<String> names = new TreeSet<>();
        TreeSet<String> files = new TreeSet<>();
        map.fields()
                .forEachRemaining(
                        e -> {
                            names.add(e.getKey());
                            files.add(e.getValue().asText());
                        });
        assertThat(names).isEqualTo(new TreeSet<>(w.keySet()));
        int n = files.size();
        assertThat(n).isGreaterThan(2);
        for (int i = 1; i <= n; i++) {
            String file = String.format("model-%05d-of-%05d.safetensors", i, n);
            assertThat(files).contains(file);
            // every shard except one holding a single large tensor respects the limit
            try (SafetensorsFile f = SafetensorsFile.open(out.resolve(file))) {
                long bytes =
                        f.names().stream()
                                .mapToLong(t -> 2L * SafetensorsHeader.numel(f.shape(t)))
                                .sum();
                assertThat(bytes <= 1_500 || f.names().size() == 1).as(file).isTrue();
            }
        }
    }

    @Test
    void rewritingReplacesStaleWeightFiles() throws Exception {
        ModelConfig config = TestCheckpoints.tinyLlama();
        Map<String, HostTensor> w = TestCheckpoints.randomWeights(config, 3);
        Path out = tmp.resolve("re");
        CheckpointWriter.write(
                out,
                config,
                TensorSources.of(w),
                new CheckpointWriter.Options(Dtype.F32, 1_000, null));
        assertThat(out.resolve("model.safetensors.index.json")).exists();
        Map<String, HostTensor> w2 = TestCheckpoints.randomWeights(config, 4);
        CheckpointWriter.write(
                out, config, TensorSources.of(w2), CheckpointWriter.Options.of(Dtype.F32, null));
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(
                            "config.json", "generation_config.json", "model.safetensors");
        }
        try (CheckpointDirectory c = CheckpointDirectory.open(out)) {
            assertThat(TestCheckpoints.floats(c.readFloat32("model.norm.weight")))
                    .isEqualTo(w2.get("model.norm.weight").data());
        }
    }

    @Test
    void refusesWeightsThatDoNotMatchTheConfig() {
        ModelConfig config = TestCheckpoints.tinyLlama();
        Map<String, HostTensor> w = new LinkedHashMap<>(TestCheckpoints.randomWeights(config, 5));
        w.remove("model.norm.weight");
        Path out = tmp.resolve("bad");
        assertThatThrownBy(
                        () ->
                                CheckpointWriter.write(
                                        out,
                                        config,
                                        TensorSources.of(w),
                                        CheckpointWriter.Options.of(Dtype.F32, null)))
                .hasMessage(
                        "Cannot write checkpoint " + out + ": missing tensor model.norm.weight");
        assertThat(out).doesNotExist();
    }
}
