package dev.ssb.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssb.worker.api.ChatMessage;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.Generation;
import dev.ssb.worker.api.GenerationRequest;
import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LoraConfig;
import dev.ssb.worker.api.ModelWorker;
import dev.ssb.worker.api.PolicyExample;
import dev.ssb.worker.api.PolicyGradientResult;
import dev.ssb.worker.api.PolicyLoss;
import dev.ssb.worker.api.SamplingParams;
import dev.ssb.worker.api.ToyData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reproduces the open issue of docs/grpo.md: decoding with an adapter on one thread, then the
 * policy gradient of the same replies on another thread, gives a different gradient in some rounds.
 * This version (the toy system prompt, all seven LoRA modules) was run twice on 2026-12-05 on main
 * after the fused-projection merge, with the disabled condition deactivated: the first run gave
 * norms 69.79, 5.5e36, 69.79, 69.79 over four identical rounds and failed; the second passed. About
 * 2 minutes; disabled until the cause is found. Run it with {@code mvn -pl model-worker test
 * -Dtest=CrossThreadGradientProbe
 * -Djunit.jupiter.conditions.deactivate=org.junit.*DisabledCondition}.
 */
@Disabled(
        "open issue: gradients after decoding on another thread are not repeatable (docs/grpo.md)")
class CrossThreadGradientProbe {

    /** The system prompt of the measured runs (a backspace where conf/prompts has a backslash). */
    private static final String SYSTEM =
            "Solve the problem step by step, one calculation per line. End with \boxed{answer}. ";

    @TempDir Path tmp;

    @Test
    void gradientsAfterDecodingOnAnotherThreadAreRepeatable() throws Exception {
        ToyData.writeEmbeddedSplits(tmp, 11, 8, 1, true);
        List<String> questions = new ArrayList<>();
        for (String line : Files.readAllLines(tmp.resolve(ToyData.TRAIN_FILE))) {
            questions.add(new ObjectMapper().readTree(line).get("question").asText());
        }
        ExecutorService decoder = Executors.newSingleThreadExecutor();
        ExecutorService trainer = Executors.newSingleThreadExecutor();
        try (LanguageModel model =
                decoder.submit(() -> ModelWorker.load(ModelWorker.EMBEDDED, Device.cpu())).get()) {
            LoraAdapter adapter =
                    LoraAdapter.initialize(
                            new LoraConfig(
                                    8,
                                    16,
                                    List.of(
                                            "q_proj",
                                            "k_proj",
                                            "v_proj",
                                            "o_proj",
                                            "gate_proj",
                                            "up_proj",
                                            "down_proj")),
                            model.config(),
                            3);
            List<Double> norms = new ArrayList<>();
            for (int round = 0; round < 4; round++) {
                List<int[]> prompts = new ArrayList<>();
                List<GenerationRequest> requests = new ArrayList<>();
                for (int q = 0; q < questions.size(); q++) {
                    int[] prompt =
                            model.encodeChat(
                                    List.of(
                                            ChatMessage.system(SYSTEM),
                                            ChatMessage.user(questions.get(q))),
                                    true);
                    for (int i = 0; i < 8; i++) {
                        requests.add(new GenerationRequest(prompt, q * 8 + i));
                        prompts.add(prompt);
                    }
                }
                List<Generation> replies =
                        decoder.submit(
                                        () -> {
                                            model.setAdapter(adapter);
                                            try {
                                                return model.generate(
                                                        requests,
                                                        new SamplingParams(0.8f, 50, 1f, 128, 1f));
                                            } finally {
                                                model.setAdapter(null);
                                            }
                                        })
                                .get();
                norms.add(
                        trainer.submit(
                                        () -> {
                                            model.setAdapter(adapter);
                                            try {
                                                List<PolicyExample> batch = new ArrayList<>();
                                                for (int i = 0; i < replies.size(); i++) {
                                                    batch.add(
                                                            new PolicyExample(
                                                                    prompts.get(i),
                                                                    replies.get(i).tokenIds(),
                                                                    (i % 3) - 1f,
                                                                    null,
                                                                    null));
                                                }
                                                PolicyGradientResult r =
                                                        model.computePolicyGradients(
                                                                batch, new PolicyLoss(0.2f, 0f));
                                                double sq = 0;
                                                for (HostTensor t :
                                                        r.gradients().gradientSums().values()) {
                                                    for (float v : t.data()) {
                                                        sq += (double) v * v;
                                                    }
                                                }
                                                return Math.sqrt(sq);
                                            } finally {
                                                model.setAdapter(null);
                                            }
                                        })
                                .get());
            }
            assertThat(norms).allSatisfy(n -> assertThat(n).isEqualTo(norms.get(0)));
        } finally {
            decoder.shutdown();
            trainer.shutdown();
        }
    }
}
