package dev.ssb.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.ssb.worker.api.LoraConfig;
import dev.ssb.worker.api.ModelConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Prefill in chunks of a few slots gives the one-pass prefill's logits, within float rounding, and
 * leaves the same cache behind (the decode steps after it give the same logits), for left-padded
 * prompts of mixed lengths, with and without LoRA.
 */
class ChunkedPrefillTest {
    /** Left-padded to 11 slots: rows with 10, 7, 4 and 1 padding slots. */
    private static final int[][] PROMPTS = {
        {4, 9, 13, 2, 7, 30, 5, 11, 12, 40, 8},
        {17},
        {6, 6, 21, 33},
        {50, 3, 9, 14, 22, 7, 1},
        {8, 6}
    };

    private static final int DECODE_STEPS = 4;

    /**
     * Products of other shapes round differently: measured up to 2.3e-6 on logits up to 4.1 (a few
     * float32 ulps); a chunk that holds the whole prompt is the one pass, bit for bit.
     */
    private static final double TOL = 1e-5;

    /** Chunks of 1 and 3 slots (the last chunk partial), and one larger than the prompts. */
    private static final int[] CHUNKS = {1, 3, 4, 11, 64};

    @Test
    void chunkedPrefillGivesTheOnePassLogitsAndCache() {
        for (ModelConfig config :
                List.of(TinyModels.qwen2(), TinyModels.qwen3(false), TinyModels.llama())) {
            try (Transformer model = TinyModels.load(config, TinyModels.randomWeights(config, 5))) {
                assertChunksMatch(model, config.modelType());
            }
        }
    }

    @Test
    void chunkedPrefillWithALoraAdapterGivesTheOnePassLogits() {
        ModelConfig config = TinyModels.qwen2();
        LoraConfig targets =
                new LoraConfig(4, 8f, List.of("q_proj", "v_proj", "o_proj", "up_proj"));
        try (Transformer model = TinyModels.load(config, TinyModels.randomWeights(config, 6));
                LoraLayers lora =
                        LoraLayers.fromAdapter(
                                TinyModels.randomAdapter(config, targets, 8, false),
                                config,
                                model.manager(),
                                DataType.FLOAT32)) {
            List<float[]> base = run(model, Integer.MAX_VALUE);
            model.setLora(lora);
            List<float[]> adapted = run(model, Integer.MAX_VALUE);
            assertThat(TransformerTest.maxAbsDiff(adapted.get(0), base.get(0)))
                    .as("the adapter changes the logits")
                    .isGreaterThan(1e-2);
            assertChunksMatch(model, "qwen2 + LoRA");
        }
    }

    @Test
    void aChunkBelowOneIsRejected() {
        ModelConfig config = TinyModels.llama();
        try (Transformer model = TinyModels.load(config, TinyModels.randomWeights(config, 5));
                KvCache cache = model.newCache(new int[] {2}, 4);
                NDManager step = model.manager().newSubManager()) {
            NDArray ids = step.create(new long[] {3, 4}, new Shape(1, 2));
            assertThatThrownBy(() -> model.prefill(cache, ids, 40, 0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Invalid prefill chunk: 0");
        }
    }

    private static void assertChunksMatch(Transformer model, String what) {
        List<float[]> onePass = run(model, Integer.MAX_VALUE);
        for (int chunk : CHUNKS) {
            List<float[]> chunked = run(model, chunk);
            for (int s = 0; s < onePass.size(); s++) {
                if (chunk >= PROMPTS[0].length) {
                    assertThat(chunked.get(s))
                            .as("%s chunk %s step %s: one pass", what, chunk, s)
                            .containsExactly(onePass.get(s));
                } else {
                    assertThat(TransformerTest.maxAbsDiff(chunked.get(s), onePass.get(s)))
                            .as("%s chunk %s step %s (0 = prefill)", what, chunk, s)
                            .isLessThanOrEqualTo(TOL);
                }
            }
        }
    }

    /**
     * Prefills {@link #PROMPTS} in chunks of {@code chunk} slots, then decodes {@link
     * #DECODE_STEPS} fixed tokens; the logits of each step, {@code [rows, vocab]} flattened.
     */
    private static List<float[]> run(Transformer model, int chunk) {
        int[] lengths = Arrays.stream(PROMPTS).mapToInt(p -> p.length).toArray();
        int longest = Arrays.stream(lengths).max().orElseThrow();
        int vocab = model.config().vocabSize();
        List<float[]> out = new ArrayList<>();
        try (KvCache cache = model.newCache(lengths, longest + DECODE_STEPS);
                NDManager step = model.manager().newSubManager()) {
            long[] padded = new long[PROMPTS.length * longest];
            for (int b = 0; b < PROMPTS.length; b++) {
                for (int t = 0; t < PROMPTS[b].length; t++) {
                    padded[b * longest + longest - PROMPTS[b].length + t] = PROMPTS[b][t];
                }
            }
            NDArray ids = step.create(padded, new Shape(PROMPTS.length, longest));
            out.add(model.prefill(cache, ids, vocab, chunk).toFloatArray());
            assertThat(cache.length()).isEqualTo(longest);
            for (int s = 0; s < DECODE_STEPS; s++) {
                long[] next = new long[PROMPTS.length];
                Arrays.fill(next, 10 + 7 * s);
                NDArray input = step.create(next, new Shape(PROMPTS.length, 1));
                out.add(model.decode(cache, input, vocab).toFloatArray());
            }
        }
        return out;
    }
}
