package dev.ssb.worker.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.worker.api.FinishReason;
import dev.ssb.worker.api.GenerationRequest;
import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.api.SamplingParams;
import dev.ssb.worker.generate.Generator.Batching;
import dev.ssb.worker.model.TinyModels;
import dev.ssb.worker.model.Transformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Continuous batching gives every request exactly the tokens of the static loop. */
class ContinuousBatchingTest {
    /** With 4 stop ids among ~50, replies end anywhere between 1 token and the budget. */
    private static final Set<Integer> STOPS = Set.of(2, 3, 4, 5);

    private static Transformer llama;
    private static Transformer qwen2;

    @BeforeAll
    static void load() {
        ModelConfig l = TinyModels.llama();
        llama = TinyModels.load(l, TinyModels.randomWeights(l, 21));
        ModelConfig q = TinyModels.qwen2();
        qwen2 = TinyModels.load(q, TinyModels.randomWeights(q, 22));
    }

    @AfterAll
    static void close() {
        llama.close();
        qwen2.close();
    }

    /** {@code n} requests with prompt lengths 1..14 in random order and seeds from {@code seed}. */
    static List<GenerationRequest> requests(int n, long seed) {
        Random random = new Random(seed);
        List<GenerationRequest> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] prompt = random.ints(1 + random.nextInt(14), 6, 50).toArray();
            out.add(new GenerationRequest(prompt, seed * 1000 + i));
        }
        return out;
    }

    private static void assertSameTokens(
            Transformer model, List<GenerationRequest> reqs, SamplingParams params, int batch) {
        Generator generator = new Generator(model, 50, STOPS);
        List<Generator.Result> expected = generator.generate(reqs, params, batch, Batching.STATIC);
        List<Generator.Result> actual =
                generator.generate(reqs, params, batch, Batching.CONTINUOUS);
        assertThat(actual).hasSameSizeAs(reqs);
        for (int i = 0; i < reqs.size(); i++) {
            assertThat(actual.get(i).tokenIds())
                    .as("%s batch %s request %s", params, batch, i)
                    .containsExactly(expected.get(i).tokenIds());
            assertThat(actual.get(i).finishReason())
                    .as("%s batch %s request %s", params, batch, i)
                    .isEqualTo(expected.get(i).finishReason());
        }
    }

    @Test
    void continuousAndStaticGiveIdenticalTokensForMixedLengthsSeedsAndBatchSizes() {
        List<SamplingParams> samplings =
                List.of(
                        new SamplingParams(0.8f, 10, 1f, 24),
                        new SamplingParams(1.3f, 0, 0.9f, 17),
                        SamplingParams.greedy(20));
        for (Transformer model : List.of(llama, qwen2)) {
            for (int s = 0; s < samplings.size(); s++) {
                List<GenerationRequest> reqs = requests(29, 7 + s);
                for (int batch : new int[] {2, 5, 16}) {
                    assertSameTokens(model, reqs, samplings.get(s), batch);
                }
            }
        }
    }

    @Test
    void batchOfOneAndBudgetOfOneToken() {
        List<GenerationRequest> reqs = requests(9, 3);
        assertSameTokens(llama, reqs, new SamplingParams(0.8f, 10, 1f, 12), 1);
        assertSameTokens(llama, reqs, new SamplingParams(0.8f, 10, 1f, 1), 3);
    }

    @Test
    void theWorkloadHasMixedReplyLengthsAndContinuousBatchingDoesLessDecodeWork() {
        List<GenerationRequest> reqs = requests(40, 11);
        SamplingParams params = new SamplingParams(0.8f, 10, 1f, 24);
        Generator staticGen = new Generator(llama, 50, STOPS);
        List<Generator.Result> results = staticGen.generate(reqs, params, 8, Batching.STATIC);
        Generator continuousGen = new Generator(llama, 50, STOPS);
        continuousGen.generate(reqs, params, 8, Batching.CONTINUOUS);
        long stopped = results.stream().filter(r -> r.finishReason() == FinishReason.STOP).count();
        assertThat(stopped).as("replies ending on a stop id").isBetween(5L, 35L);
        assertThat(results.stream().mapToInt(r -> r.tokenIds().length).distinct().count())
                .as("distinct reply lengths")
                .isGreaterThan(5);
        long tokens = results.stream().mapToLong(r -> r.tokenIds().length).sum();
        // each sequence's first token comes from its prefill, every other one from a decode row
        long decodedTokens = tokens - reqs.size();
        assertThat(continuousGen.decodedRowSteps())
                .as("continuous row-steps vs static %s", staticGen.decodedRowSteps())
                .isLessThan(staticGen.decodedRowSteps())
                .isGreaterThanOrEqualTo(decodedTokens);
    }

    @Test
    void theDefaultIsContinuous() {
        List<GenerationRequest> reqs = requests(20, 5);
        SamplingParams params = new SamplingParams(0.8f, 10, 1f, 24);
        Generator byDefault = new Generator(llama, 50, STOPS);
        Generator continuous = new Generator(llama, 50, STOPS);
        byDefault.generate(reqs, params, 4);
        continuous.generate(reqs, params, 4, Batching.CONTINUOUS);
        assertThat(byDefault.decodedRowSteps()).isEqualTo(continuous.decodedRowSteps());
    }
}
