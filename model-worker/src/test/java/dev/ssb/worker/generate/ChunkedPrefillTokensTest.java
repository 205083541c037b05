package dev.ssb.worker.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.DataType;
import dev.ssb.worker.api.GenerationRequest;
import dev.ssb.worker.api.LoraConfig;
import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.api.SamplingParams;
import dev.ssb.worker.generate.Generator.Batching;
import dev.ssb.worker.model.LoraLayers;
import dev.ssb.worker.model.TinyModels;
import dev.ssb.worker.model.Transformer;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Chunked prefill gives every request the tokens of the one-pass prefill, greedy and sampled, on
 * the static and the continuous loop, with and without a LoRA adapter (the logits it rounds
 * differently by a few ulps are bounded in {@code ChunkedPrefillTest}).
 */
class ChunkedPrefillTokensTest {
    private static final Set<Integer> STOPS = Set.of(2, 3, 4, 5);
    private static final int BATCH = 5;

    /**
     * Prefill budgets (rows × chunk): 1 slot per pass, 3 slots per pass for a full group of {@link
     * #BATCH} rows (more for smaller admission groups), and one pass for every group.
     */
    private static final int[] BUDGETS = {1, 3 * BATCH, 14 * BATCH};

    private static final List<SamplingParams> SAMPLINGS =
            List.of(
                    SamplingParams.greedy(8),
                    new SamplingParams(0.8f, 10, 1f, 8),
                    new SamplingParams(1.3f, 0, 0.9f, 8));

    private static ModelConfig config;
    private static Transformer model;
    private static LoraLayers lora;

    @BeforeAll
    static void load() {
        config = TinyModels.qwen2();
        model = TinyModels.load(config, TinyModels.randomWeights(config, 23));
        LoraConfig targets =
                new LoraConfig(4, 8f, List.of("q_proj", "k_proj", "v_proj", "o_proj", "up_proj"));
        lora =
                LoraLayers.fromAdapter(
                        TinyModels.randomAdapter(config, targets, 9, false),
                        config,
                        model.manager(),
                        DataType.FLOAT32);
    }

    @AfterAll
    static void close() {
        model.setLora(null);
        lora.close();
        model.close();
    }

    @Test
    void chunkedAndOnePassPrefillGiveIdenticalTokens() {
        for (LoraLayers adapter : new LoraLayers[] {null, lora}) {
            model.setLora(adapter);
            for (int s = 0; s < SAMPLINGS.size(); s++) {
                SamplingParams params = SAMPLINGS.get(s);
                List<GenerationRequest> reqs = ContinuousBatchingTest.requests(12, 31 + s);
                for (Batching batching : Batching.values()) {
                    Generator onePass =
                            new Generator(model, config.vocabSize(), STOPS, Integer.MAX_VALUE);
                    List<Generator.Result> expected =
                            onePass.generate(reqs, params, BATCH, batching);
                    for (int budget : BUDGETS) {
                        Generator chunked = new Generator(model, config.vocabSize(), STOPS, budget);
                        List<Generator.Result> actual =
                                chunked.generate(reqs, params, BATCH, batching);
                        for (int i = 0; i < reqs.size(); i++) {
                            String what =
                                    String.format(
                                            "LoRA %s, %s, %s, budget %s, request %s",
                                            adapter != null, params, batching, budget, i);
                            assertThat(actual.get(i).tokenIds())
                                    .as(what)
                                    .containsExactly(expected.get(i).tokenIds());
                            assertThat(actual.get(i).finishReason())
                                    .as(what)
                                    .isEqualTo(expected.get(i).finishReason());
                        }
                        if (budget == 1) {
                            assertThat(chunked.forwardPasses())
                                    .as("one pass per prompt slot: more passes than one-pass")
                                    .isGreaterThan(onePass.forwardPasses());
                        }
                    }
                }
            }
        }
        model.setLora(null);
    }

    @Test
    void theChunkKeepsRowsTimesChunkWithinTheBudget() {
        assertThat(Generator.prefillChunk(8192, 64)).isEqualTo(128);
        assertThat(Generator.prefillChunk(8192, 5)).isEqualTo(1638);
        assertThat(Generator.prefillChunk(15, 5)).isEqualTo(3);
        assertThat(Generator.prefillChunk(3, 5)).as("more rows than the budget").isEqualTo(1);
        assertThatThrownBy(() -> new Generator(model, config.vocabSize(), STOPS, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Invalid prefill tokens: 0");
    }
}
