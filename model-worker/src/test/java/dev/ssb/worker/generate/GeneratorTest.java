package dev.ssb.worker.generate;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ssb.worker.api.FinishReason;
import dev.ssb.worker.api.GenerationRequest;
import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.api.SamplingParams;
import dev.ssb.worker.model.TinyModels;
import dev.ssb.worker.model.Transformer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GeneratorTest {
    private static final int STOP = 2;
    private static Transformer model;

    @BeforeAll
    static void load() {
        ModelConfig config = TinyModels.llama();
        model = TinyModels.load(config, TinyModels.randomWeights(config, 21));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static List<GenerationRequest> requests() {
        return List.of(
                new GenerationRequest(new int[] {5, 9, 14, 3, 22, 7, 7}, 1001L),
                new GenerationRequest(new int[] {40}, 1002L),
                new GenerationRequest(new int[] {11, 12, 13}, 1003L),
                new GenerationRequest(new int[] {30, 31, 32, 33, 34, 35, 36, 37, 38, 39}, 1004L),
                new GenerationRequest(new int[] {8, 6}, 1005L));
    }

    @Test
    void aSequenceAloneAndInAPaddedBatchGetsTheSameTokens() {
        Generator generator = new Generator(model, 53, Set.of(STOP));
        for (SamplingParams params :
                List.of(
                        new SamplingParams(0.8f, 10, 0.9f, 8),
                        new SamplingParams(1.3f, 0, 1f, 8),
                        new SamplingParams(0.9f, 12, 0.95f, 8, 1.3f),
                        SamplingParams.greedy(8).withRepetitionPenalty(1.5f),
                        SamplingParams.greedy(8))) {
            List<Generator.Result> batch = generator.generateBatch(requests(), params);
            List<Generator.Result> chunked = generator.generate(requests(), params, 2);
            for (int i = 0; i < requests().size(); i++) {
                Generator.Result alone =
                        generator.generateBatch(List.of(requests().get(i)), params).get(0);
                assertThat(batch.get(i).tokenIds())
                        .as("%s request %s", params, i)
                        .containsExactly(alone.tokenIds());
                assertThat(chunked.get(i).tokenIds()).containsExactly(alone.tokenIds());
                assertThat(batch.get(i).finishReason()).isEqualTo(alone.finishReason());
            }
        }
    }

    @Test
    void seedsGiveDifferentSamples() {
        Generator generator = new Generator(model, 53, Set.of());
        SamplingParams params = new SamplingParams(1f, 0, 1f, 16);
        int[] prompt = {5, 6, 7};
        int[] a =
                generator
                        .generateBatch(List.of(new GenerationRequest(prompt, 1)), params)
                        .get(0)
                        .tokenIds();
        int[] b =
                generator
                        .generateBatch(List.of(new GenerationRequest(prompt, 2)), params)
                        .get(0)
                        .tokenIds();
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void greedyFollowsTheArgmaxOfFullForwardPasses() {
        Generator generator = new Generator(model, 53, Set.of());
        int[] prompt = {17, 4, 33};
        int[] tokens =
                generator
                        .generateBatch(
                                List.of(new GenerationRequest(prompt, 0)), SamplingParams.greedy(6))
                        .get(0)
                        .tokenIds();
        List<Integer> seq = new ArrayList<>();
        Arrays.stream(prompt).forEach(seq::add);
        for (int step = 0; step < 6; step++) {
            try (NDManager m = model.manager().newSubManager()) {
                long[] ids = seq.stream().mapToLong(Integer::longValue).toArray();
                NDArray logits =
                        model.forward(
                                m.create(ids, new Shape(1, ids.length)),
                                m.ones(new Shape(1, ids.length)));
                int next = (int) logits.get("0, -1, :").argMax().getLong();
                assertThat(tokens[step]).as("step %s", step).isEqualTo(next);
                seq.add(next);
            }
        }
    }

    @Test
    void stopsOnStopIdsOrAtTheBudget() {
        // every id below 8 stops: most sequences end early, some run to the budget
        Set<Integer> stops = new java.util.HashSet<>();
        for (int i = 0; i < 8; i++) {
            stops.add(i);
        }
        Generator generator = new Generator(model, 53, stops);
        List<GenerationRequest> many = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            many.add(new GenerationRequest(new int[] {30 + i % 20, 21}, i));
        }
        List<Generator.Result> results =
                generator.generate(many, new SamplingParams(1f, 0, 1f, 6), 24);
        int stopped = 0;
        for (Generator.Result r : results) {
            int[] ids = r.tokenIds();
            for (int j = 0; j < ids.length - 1; j++) {
                assertThat(stops).doesNotContain(ids[j]);
            }
            if (r.finishReason() == FinishReason.STOP) {
                stopped++;
                assertThat(stops).contains(ids[ids.length - 1]);
                assertThat(ids.length).isLessThanOrEqualTo(6);
            } else {
                assertThat(ids).hasSize(6);
                assertThat(stops).doesNotContain(ids[5]);
            }
        }
        assertThat(stopped).isBetween(1, 23);
    }

    @Test
    void idsAtOrAboveTheTokenizerVocabularyAreNeverSampled() {
        SamplingParams params = new SamplingParams(2f, 0, 1f, 20);
        List<GenerationRequest> reqs = requests();
        boolean sawHigh = false;
        for (Generator.Result r : new Generator(model, 53, Set.of()).generate(reqs, params, 8)) {
            sawHigh |= Arrays.stream(r.tokenIds()).anyMatch(id -> id >= 30);
        }
        assertThat(sawHigh).as("unrestricted sampling reaches ids >= 30").isTrue();
        for (SamplingParams p : List.of(params, new SamplingParams(2f, 40, 0.99f, 20))) {
            for (Generator.Result r : new Generator(model, 30, Set.of()).generate(reqs, p, 8)) {
                assertThat(Arrays.stream(r.tokenIds()).max().orElse(0)).isLessThan(30);
            }
        }
    }

    @Test
    void leavesNoNativeArraysBehind() {
        Generator generator = new Generator(model, 53, Set.of(STOP));
        int before = model.manager().getManagedArrays().size();
        generator.generate(requests(), new SamplingParams(0.8f, 10, 0.9f, 8), 2);
        generator.generate(requests(), SamplingParams.greedy(5), 8);
        assertThat(model.manager().getManagedArrays()).hasSize(before);
    }

    /**
     * Greedy decoding with Hugging Face's repetition penalty against a reference loop: a full
     * forward (no cache) over prompt + reply at every step, then the processor as transformers
     * writes it ({@code gather} the logits of the input ids, duplicates included, penalize, {@code
     * scatter} back), then argmax.
     */
    @Test
    void repetitionPenaltyMatchesTheHuggingFaceReference() {
        int vocab = 53;
        for (float penalty : new float[] {1.3f, 3f, 0.7f}) {
            SamplingParams params = SamplingParams.greedy(12).withRepetitionPenalty(penalty);
            Generator generator = new Generator(model, vocab, Set.of());
            for (GenerationRequest r : requests()) {
                int[] actual = generator.generateBatch(List.of(r), params).get(0).tokenIds();
                List<Integer> input = new ArrayList<>();
                Arrays.stream(r.promptIds()).forEach(input::add);
                int[] expected = new int[12];
                for (int step = 0; step < 12; step++) {
                    float[] logits = lastLogits(input, vocab);
                    float[] gathered = new float[input.size()];
                    for (int j = 0; j < input.size(); j++) {
                        float score = logits[input.get(j)];
                        gathered[j] = score < 0 ? score * penalty : score / penalty;
                    }
                    for (int j = 0; j < input.size(); j++) {
                        logits[input.get(j)] = gathered[j];
                    }
                    int best = 0;
                    for (int v = 1; v < vocab; v++) {
                        if (logits[v] > logits[best]) {
                            best = v;
                        }
                    }
                    expected[step] = best;
                    input.add(best);
                }
                assertThat(actual)
                        .as("penalty %s prompt %s", penalty, Arrays.toString(r.promptIds()))
                        .containsExactly(expected);
            }
        }
        // a strong penalty really changes the replies of this model
        List<Generator.Result> plain =
                new Generator(model, vocab, Set.of())
                        .generate(requests(), SamplingParams.greedy(12), 8);
        List<Generator.Result> penalized =
                new Generator(model, vocab, Set.of())
                        .generate(
                                requests(), SamplingParams.greedy(12).withRepetitionPenalty(3f), 8);
        boolean differs = false;
        for (int i = 0; i < plain.size(); i++) {
            differs |= !Arrays.equals(plain.get(i).tokenIds(), penalized.get(i).tokenIds());
        }
        assertThat(differs).isTrue();
    }

    private static float[] lastLogits(List<Integer> ids, int vocab) {
        try (NDManager step = model.manager().newSubManager()) {
            long[] longs = ids.stream().mapToLong(Integer::longValue).toArray();
            NDArray input = step.create(longs, new Shape(1, longs.length));
            NDArray mask = step.ones(new Shape(1, longs.length));
            float[] all = model.forward(input, mask).toFloatArray();
            int v = model.config().vocabSize();
            return Arrays.copyOfRange(all, (longs.length - 1) * v, (longs.length - 1) * v + vocab);
        }
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOnce() {
        float[] logits = {2f, -2f, 0.5f, -0.5f, 4f};
        java.util.BitSet seen = new java.util.BitSet();
        seen.set(0);
        seen.set(1);
        seen.set(4);
        RepetitionPenalty.apply(logits, 0, 5, seen, 2f);
        assertThat(logits).containsExactly(1f, -4f, 0.5f, -0.5f, 2f);
    }
}
