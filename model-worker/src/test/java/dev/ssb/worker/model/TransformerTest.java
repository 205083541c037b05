package dev.ssb.worker.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ssb.worker.api.ModelConfig;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TransformerTest {
    private static final double TOL = 1e-4;

    static Stream<ModelConfig> configs() {
        return TinyModels.all().stream();
    }

    /** Logits [seq][vocab] of one unpadded sequence through forward(). */
    static float[][] fullLogits(Transformer model, int[] ids) {
        try (NDManager step = model.manager().newSubManager()) {
            NDArray input = step.create(toLong(ids), new Shape(1, ids.length));
            NDArray mask =
                    step.ones(new Shape(1, ids.length))
                            .toType(ai.djl.ndarray.types.DataType.INT64, false);
            float[] flat = model.forward(input, mask).toFloatArray();
            int v = flat.length / ids.length;
            float[][] out = new float[ids.length][];
            for (int t = 0; t < ids.length; t++) {
                out[t] = Arrays.copyOfRange(flat, t * v, (t + 1) * v);
            }
            return out;
        }
    }

    static long[] toLong(int[] ids) {
        return Arrays.stream(ids).asLongStream().toArray();
    }

    static double maxAbsDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    @ParameterizedTest
    @MethodSource("configs")
    void forwardMatchesPlainJavaReference(ModelConfig config) {
        InMemoryTensorSource weights = TinyModels.randomWeights(config, 7);
        int[] ids = {3, 17, 0, 42, 5, 5, 29, 11, 50};
        double[][] expected = new ReferenceModel(config, weights).logits(ids);
        try (Transformer model = TinyModels.load(config, weights)) {
            float[][] actual = fullLogits(model, ids);
            double max = 0;
            for (int t = 0; t < ids.length; t++) {
                for (int v = 0; v < config.vocabSize(); v++) {
                    max = Math.max(max, Math.abs(actual[t][v] - expected[t][v]));
                }
            }
            assertThat(max).isLessThanOrEqualTo(TOL);
            // the logits are not trivially small: a wrong model could not pass by accident
            assertThat(
                            Math.abs(expected[ids.length - 1][0])
                                    + Math.abs(expected[ids.length - 1][1]))
                    .isGreaterThan(1e-2);
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void incrementalDecodeMatchesFullForward(ModelConfig config) {
        try (Transformer model = TinyModels.load(config, TinyModels.randomWeights(config, 11))) {
            int[][] prompts = {{4, 9, 13, 2, 7}, {30}, {8, 8, 1}};
            int[][] continuations = {{5, 6, 7, 8}, {12, 0, 44, 3}, {9, 19, 29, 39}};
            int steps = continuations[0].length;
            int longest = 5;
            int[] lengths = Arrays.stream(prompts).mapToInt(p -> p.length).toArray();
            try (KvCache cache = model.newCache(lengths, longest + steps)) {
                float[][] got = new float[prompts.length][];
                try (NDManager step = model.manager().newSubManager()) {
                    long[] padded = new long[prompts.length * longest];
                    for (int b = 0; b < prompts.length; b++) {
                        int pad = longest - prompts[b].length;
                        for (int t = 0; t < prompts[b].length; t++) {
                            padded[b * longest + pad + t] = prompts[b][t];
                        }
                    }
                    float[] logits =
                            model.prefill(
                                            cache,
                                            step.create(padded, new Shape(prompts.length, longest)),
                                            config.vocabSize())
                                    .toFloatArray();
                    assertRowsMatch(model, prompts, new int[prompts.length][0], logits);
                }
                for (int s = 0; s < steps; s++) {
                    try (NDManager step = model.manager().newSubManager()) {
                        long[] next = new long[prompts.length];
                        int[][] soFar = new int[prompts.length][];
                        for (int b = 0; b < prompts.length; b++) {
                            next[b] = continuations[b][s];
                            soFar[b] = Arrays.copyOf(continuations[b], s + 1);
                        }
                        float[] logits =
                                model.decode(
                                                cache,
                                                step.create(next, new Shape(prompts.length, 1)),
                                                config.vocabSize())
                                        .toFloatArray();
                        assertRowsMatch(model, prompts, soFar, logits);
                    }
                }
                assertThat(cache.length()).isEqualTo(longest + steps);
            }
        }
    }

    private static void assertRowsMatch(
            Transformer model, int[][] prompts, int[][] generated, float[] batchLogits) {
        int vocab = batchLogits.length / prompts.length;
        for (int b = 0; b < prompts.length; b++) {
            int[] seq = concat(prompts[b], generated[b]);
            float[][] full = fullLogits(model, seq);
            float[] row = Arrays.copyOfRange(batchLogits, b * vocab, (b + 1) * vocab);
            assertThat(maxAbsDiff(row, full[seq.length - 1]))
                    .as("row %s after %s tokens", b, seq.length)
                    .isLessThanOrEqualTo(TOL);
        }
    }

    static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @ParameterizedTest
    @MethodSource("configs")
    void paddingDoesNotChangeRealPositions(ModelConfig config) {
        try (Transformer model = TinyModels.load(config, TinyModels.randomWeights(config, 3));
                NDManager step = model.manager().newSubManager()) {
            int[] ids = {6, 1, 22, 40};
            float[][] solo = fullLogits(model, ids);
            // row 0 right-padded by 2, row 1 left-padded by 2
            long[] input = {6, 1, 22, 40, 0, 0, 0, 0, 6, 1, 22, 40};
            long[] mask = {1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1};
            float[] logits =
                    model.forward(
                                    step.create(input, new Shape(2, 6)),
                                    step.create(mask, new Shape(2, 6)))
                            .toFloatArray();
            int v = config.vocabSize();
            for (int t = 0; t < ids.length; t++) {
                float[] right = Arrays.copyOfRange(logits, t * v, (t + 1) * v);
                float[] left = Arrays.copyOfRange(logits, (6 + 2 + t) * v, (6 + 3 + t) * v);
                assertThat(maxAbsDiff(right, solo[t])).isLessThanOrEqualTo(TOL);
                assertThat(maxAbsDiff(left, solo[t])).isLessThanOrEqualTo(TOL);
            }
        }
    }

    @Test
    void logitsLeaveOutRowsBeyondTheTokenizerVocabulary() {
        ModelConfig config = TinyModels.qwen2();
        try (Transformer model = TinyModels.load(config, TinyModels.randomWeights(config, 5));
                NDManager step = model.manager().newSubManager()) {
            NDArray hidden =
                    model.hidden(
                            step.create(new long[] {1, 2, 3}, new Shape(1, 3)),
                            step.ones(new Shape(1, 3)));
            float[] all = model.logits(hidden, config.vocabSize()).toFloatArray();
            NDArray cut = model.logits(hidden, 40);
            assertThat(cut.getShape()).isEqualTo(new Shape(1, 3, 40));
            float[] cutValues = cut.toFloatArray();
            for (int t = 0; t < 3; t++) {
                assertThat(Arrays.copyOfRange(cutValues, t * 40, t * 40 + 40))
                        .containsExactly(
                                Arrays.copyOfRange(
                                        all, t * config.vocabSize(), t * config.vocabSize() + 40));
            }
            assertThatThrownBy(() -> model.logits(hidden, config.vocabSize() + 1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Invalid vocab size");
        }
    }

    @Test
    void rejectsCheckpointWithMissingKey() {
        ModelConfig config = TinyModels.llama();
        InMemoryTensorSource weights =
                TinyModels.randomWeights(config, 1).remove("model.layers.1.mlp.up_proj.weight");
        assertThatThrownBy(() -> TinyModels.load(config, weights))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Cannot load checkpoint: missing key model.layers.1.mlp.up_proj.weight");
    }

    @Test
    void rejectsMisshapenTensor() {
        ModelConfig config = TinyModels.qwen2();
        InMemoryTensorSource weights =
                TinyModels.randomWeights(config, 1)
                        .put("model.norm.weight", new long[] {31}, new float[31]);
        assertThatThrownBy(() -> TinyModels.load(config, weights))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model.norm.weight has shape [31], expected [32]");
    }

    @ParameterizedTest
    @MethodSource("configs")
    void float16PathAgreesWithFloat32(ModelConfig config) {
        // the GPU code path (half weights, float32 softmax and logits), exercised on the CPU
        InMemoryTensorSource weights = TinyModels.randomWeights(config, 13);
        int[] ids = {9, 2, 31, 7, 18};
        try (Transformer full = TinyModels.load(config, weights);
                Transformer half =
                        Transformer.create(
                                config,
                                weights,
                                ai.djl.Device.cpu(),
                                ai.djl.ndarray.types.DataType.FLOAT16)) {
            assertThat(half.parameters().get("model.norm.weight").getDataType())
                    .isEqualTo(ai.djl.ndarray.types.DataType.FLOAT16);
            float[][] a = fullLogits(full, ids);
            float[][] b = fullLogits(half, ids);
            for (int t = 0; t < ids.length; t++) {
                assertThat(maxAbsDiff(a[t], b[t])).isLessThan(3e-2);
            }
        }
    }

    @Test
    void loadsMemoryMappedCheckpointsZeroCopyOrTrainable(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        ModelConfig config = TinyModels.qwen2();
        InMemoryTensorSource weights = TinyModels.randomWeights(config, 17);
        dev.ssb.worker.io.CheckpointWriter.write(
                tmp,
                config,
                weights,
                dev.ssb.worker.io.CheckpointWriter.Options.of(dev.ssb.worker.io.Dtype.F32, null));
        int[] ids = {1, 2, 3, 4};
        try (dev.ssb.worker.io.CheckpointDirectory dir =
                        dev.ssb.worker.io.CheckpointDirectory.open(tmp);
                Transformer memory = TinyModels.load(config, weights);
                Transformer mapped =
                        Transformer.create(
                                config,
                                dir,
                                ai.djl.Device.cpu(),
                                ai.djl.ndarray.types.DataType.FLOAT32);
                Transformer trainable =
                        Transformer.create(
                                config,
                                dir,
                                ai.djl.Device.cpu(),
                                ai.djl.ndarray.types.DataType.FLOAT32,
                                true)) {
            assertThat(dir.readFloat32("model.norm.weight").isReadOnly()).isTrue();
            float[][] expected = fullLogits(memory, ids);
            assertThat(fullLogits(mapped, ids)[3]).containsExactly(expected[3]);
            // an in-place update must be possible (it would crash on a read-only mapping)
            trainable.parameters().get("model.norm.weight").muli(2f);
            assertThat(maxAbsDiff(fullLogits(trainable, ids)[3], expected[3])).isGreaterThan(1e-2);
            assertThat(fullLogits(mapped, ids)[3]).containsExactly(expected[3]);
        }
    }
}
