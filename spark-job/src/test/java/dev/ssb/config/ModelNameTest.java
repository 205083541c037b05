package dev.ssb.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** model.name: what an adapter records as PEFT's base_model_name_or_path. */
class ModelNameTest {

    private static String name(String checkpoint, String modelName) {
        return SsbConfig.defaults()
                .with(SsbProperties.MODEL_CHECKPOINT, checkpoint)
                .with(SsbProperties.MODEL_NAME, modelName)
                .modelName();
    }

    @Test
    void defaultsToTheCheckpointsFolderName() {
        assertThat(name("/models/Qwen2.5-3B-Instruct", "")).isEqualTo("Qwen2.5-3B-Instruct");
        assertThat(name("hdfs://nn:8020/models/Llama-3.2-1B-Instruct/", ""))
                .isEqualTo("Llama-3.2-1B-Instruct");
        assertThat(name("embedded:toy", "")).isEqualTo("toy");
        assertThat(SsbConfig.defaults().modelName()).isEqualTo("toy");
    }

    @Test
    void anExplicitNameWins() {
        assertThat(name("hdfs://nn/models/q", "Qwen/Qwen2.5-3B-Instruct"))
                .isEqualTo("Qwen/Qwen2.5-3B-Instruct");
    }
}
