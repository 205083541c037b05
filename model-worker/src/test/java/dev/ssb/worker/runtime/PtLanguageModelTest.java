package dev.ssb.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ssb.worker.api.ChatMessage;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.FinishReason;
import dev.ssb.worker.api.Generation;
import dev.ssb.worker.api.GenerationRequest;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LoraConfig;
import dev.ssb.worker.api.LossConfig;
import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.api.ModelWorker;
import dev.ssb.worker.api.SamplingParams;
import dev.ssb.worker.api.TeacherLogits;
import dev.ssb.worker.api.TeacherLogitsRequest;
import dev.ssb.worker.generate.Generator;
import dev.ssb.worker.io.CheckpointWriter;
import dev.ssb.worker.io.Dtype;
import dev.ssb.worker.model.InMemoryTensorSource;
import dev.ssb.worker.model.TinyModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime end to end on a tiny random Qwen2 with the real Qwen3 tokenizer. */
class PtLanguageModelTest {
    /** Embedding rows beyond the tokenizer's 151,669 ids, as Qwen pads them. */
    private static final int VOCAB = 151_680;

    /** The Qwen3 tokenizer's ids: 151,643 BPE entries + 26 special tokens. */
    private static final int TOKENIZER_VOCAB = 151_669;

    @TempDir static Path tmp;
    private static Path checkpoint;
    private static ModelConfig config;
    private static LanguageModel shared;

    /** The real Qwen3 tokenizer of the test resources (dev/ssb/worker/text/qwen3-tokenizer). */
    private static Path qwen3Tokenizer() {
        try {
            return Path.of(
                            PtLanguageModelTest.class
                                    .getResource(
                                            "/dev/ssb/worker/text/qwen3-tokenizer/tokenizer.json")
                                    .toURI())
                    .getParent();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void writeCheckpoint() {
        Path tokenizer = qwen3Tokenizer();
        config =
                new ModelConfig(
                        "qwen2",
                        16,
                        24,
                        2,
                        2,
                        1,
                        8,
                        10000.0,
                        1e-6,
                        VOCAB,
                        true,
                        true,
                        1024,
                        -1,
                        List.of(151645));
        checkpoint = tmp.resolve("tiny-qwen");
        InMemoryTensorSource weights = TinyModels.randomWeights(config, 3);
        // huge padded rows: their logits would win whenever they were not excluded
        float[] embed = weights.values("model.embed_tokens.weight");
        for (int i = TOKENIZER_VOCAB * 16; i < embed.length; i++) {
            embed[i] *= 200f;
        }
        CheckpointWriter.write(
                checkpoint, config, weights, CheckpointWriter.Options.of(Dtype.F32, tokenizer));
        shared = load();
    }

    @AfterAll
    static void closeShared() {
        shared.close();
    }

    private static LanguageModel load() {
        return ModelWorker.load(checkpoint.toString(), Device.cpu());
    }

    private static float[] lastLogits(PtLanguageModel model, int[] ids) {
        try (NDManager m = model.transformer().manager().newSubManager()) {
            long[] longs = Arrays.stream(ids).asLongStream().toArray();
            float[] all =
                    model.transformer()
                            .forward(
                                    m.create(longs, new Shape(1, ids.length)),
                                    m.ones(new Shape(1, ids.length)))
                            .toFloatArray();
            return Arrays.copyOfRange(all, (ids.length - 1) * VOCAB, ids.length * VOCAB);
        }
    }

    @Test
    void loadsThroughTheServiceLoaderWithTokenizerAndStops() {
        LanguageModel model = shared;
        {
            assertThat(model).isInstanceOf(PtLanguageModel.class);
            assertThat(model.modelId()).isEqualTo("tiny-qwen");
            assertThat(model.config()).isEqualTo(config);
            int imEnd = model.tokenizer().tokenId("<|im_end|>").orElseThrow();
            assertThat(model.stopTokenIds()).contains(imEnd, 151645);
            assertThat(((PtLanguageModel) model).validVocab())
                    .isEqualTo(model.tokenizer().vocabSize())
                    .isLessThan(VOCAB);
            int[] prompt = model.encodeChat(List.of(ChatMessage.user("What is 2+3?")), true);
            assertThat(prompt.length).isGreaterThan(5);
        }
    }

    @Test
    void refusesSequencesLongerThanTheContextBeforeComputingAnything() {
        int[] prompt = new int[1000]; // + 25 new tokens > max_position_embeddings 1024
        Arrays.fill(prompt, 100);
        assertThatThrownBy(
                        () ->
                                shared.generate(
                                        List.of(new GenerationRequest(prompt, 1)),
                                        new SamplingParams(0f, 0, 1f, 25)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1000 prompt tokens + 25 new tokens")
                .hasMessageContaining("max_position_embeddings 1024");
        assertThatThrownBy(
                        () ->
                                shared.teacherLogits(
                                        List.of(
                                                new TeacherLogitsRequest(
                                                        Arrays.copyOf(prompt, 30), prompt)),
                                        4,
                                        1f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("30 prompt tokens + 1000 reply tokens");
        // at the limit it still decodes
        assertThat(
                        shared.generate(
                                        List.of(new GenerationRequest(prompt, 1)),
                                        new SamplingParams(0f, 0, 1f, 24))
                                .get(0)
                                .tokenIds())
                .isNotEmpty();
    }

    @Test
    void generatesWithinTheTokenizerVocabularyAndDecodesWithoutTheEndToken() {
        LanguageModel model = shared;
        {
            int[] prompt = model.encodeChat(List.of(ChatMessage.user("Add 17 and 25.")), true);
            List<Generation> out =
                    model.generate(
                            List.of(
                                    new GenerationRequest(prompt, 1),
                                    new GenerationRequest(prompt, 2),
                                    new GenerationRequest(Arrays.copyOf(prompt, 3), 3)),
                            new SamplingParams(1f, 0, 1f, 8));
            assertThat(out).hasSize(3);
            for (Generation g : out) {
                assertThat(Arrays.stream(g.tokenIds()).max().orElse(0))
                        .isLessThan(model.tokenizer().vocabSize());
                int textLength =
                        g.finishReason() == FinishReason.STOP
                                ? g.tokenIds().length - 1
                                : g.tokenIds().length;
                assertThat(g.text())
                        .isEqualTo(
                                model.tokenizer().decode(Arrays.copyOf(g.tokenIds(), textLength)));
            }
            assertThat(out.get(0).tokenIds()).isNotEqualTo(out.get(1).tokenIds());
        }
    }

    @Test
    void greedyPicksTheArgmaxOverTheTokenizerVocabularyOnly() {
        PtLanguageModel model = (PtLanguageModel) shared;
        int[] prompt = model.tokenizer().encode("Hello world");
        float[] logits = lastLogits(model, prompt);
        int best = 0;
        int bestValid = 0;
        for (int i = 1; i < VOCAB; i++) {
            best = logits[i] > logits[best] ? i : best;
            bestValid = i < TOKENIZER_VOCAB && logits[i] > logits[bestValid] ? i : bestValid;
        }
        assertThat(best).as("a padded row would win").isGreaterThanOrEqualTo(TOKENIZER_VOCAB);
        List<Generation> out =
                model.generate(List.of(new GenerationRequest(prompt, 0)), SamplingParams.greedy(3));
        assertThat(out.get(0).tokenIds()[0]).isEqualTo(bestValid);
    }

    @Test
    void textLeavesOutTheEndTokenOnlyWhenStopped() {
        var tokenizer = shared.tokenizer();
        int imEnd = tokenizer.tokenId("<|im_end|>").orElseThrow();
        int[] ids = tokenizer.encode("Déjà 42 ✓");
        int[] withEnd = Arrays.copyOf(ids, ids.length + 1);
        withEnd[ids.length] = imEnd;
        Generation stopped =
                PtLanguageModel.toGeneration(
                        tokenizer, new Generator.Result(withEnd, FinishReason.STOP));
        assertThat(stopped.text()).isEqualTo("Déjà 42 ✓");
        assertThat(stopped.tokenIds()).containsExactly(withEnd);
        Generation cut =
                PtLanguageModel.toGeneration(
                        tokenizer, new Generator.Result(withEnd, FinishReason.LENGTH));
        // a special token is never text, wherever it was sampled; the ids keep it
        assertThat(cut.text()).isEqualTo("Déjà 42 ✓");
        assertThat(cut.tokenIds()).containsExactly(withEnd);
    }

    @Test
    void specialTokensSampledMidReplyAreLeftOutOfTheTextButKeptInTheIds() {
        var tokenizer = shared.tokenizer();
        int imStart = tokenizer.tokenId("<|im_start|>").orElseThrow();
        int[] a = tokenizer.encode("x = 1");
        int[] think = tokenizer.encode("<think>y</think>"); // added but not special in Qwen3
        int[] ids = new int[a.length + 1 + think.length];
        System.arraycopy(a, 0, ids, 0, a.length);
        ids[a.length] = imStart;
        System.arraycopy(think, 0, ids, a.length + 1, think.length);
        Generation g =
                PtLanguageModel.toGeneration(
                        tokenizer, new Generator.Result(ids, FinishReason.LENGTH));
        assertThat(g.text()).isEqualTo("x = 1<think>y</think>");
        assertThat(g.tokenIds()).contains(imStart);
        assertThat(tokenizer.decode(ids)).contains("<|im_start|>");
    }

    @Test
    void exposesTheCheckpointsGenerationDefaults() throws Exception {
        Path dir = tmp.resolve("with-defaults");
        CheckpointWriter.write(
                dir,
                config,
                TinyModels.randomWeights(config, 3),
                CheckpointWriter.Options.of(Dtype.F32, qwen3Tokenizer()));
        java.nio.file.Files.writeString(
                dir.resolve("generation_config.json"),
                "{\"temperature\": 0.6, \"top_p\": 0.95, \"top_k\": 20}");
        try (LanguageModel m = ModelWorker.load(dir.toString(), Device.cpu())) {
            assertThat(m.generationDefaults().temperature()).hasValue(0.6);
            assertThat(m.generationDefaults().topP()).hasValue(0.95);
            assertThat(m.generationDefaults().topK()).hasValue(20);
            assertThat(m.generationDefaults().repetitionPenalty()).isEmpty();
        }
    }

    @Test
    void teacherLogitsExcludePaddedEmbeddingRows() {
        LanguageModel model = shared;
        {
            int valid = model.tokenizer().vocabSize();
            List<TeacherLogits> out =
                    model.teacherLogits(
                            List.of(
                                    new TeacherLogitsRequest(
                                            new int[] {100, 200, 300}, new int[] {400, 500})),
                            valid + 50,
                            2f);
            TeacherLogits t = out.get(0);
            assertThat(t.k()).isEqualTo(valid);
            assertThat(t.positions()).isEqualTo(2);
            double mass = 0;
            for (int j = 0; j < valid; j++) {
                assertThat(t.topkIds()[j]).isLessThan(valid);
                mass += Math.exp(t.topkLogits()[j] / 2f - t.logSumExp()[0]);
            }
            assertThat(mass).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-4));
        }
    }

    @Test
    void savesMergedWeightsThatReloadToTheAdaptedModel() {
        Path saved = tmp.resolve("merged");
        int[] ids = {11, 2222, 33333, 4444};
        float[] adapted;
        try (LanguageModel model = load()) {
            PtLanguageModel pt = (PtLanguageModel) model;
            float[] base = lastLogits(pt, ids);
            LoraConfig lora = new LoraConfig(2, 4f, LoraConfig.ALL_MODULES);
            LoraAdapter init = LoraAdapter.initialize(lora, config, 5);
            // B = 0 at initialisation: the adapted model is the base model
            model.setAdapter(init);
            assertThat(lastLogits(pt, ids)).containsExactly(base);
            Random random = new Random(1);
            Map<String, dev.ssb.worker.api.HostTensor> tensors = new java.util.TreeMap<>();
            init.tensors()
                    .forEach(
                            (k, v) -> {
                                float[] d = v.data().clone();
                                for (int i = 0; i < d.length; i++) {
                                    d[i] += 0.3f * (float) random.nextGaussian();
                                }
                                tensors.put(k, new dev.ssb.worker.api.HostTensor(v.shape(), d));
                            });
            LoraAdapter trained = new LoraAdapter(lora, tensors);
            model.setAdapter(trained);
            assertThat(model.adapter()).contains(trained);
            adapted = lastLogits(pt, ids);
            assertThat(TestMath.maxAbsDiff(adapted, base)).isGreaterThan(1e-3);
            model.save(saved);
            model.setAdapter(null);
            assertThat(lastLogits(pt, ids)).containsExactly(base);
        }
        assertThat(saved.resolve("tokenizer.json")).exists();
        try (LanguageModel merged = ModelWorker.load(saved.toString(), Device.cpu())) {
            assertThat(merged.adapter()).isEmpty();
            // x·(W + s·B·A) vs x·W + s·(x·A)·B: float32 rounding only. The logits reach ~200 here,
            // where 1e-4 is 7 ulps; fused q/k/v and gate/up products round differently (1.7e-4
            // measured vs 5e-5 unfused), so the bound is relative: 2e-6 of the largest logit
            double largest = 0;
            for (float v : adapted) {
                largest = Math.max(largest, Math.abs(v));
            }
            assertThat(TestMath.maxAbsDiff(lastLogits((PtLanguageModel) merged, ids), adapted))
                    .isLessThanOrEqualTo(2e-6 * largest);
        }
    }

    @Test
    void gradientsNeedAnAdapter() {
        LanguageModel model = shared;
        {
            assertThatThrownBy(() -> model.computeGradients(List.of(), LossConfig.paper()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("Cannot compute gradients: no adapter is set");
        }
    }

    @Test
    void gpuRequestFailsNamingTheLibtorchSettingsWhenCudaIsAbsent() {
        assumeTrue(Devices.gpuCount() == 0, "a GPU is present");
        assertThatThrownBy(
                        () ->
                                ModelWorker.load(
                                        checkpoint.toString(),
                                        Device.gpu(0, Device.DType.BFLOAT16)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Cannot use GPU 0: the loaded libtorch sees 0 CUDA device(s)")
                .hasMessageContaining("flavor cpu")
                .hasMessageContaining("PYTORCH_LIBRARY_PATH")
                .hasMessageContaining("PYTORCH_FLAVOR=cu128")
                .hasMessageContaining("pytorch-native-cu128")
                .hasMessageContaining("model.device_fallback=cpu");
    }

    @Test
    void gpuRequestWithFallbackRunsOnTheCpuWhenCudaIsAbsent() {
        assumeTrue(Devices.gpuCount() == 0, "a GPU is present");
        try (LanguageModel model =
                ModelWorker.load(
                        checkpoint.toString(),
                        Device.gpu(0, Device.DType.FLOAT16).withCpuFallback(true))) {
            assertThat(model.device()).isEqualTo(Device.cpu());
        }
    }

    @Test
    void anExistingGpuIsKeptAndCpuRefusesHalfTypes() {
        Device gpu = Device.gpu(1, Device.DType.BFLOAT16);
        assertThat(Devices.resolve(gpu, 2, "test")).isSameAs(gpu);
        assertThatThrownBy(() -> Devices.resolve(gpu, 1, "libtorch X"))
                .hasMessageContaining("sees 1 CUDA device(s) (libtorch X)");
        assertThat(Devices.resolve(gpu.withCpuFallback(true), 1, "test")).isEqualTo(Device.cpu());
        assertThatThrownBy(() -> new Device(-1, Device.DType.BFLOAT16))
                .hasMessage("Invalid dtype: BFLOAT16 on CPU (use FLOAT32)");
        assertThat(Devices.dataType(gpu)).isEqualTo(ai.djl.ndarray.types.DataType.BFLOAT16);
    }

    @Test
    void nativeRuntimeReportsTheBundledCpuLibtorch() {
        assumeTrue(Devices.gpuCount() == 0, "a GPU is present");
        var runtime = ModelWorker.nativeRuntime();
        assertThat(runtime.libtorchVersion()).isEqualTo(LibTorch.EXPECTED_VERSION);
        assertThat(runtime.flavor()).isEqualTo("cpu");
        assertThat(runtime.cuda()).isFalse();
        assertThat(runtime.gpus()).isEmpty();
        assertThat(Path.of(runtime.libtorchPath())).isDirectory();
        assertThat(ModelWorker.matmulGflops(Device.cpu(), 128)).isPositive();
        assertThat(LibTorch.flavor(null, "/c/pytorch/2.7.1-cu128-linux-x86_64")).isEqualTo("cu128");
        assertThat(LibTorch.flavor(null, "/c/pytorch/2.7.1-20250812-cpu-linux-x86_64"))
                .isEqualTo("cpu");
        assertThat(LibTorch.flavor("cu126", "/x")).isEqualTo("cu126");
        assertThat(LibTorch.flavor("", "/usr/lib/torch")).isEqualTo("unknown");
    }

    @Test
    void float16OnTheGpuAgreesWithFloat32OnTheCpu() {
        assumeTrue(Devices.gpuCount() > 0, "no GPU");
        int[] ids = {5, 6, 7, 8};
        try (LanguageModel cpu = load();
                LanguageModel gpu =
                        ModelWorker.load(
                                checkpoint.toString(), Device.gpu(0, Device.DType.FLOAT16))) {
            assertThat(gpu.device().isGpu()).isTrue();
            assertThat(
                            TestMath.maxAbsDiff(
                                    lastLogits((PtLanguageModel) gpu, ids),
                                    lastLogits((PtLanguageModel) cpu, ids)))
                    .isLessThan(2e-2);
        }
    }

    @Test
    void rejectsACheckpointWithoutWeights() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Files.copy(checkpoint.resolve("config.json"), empty.resolve("config.json"));
        assertThatThrownBy(() -> ModelWorker.load(empty.toString(), Device.cpu()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Cannot load checkpoint");
        assertThatThrownBy(() -> ModelWorker.load(tmp.resolve("absent").toString(), Device.cpu()))
                .hasMessageContaining("not a directory");
    }
}
