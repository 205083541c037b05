package dev.ssb.worker.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LoraConfig;
import dev.ssb.worker.api.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeftAdaptersTest {

    @TempDir Path tmp;

    private static final ModelConfig MODEL = TestCheckpoints.tinyQwen2();

    private static LoraAdapter trained(LoraConfig lora, long seed) {
        // B != 0 so that a save/load bug in B would show
        LoraAdapter a = LoraAdapter.initialize(lora, MODEL, seed);
        Map<String, HostTensor> t = new TreeMap<>(a.tensors());
        t.replaceAll(
                (k, v) -> {
                    float[] d = v.data().clone();
                    for (int i = 0; i < d.length; i++) {
                        d[i] += 0.001f * (i % 7) - 0.002f;
                    }
                    return new HostTensor(v.shape(), d);
                });
        return new LoraAdapter(lora, t);
    }

    @Test
    void initializesAsPeftDoes() {
        LoraConfig lora = new LoraConfig(4, 8f, LoraConfig.ALL_MODULES);
        LoraAdapter a = LoraAdapter.initialize(lora, MODEL, 7);
        // 2 layers x 7 modules x (A, B)
        assertThat(a.tensors()).hasSize(28);
        HostTensor qa =
                a.tensors().get("base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight");
        HostTensor qb =
                a.tensors().get("base_model.model.model.layers.1.self_attn.q_proj.lora_B.weight");
        HostTensor da =
                a.tensors().get("base_model.model.model.layers.0.mlp.down_proj.lora_A.weight");
        HostTensor kb =
                a.tensors().get("base_model.model.model.layers.0.self_attn.k_proj.lora_B.weight");
        assertThat(qa.shape()).containsExactly(4, 16);
        assertThat(qb.shape()).containsExactly(16, 4);
        assertThat(da.shape()).containsExactly(4, 24);
        assertThat(kb.shape()).containsExactly(8, 4);
        assertThat(qb.data()).containsOnly(0f);
        assertBoundedAndSpread(qa.data(), 1 / Math.sqrt(16));
        assertBoundedAndSpread(da.data(), 1 / Math.sqrt(24));
        // deterministic per seed, independent of the target-module order
        LoraAdapter same =
                LoraAdapter.initialize(
                        new LoraConfig(4, 8f, List.of("down_proj", "q_proj")), MODEL, 7);
        assertThat(
                        same.tensors()
                                .get("base_model.model.model.layers.0.mlp.down_proj.lora_A.weight")
                                .data())
                .isEqualTo(da.data());
        LoraAdapter other = LoraAdapter.initialize(lora, MODEL, 8);
        assertThat(
                        other.tensors()
                                .get(
                                        "base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight")
                                .data())
                .isNotEqualTo(qa.data());
    }

    private static void assertBoundedAndSpread(float[] d, double bound) {
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (float v : d) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertThat(max).isLessThanOrEqualTo(bound);
        assertThat(min).isGreaterThanOrEqualTo(-bound);
        // 64+ uniform draws: the extremes are near the bounds
        assertThat(max).isGreaterThan(0.8 * bound);
        assertThat(min).isLessThan(-0.8 * bound);
    }

    @Test
    void saveThenLoadGivesTheSameAdapter() {
        LoraConfig lora = new LoraConfig(4, 8f, List.of("q_proj", "v_proj", "down_proj"));
        LoraAdapter a = trained(lora, 1);
        Path dir = tmp.resolve("adapter");
        a.save(dir, "Qwen/Qwen2.5-3B-Instruct");
        for (LoraAdapter b : List.of(LoraAdapter.load(dir), LoraAdapter.load(dir, MODEL))) {
            assertThat(b.config()).isEqualTo(lora);
            assertThat(b.tensors().keySet()).isEqualTo(a.tensors().keySet());
            a.tensors()
                    .forEach(
                            (k, v) -> {
                                assertThat(b.tensors().get(k).shape()).as(k).isEqualTo(v.shape());
                                assertThat(b.tensors().get(k).data()).as(k).isEqualTo(v.data());
                            });
        }
    }

    @Test
    void writesPeftAdapterConfigAndKeys() throws Exception {
        LoraConfig lora = new LoraConfig(4, 8f, List.of("q_proj", "gate_proj"));
        Path dir = tmp.resolve("a");
        trained(lora, 2).save(dir, "Qwen/Qwen2.5-3B-Instruct");
        JsonNode c = Json.read(dir.resolve("adapter_config.json"), "adapter_config");
        assertThat(c.get("peft_type").asText()).isEqualTo("LORA");
        assertThat(c.get("task_type").asText()).isEqualTo("CAUSAL_LM");
        assertThat(c.get("r").isInt()).isTrue();
        assertThat(c.get("r").asInt()).isEqualTo(4);
        assertThat(c.get("lora_alpha").isInt()).isTrue();
        assertThat(c.get("lora_alpha").asInt()).isEqualTo(8);
        assertThat(c.get("target_modules"))
                .extracting(JsonNode::asText)
                .containsExactly("q_proj", "gate_proj");
        assertThat(c.get("lora_dropout").asDouble()).isEqualTo(0.0);
        assertThat(c.get("bias").asText()).isEqualTo("none");
        assertThat(c.get("fan_in_fan_out").asBoolean()).isFalse();
        assertThat(c.get("base_model_name_or_path").asText()).isEqualTo("Qwen/Qwen2.5-3B-Instruct");
        assertThat(c.get("inference_mode").asBoolean()).isTrue();
        assertThat(c.get("use_rslora").asBoolean()).isFalse();
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("adapter_model.safetensors"))) {
            assertThat(f.metadata()).containsEntry("format", "pt");
            assertThat(f.names())
                    .containsExactlyInAnyOrder(
                            "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
                            "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight",
                            "base_model.model.model.layers.0.mlp.gate_proj.lora_A.weight",
                            "base_model.model.model.layers.0.mlp.gate_proj.lora_B.weight",
                            "base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight",
                            "base_model.model.model.layers.1.self_attn.q_proj.lora_B.weight",
                            "base_model.model.model.layers.1.mlp.gate_proj.lora_A.weight",
                            "base_model.model.model.layers.1.mlp.gate_proj.lora_B.weight");
            assertThat(f.shape("base_model.model.model.layers.1.mlp.gate_proj.lora_B.weight"))
                    .containsExactly(24, 4);
        }
        assertThat(PeftAdapters.configJson(new LoraConfig(4, 2.5f, List.of("q_proj")), null))
                .contains("\"lora_alpha\" : 2.5")
                .contains("\"base_model_name_or_path\" : null");
    }

    @Test
    void loadingAgainstTheModelNamesAMissingKey() throws Exception {
        LoraConfig lora = new LoraConfig(4, 8f, List.of("q_proj", "v_proj"));
        Path dir = tmp.resolve("m");
        trained(lora, 3).save(dir);
        // an adapter for a 1-layer model: layer 1 is missing for the 2-layer base
        ModelConfig one =
                new ModelConfig(
                        "qwen2", 16, 24, 1, 4, 2, 4, 1e6, 1e-6, 40, true, true, 64, -1, List.of(7));
        Path dirOne = tmp.resolve("one");
        PeftAdapters.save(PeftAdapters.initialize(lora, one, 1), dirOne, null);
        assertThatThrownBy(() -> LoraAdapter.load(dirOne, MODEL))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Cannot load adapter "
                                + dirOne
                                + ": missing key base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight");
    }

    @Test
    void loadingChecksShapesAgainstTheModel() {
        LoraConfig lora = new LoraConfig(4, 8f, List.of("k_proj"));
        ModelConfig wider =
                new ModelConfig(
                        "qwen2", 16, 24, 2, 4, 4, 4, 1e6, 1e-6, 40, true, true, 64, -1, List.of(7));
        Path dir = tmp.resolve("w");
        PeftAdapters.save(PeftAdapters.initialize(lora, wider, 1), dir, null);
        assertThat(LoraAdapter.load(dir).tensors()).hasSize(4); // consistent on its own
        assertThatThrownBy(() -> LoraAdapter.load(dir, MODEL))
                .hasMessage(
                        "Cannot load adapter "
                                + dir
                                + ": tensor base_model.model.model.layers.0.self_attn.k_proj.lora_B.weight"
                                + " has shape [16, 4], config implies [8, 4]");
    }

    @Test
    void loadingChecksTheRankAndUnsupportedSettings() throws Exception {
        LoraConfig lora = new LoraConfig(4, 8f, List.of("q_proj"));
        Path dir = tmp.resolve("r");
        trained(lora, 4).save(dir);
        Path cfg = dir.resolve("adapter_config.json");
        String text = Files.readString(cfg);
        Files.writeString(cfg, text.replace("\"r\" : 4", "\"r\" : 8"));
        assertThatThrownBy(() -> LoraAdapter.load(dir))
                .hasMessageStartingWith(
                        "Cannot load adapter "
                                + dir
                                + ": base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight is [4, 16]");
        assertThatThrownBy(() -> LoraAdapter.load(dir, MODEL))
                .hasMessageContaining("has shape [4, 16], config implies [8, 16]");
        Files.writeString(cfg, text.replace("\"use_rslora\" : false", "\"use_rslora\" : true"));
        assertThatThrownBy(() -> LoraAdapter.load(dir))
                .hasMessage("Cannot load adapter " + dir + ": use_rslora true is not supported");
        Files.writeString(
                cfg,
                text.replace(
                        "\"target_modules\" : [ \"q_proj\" ]",
                        "\"target_modules\" : \"all-linear\""));
        assertThatThrownBy(() -> LoraAdapter.load(dir))
                .hasMessageContaining("target_modules \"all-linear\" is not supported");
        Files.delete(cfg);
        assertThatThrownBy(() -> LoraAdapter.load(dir))
                .hasMessage("Cannot load adapter " + dir + ": missing file adapter_config.json");
    }

    @Test
    void loadingRejectsTensorsOfOtherModules() {
        LoraConfig both = new LoraConfig(4, 8f, List.of("q_proj", "v_proj"));
        Path dir = tmp.resolve("x");
        trained(both, 5).save(dir);
        // claim only q_proj: the v_proj tensors are unexpected
        Json.write(
                dir.resolve("adapter_config.json"),
                PeftAdapters.configJson(new LoraConfig(4, 8f, List.of("q_proj")), null));
        assertThatThrownBy(() -> LoraAdapter.load(dir))
                .hasMessage(
                        "Cannot load adapter "
                                + dir
                                + ": unexpected tensor base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight");
    }
}
