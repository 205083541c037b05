package dev.ssb.worker.distill;

import dev.ssb.worker.api.LoraConfig;
import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.model.TinyModels;
import dev.ssb.worker.model.Transformer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The fixture of the LoRA gradient tests: a tiny Qwen2 with random weights (seed 3), loaded once
 * per test class, and the LoRA targets its adapters cover.
 */
abstract class TinyQwen2Tests {

    static final LoraConfig LORA =
            new LoraConfig(4, 8f, List.of("q_proj", "v_proj", "o_proj", "up_proj", "down_proj"));
    static ModelConfig config;
    static Transformer model;

    /** Token ids below this are real: the top 3 embedding rows are padding, as in Qwen. */
    static int valid;

    @BeforeAll
    static void loadModel() {
        config = TinyModels.qwen2();
        model = TinyModels.load(config, TinyModels.randomWeights(config, 3));
        valid = config.vocabSize() - 3;
    }

    @AfterAll
    static void closeModel() {
        if (model.lora() != null) {
            model.lora().close();
        }
        model.close();
    }
}
