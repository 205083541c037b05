package dev.ssb.worker.toy.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.ModelWorker;
import dev.ssb.worker.toy.Prompts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToyModelTrainerTest {

    @TempDir Path out;

    @Test
    void trainsAndWritesALoadableHfCheckpoint() throws IOException {
        ToyTrainingConfig config =
                new ToyTrainingConfig(
                        3L,
                        100,
                        ToyTrainingConfig.embedded().difficulty(),
                        32,
                        2,
                        2,
                        1,
                        64,
                        112,
                        12,
                        4,
                        1e-2,
                        2,
                        0.5,
                        0.0,
                        0.0);
        ToyModelTrainer.Result result = ToyModelTrainer.train(config, Prompts.defaults(), out);

        // a random model's loss is ~ln(112) = 4.7; a dozen steps learn the character statistics
        assertThat(result.finalLoss()).isLessThan(4.0);
        for (String file :
                List.of(
                        "config.json",
                        "model.safetensors",
                        "tokenizer.json",
                        "tokenizer_config.json",
                        "generation_config.json",
                        ToyModelTrainer.TRAINING_FILE)) {
            assertThat(out.resolve(file)).as(file).isRegularFile();
        }
        JsonNode provenance =
                new ObjectMapper().readTree(out.resolve(ToyModelTrainer.TRAINING_FILE).toFile());
        assertThat(provenance.at("/config/seed").asLong()).isEqualTo(3L);
        assertThat(provenance.at("/config/steps").asInt()).isEqualTo(12);

        try (LanguageModel model = ModelWorker.load(out.toString(), Device.cpu())) {
            assertThat(model.config().modelType()).isEqualTo("qwen2");
            assertThat(model.config().hiddenSize()).isEqualTo(32);
            assertThat(model.config().vocabSize()).isEqualTo(112);
            assertThat(model.tokenizer().vocabSize()).isEqualTo(100);
            assertThat(model.stopTokenIds())
                    .contains(model.tokenizer().tokenId("<|im_end|>").orElseThrow());
            assertThat(
                            model.chatTemplate()
                                    .render(
                                            List.of(dev.ssb.worker.api.ChatMessage.user("hi")),
                                            true))
                    .isEqualTo("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n");
        }
        assertThat(Files.size(out.resolve("model.safetensors"))).isGreaterThan(4L * 32 * 112);
    }
}
