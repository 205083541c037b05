package dev.ssb.worker.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssb.worker.api.GenerationDefaults;
import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.api.RopeScaling;
import dev.ssb.worker.api.SamplingParams;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Qwen3 and Llama 3.x configs, both rope forms, refused keys and generation defaults. */
class ConfigJsonModelsTest {

    /** Qwen3-0.6B's config.json (transformers 4 form). */
    static final String QWEN3 =
            """
            {"architectures": ["Qwen3ForCausalLM"], "attention_bias": false,
             "attention_dropout": 0.0, "bos_token_id": 151643, "eos_token_id": 151645,
             "head_dim": 128, "hidden_act": "silu", "hidden_size": 1024,
             "initializer_range": 0.02, "intermediate_size": 3072,
             "max_position_embeddings": 40960, "max_window_layers": 28, "model_type": "qwen3",
             "num_attention_heads": 16, "num_hidden_layers": 28, "num_key_value_heads": 8,
             "rms_norm_eps": 1e-06, "rope_scaling": null, "rope_theta": 1000000,
             "sliding_window": null, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
             "transformers_version": "4.51.0", "use_cache": true, "use_sliding_window": false,
             "vocab_size": 151936}
            """;

    /** Llama-3.2-1B-Instruct's config.json (transformers 4 form). */
    static final String LLAMA32 =
            """
            {"architectures": ["LlamaForCausalLM"], "attention_bias": false,
             "attention_dropout": 0.0, "bos_token_id": 128000,
             "eos_token_id": [128001, 128008, 128009], "head_dim": 64, "hidden_act": "silu",
             "hidden_size": 2048, "initializer_range": 0.02, "intermediate_size": 8192,
             "max_position_embeddings": 131072, "mlp_bias": false, "model_type": "llama",
             "num_attention_heads": 32, "num_hidden_layers": 16, "num_key_value_heads": 8,
             "pretraining_tp": 1, "rms_norm_eps": 1e-05,
             "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
               "original_max_position_embeddings": 8192, "rope_type": "llama3"},
             "rope_theta": 500000.0, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
             "use_cache": true, "vocab_size": 128256}
            """;

    /** The same model as saved by transformers 5: rope_parameters holds rope_theta too. */
    static final String LLAMA32_V5 =
            LLAMA32.replace(
                            "\"rope_scaling\": {\"factor\": 32.0,",
                            "\"rope_parameters\": {\"rope_theta\": 500000.0, \"factor\": 32.0,")
                    .replace("\"rope_theta\": 500000.0, \"tie", "\"tie");

    @Test
    void parsesQwen3WithIndependentHeadDimAndNoBias() {
        ModelConfig c = ConfigJson.parse(QWEN3, null, "q3");
        assertThat(c.modelType()).isEqualTo("qwen3");
        assertThat(c.headDim()).isEqualTo(128);
        assertThat(c.hiddenSize()).isEqualTo(1024);
        assertThat(c.numAttentionHeads()).isEqualTo(16);
        assertThat(c.attentionBias()).isFalse();
        assertThat(c.qkNorm()).isTrue();
        assertThat(c.ropeScaling()).isEqualTo(RopeScaling.NONE);
        // Qwen3-0.6B has 596,049,920 parameters (751,632,384 with the embedding counted twice)
        assertThat(c.parameterCount()).isEqualTo(596_049_920L);
    }

    @Test
    void llama32InBothFormsGivesTheSameConfig() {
        ModelConfig v4 = ConfigJson.parse(LLAMA32, null, "l");
        ModelConfig v5 = ConfigJson.parse(LLAMA32_V5, null, "l");
        assertThat(LLAMA32_V5).contains("rope_parameters").doesNotContain("rope_scaling");
        assertThat(v4.ropeScaling()).isEqualTo(RopeScaling.llama3(32, 1, 4, 8192));
        assertThat(v4.ropeTheta()).isEqualTo(500000.0);
        assertThat(v5).isEqualTo(v4);
        // transformers 4.x before rope_type: the key was "type"
        ModelConfig old = ConfigJson.parse(LLAMA32.replace("\"rope_type\"", "\"type\""), null, "l");
        assertThat(old).isEqualTo(v4);
    }

    @Test
    void ropeParametersOfTypeDefaultAndLinear() {
        String plain =
                LLAMA32.replaceAll("\"rope_scaling\": \\{[^}]*\\},", "")
                        .replace(
                                "\"rope_theta\": 500000.0,",
                                "\"rope_parameters\": {\"rope_type\": \"default\","
                                        + " \"rope_theta\": 1234.0},");
        ModelConfig c = ConfigJson.parse(plain, null, "l");
        assertThat(c.ropeTheta()).isEqualTo(1234.0);
        assertThat(c.ropeScaling()).isEqualTo(RopeScaling.NONE);
        String linear =
                plain.replace(
                        "\"rope_type\": \"default\"", "\"rope_type\": \"linear\", \"factor\": 2");
        assertThat(ConfigJson.parse(linear, null, "l").ropeScaling())
                .isEqualTo(RopeScaling.linear(2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"yarn", "dynamic", "longrope", "su", "mrope"})
    void otherRopeTypesAreRefusedByName(String type) {
        String json = LLAMA32.replace("\"llama3\"", "\"" + type + "\"");
        assertThatThrownBy(() -> ConfigJson.parse(json, null, "/ckpt/l"))
                .hasMessage(
                        "Cannot load checkpoint /ckpt/l: config.json key rope_scaling.rope_type "
                                + type
                                + " is not supported (supported: default, linear, llama3)");
        String v5 = LLAMA32_V5.replace("\"llama3\"", "\"" + type + "\"");
        assertThatThrownBy(() -> ConfigJson.parse(v5, null, "/ckpt/l"))
                .hasMessageContaining("config.json key rope_parameters.rope_type " + type);
    }

    @Test
    void unknownRopeKeysAndPartialRotaryAreRefused() {
        String extra = LLAMA32.replace("\"factor\": 32.0,", "\"factor\": 32.0, \"beta_fast\": 32,");
        assertThatThrownBy(() -> ConfigJson.parse(extra, null, "c"))
                .hasMessage(
                        "Cannot load checkpoint c: config.json key rope_scaling.beta_fast is not"
                                + " supported (value 32)");
        String partial =
                QWEN3.replace("\"rope_theta\"", "\"partial_rotary_factor\": 0.5, \"rope_theta\"");
        assertThatThrownBy(() -> ConfigJson.parse(partial, null, "c"))
                .hasMessageContaining("config.json key partial_rotary_factor 0.5 is not supported");
        String noTheta = LLAMA32_V5.replace("\"rope_theta\": 500000.0, ", "");
        assertThatThrownBy(() -> ConfigJson.parse(noTheta, null, "c"))
                .hasMessage(
                        "Cannot load checkpoint c: config.json key rope_parameters.rope_theta is missing");
        String badLlama3 =
                LLAMA32.replace("\"high_freq_factor\": 4.0", "\"high_freq_factor\": 0.5");
        assertThatThrownBy(() -> ConfigJson.parse(badLlama3, null, "c"))
                .hasMessageContaining("config.json key rope_scaling is invalid")
                .hasMessageContaining("high_freq_factor");
    }

    @Test
    void computationChangingKeysAreRefusedNeverIgnored() {
        assertRefused(
                QWEN3.replace("\"use_sliding_window\": false", "\"use_sliding_window\": true"),
                "config.json key use_sliding_window");
        assertRefused(
                QWEN3.replace(
                        "\"use_cache\": true",
                        "\"use_cache\": true, \"attn_logit_softcapping\": 50.0"),
                "config.json key attn_logit_softcapping: 50.0 is not supported");
        assertRefused(
                LLAMA32.replace("\"mlp_bias\": false", "\"mlp_bias\": true"),
                "config.json key mlp_bias: true is not supported");
        assertRefused(
                QWEN3.replace(
                        "\"use_cache\": true",
                        "\"use_cache\": true, \"layer_types\": [\"full_attention\", \"sliding_attention\"]"),
                "config.json key layer_types: sliding_attention is not supported");
        assertRefused(
                QWEN3.replace("\"silu\"", "\"gelu_pytorch_tanh\""),
                "config.json key hidden_act: gelu_pytorch_tanh is not supported");
        // present but not in force: accepted
        ConfigJson.parse(
                QWEN3.replace(
                        "\"use_cache\": true",
                        "\"use_cache\": true, \"attn_logit_softcapping\": null, \"layer_types\": [\"full_attention\"]"),
                null,
                "ok");
    }

    private static void assertRefused(String json, String message) {
        assertThatThrownBy(() -> ConfigJson.parse(json, null, "/m"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Cannot load checkpoint /m: ")
                .hasMessageContaining(message);
    }

    @Test
    void qwen3AndLlama3ConfigsRoundTrip() {
        ModelConfig qwen3 =
                new ModelConfig(
                        "qwen3",
                        16,
                        24,
                        2,
                        4,
                        2,
                        12,
                        1e6,
                        1e-6,
                        40,
                        false,
                        false,
                        64,
                        -1,
                        List.of(7));
        assertThat(ConfigJson.parse(ConfigJson.toJson(qwen3, Dtype.BF16), null, "x"))
                .isEqualTo(qwen3);
        assertThat(ConfigJson.toJson(qwen3, Dtype.BF16)).contains("Qwen3ForCausalLM");
        ModelConfig llama3 = ConfigJson.parse(LLAMA32, null, "l");
        assertThat(ConfigJson.parse(ConfigJson.toJson(llama3, Dtype.BF16), null, "x"))
                .isEqualTo(llama3);
    }

    @Test
    void generationDefaultsComeFromGenerationConfig() {
        // Qwen2.5-Instruct's generation_config.json
        String qwen25 =
                """
                {"bos_token_id": 151643, "pad_token_id": 151643, "do_sample": true,
                 "eos_token_id": [151645, 151643], "repetition_penalty": 1.05,
                 "temperature": 0.7, "top_p": 0.8, "top_k": 20}
                """;
        GenerationDefaults d = ConfigJson.parseGenerationDefaults(qwen25, "q");
        SamplingParams fallback = new SamplingParams(1f, 0, 1f, 64);
        SamplingParams used = d.over(fallback);
        assertThat(used).isEqualTo(new SamplingParams(0.7f, 20, 0.8f, 64, 1.05f));
        // a file that sets nothing leaves the fallback as is
        assertThat(ConfigJson.parseGenerationDefaults("{\"eos_token_id\": 2}", "q").over(fallback))
                .isEqualTo(fallback);
        assertThatThrownBy(() -> ConfigJson.parseGenerationDefaults("{\"top_p\": 1.5}", "/q"))
                .hasMessage(
                        "Cannot load checkpoint /q: generation_config.json key top_p has invalid value 1.5");
        assertThatThrownBy(
                        () ->
                                ConfigJson.parseGenerationDefaults(
                                        "{\"repetition_penalty\": 0}", "/q"))
                .hasMessageContaining("generation_config.json key repetition_penalty");
    }
}
