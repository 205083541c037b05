package dev.ssb.worker.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ssb.worker.api.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigJsonTest {

    @TempDir Path tmp;

    /** The shape of Qwen2.5-3B-Instruct's config.json (values shrunk where irrelevant). */
    static final String QWEN2 =
            """
            {"architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0,
             "bos_token_id": 151643, "eos_token_id": 151645, "hidden_act": "silu",
             "hidden_size": 2048, "initializer_range": 0.02, "intermediate_size": 11008,
             "max_position_embeddings": 32768, "max_window_layers": 70, "model_type": "qwen2",
             "num_attention_heads": 16, "num_hidden_layers": 36, "num_key_value_heads": 2,
             "rms_norm_eps": 1e-06, "rope_theta": 1000000.0, "sliding_window": 32768,
             "tie_word_embeddings": true, "torch_dtype": "bfloat16", "use_cache": true,
             "use_sliding_window": false, "vocab_size": 151936, "rope_scaling": null}
            """;

    static final String QWEN2_GENERATION =
            """
            {"bos_token_id": 151643, "do_sample": true, "eos_token_id": [151645, 151643],
             "temperature": 0.7, "top_p": 0.8}
            """;

    static final String LLAMA =
            """
            {"model_type": "llama", "hidden_size": 64, "intermediate_size": 172,
             "num_hidden_layers": 2, "num_attention_heads": 8, "rms_norm_eps": 1e-05,
             "vocab_size": 320, "max_position_embeddings": 256, "bos_token_id": 1,
             "eos_token_id": 2}
            """;

    @Test
    void parsesQwen2WithBiasTiedEmbeddingsAndEosUnion() {
        ModelConfig c = ConfigJson.parse(QWEN2, QWEN2_GENERATION, "qwen");
        assertThat(c.modelType()).isEqualTo("qwen2");
        assertThat(c.hiddenSize()).isEqualTo(2048);
        assertThat(c.intermediateSize()).isEqualTo(11008);
        assertThat(c.numHiddenLayers()).isEqualTo(36);
        assertThat(c.numAttentionHeads()).isEqualTo(16);
        assertThat(c.numKeyValueHeads()).isEqualTo(2);
        assertThat(c.headDim()).isEqualTo(128);
        assertThat(c.ropeTheta()).isEqualTo(1_000_000.0);
        assertThat(c.rmsNormEps()).isEqualTo(1e-6);
        assertThat(c.vocabSize()).isEqualTo(151936);
        assertThat(c.tieWordEmbeddings()).isTrue();
        assertThat(c.attentionBias()).isTrue();
        assertThat(c.maxPositionEmbeddings()).isEqualTo(32768);
        assertThat(c.bosTokenId()).isEqualTo(151643);
        assertThat(c.eosTokenIds()).containsExactly(151645, 151643);
        // Qwen2.5-3B: 3.09 B parameters
        assertThat(c.parameterCount()).isEqualTo(3_085_938_688L);
    }

    @Test
    void parsesLlamaWithDefaults() {
        ModelConfig c = ConfigJson.parse(LLAMA, null, "llama");
        assertThat(c.attentionBias()).isFalse();
        assertThat(c.tieWordEmbeddings()).isFalse();
        assertThat(c.numKeyValueHeads()).isEqualTo(8);
        assertThat(c.headDim()).isEqualTo(8);
        assertThat(c.ropeTheta()).isEqualTo(10000.0);
        assertThat(c.eosTokenIds()).containsExactly(2);
        assertThat(c.bosTokenId()).isEqualTo(1);
    }

    @Test
    void llamaReadsAttentionBiasAndHeadDim() {
        String json =
                LLAMA.replace(
                        "\"eos_token_id\": 2",
                        "\"eos_token_id\": [2, 3], \"attention_bias\": true, \"head_dim\": 16");
        ModelConfig c = ConfigJson.parse(json, null, "llama");
        assertThat(c.attentionBias()).isTrue();
        assertThat(c.headDim()).isEqualTo(16);
        assertThat(c.eosTokenIds()).containsExactly(2, 3);
    }

    @Test
    void rejectsMissingRequiredKey() {
        String json = LLAMA.replace("\"intermediate_size\": 172,", "");
        assertThatThrownBy(() -> ConfigJson.parse(json, null, "/ckpt/x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Cannot load checkpoint /ckpt/x: config.json is missing key intermediate_size");
    }

    @Test
    void rejectsUnknownModelType() {
        String json = LLAMA.replace("\"llama\"", "\"mistral\"");
        assertThatThrownBy(() -> ConfigJson.parse(json, null, "/ckpt/m"))
                .hasMessage(
                        "Cannot load checkpoint /ckpt/m: config.json key model_type: mistral is not"
                                + " supported (supported: qwen2, qwen3, llama)");
    }

    @Test
    void rejectsRopeScalingAndWrongTypes() {
        String scaled =
                LLAMA.replace(
                        "\"eos_token_id\": 2",
                        "\"eos_token_id\": 2, \"rope_scaling\": {\"rope_type\": \"llama3\"}");
        assertThatThrownBy(() -> ConfigJson.parse(scaled, null, "c"))
                .hasMessage(
                        "Cannot load checkpoint c: config.json key rope_scaling.factor is missing");
        String typed = LLAMA.replace("\"hidden_size\": 64", "\"hidden_size\": \"64\"");
        assertThatThrownBy(() -> ConfigJson.parse(typed, null, "c"))
                .hasMessage(
                        "Cannot load checkpoint c: config.json key hidden_size has invalid value \"64\"");
        String zero = LLAMA.replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 0");
        assertThatThrownBy(() -> ConfigJson.parse(zero, null, "c"))
                .hasMessage("Cannot load checkpoint c: Invalid num_hidden_layers: 0 (must be > 0)");
    }

    @Test
    void readsFromADirectoryAndNamesAMissingConfig() throws Exception {
        Files.writeString(tmp.resolve("config.json"), QWEN2);
        Files.writeString(tmp.resolve("generation_config.json"), QWEN2_GENERATION);
        assertThat(ConfigJson.read(tmp).eosTokenIds()).containsExactly(151645, 151643);
        Path empty = Files.createDirectory(tmp.resolve("empty"));
        assertThatThrownBy(() -> ConfigJson.read(empty))
                .hasMessage("Cannot load checkpoint " + empty + ": missing file config.json");
    }

    @Test
    void writtenConfigReadsBackEqual() throws Exception {
        for (ModelConfig c :
                new ModelConfig[] {
                    TestCheckpoints.tinyQwen2(),
                    TestCheckpoints.tinyLlama(),
                    ConfigJson.parse(QWEN2, QWEN2_GENERATION, "q")
                }) {
            Path dir = Files.createTempDirectory(tmp, "w");
            ConfigJson.write(dir, c, Dtype.BF16);
            assertThat(ConfigJson.read(dir)).isEqualTo(c);
        }
    }

    @Test
    void writesHuggingFaceFieldNames() {
        JsonNode q = Json.parse(ConfigJson.toJson(TestCheckpoints.tinyQwen2(), Dtype.BF16), "q");
        assertThat(q.get("architectures").get(0).asText()).isEqualTo("Qwen2ForCausalLM");
        assertThat(q.get("torch_dtype").asText()).isEqualTo("bfloat16");
        assertThat(q.get("tie_word_embeddings").asBoolean()).isTrue();
        assertThat(q.get("eos_token_id").isArray()).isTrue();
        assertThat(q.get("bos_token_id").isNull()).isTrue();
        assertThat(q.get("num_key_value_heads").asInt()).isEqualTo(2);
        JsonNode l = Json.parse(ConfigJson.toJson(TestCheckpoints.tinyLlama(), Dtype.F32), "l");
        assertThat(l.get("architectures").get(0).asText()).isEqualTo("LlamaForCausalLM");
        assertThat(l.get("attention_bias").asBoolean()).isFalse();
        assertThat(l.get("eos_token_id").asInt()).isEqualTo(2);
        assertThat(l.get("torch_dtype").asText()).isEqualTo("float32");
    }
}
