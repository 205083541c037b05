package dev.ssb.worker.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.ssb.worker.api.GenerationRequest;
import dev.ssb.worker.api.GradientResult;
import dev.ssb.worker.api.KdExample;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LoraConfig;
import dev.ssb.worker.api.LossConfig;
import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.api.SamplingParams;
import dev.ssb.worker.api.TeacherLogits;
import dev.ssb.worker.api.TeacherLogitsRequest;
import dev.ssb.worker.distill.KdGradients;
import dev.ssb.worker.generate.Generator;
import dev.ssb.worker.model.KvCache;
import dev.ssb.worker.model.LoraLayers;
import dev.ssb.worker.model.TinyModels;
import dev.ssb.worker.model.Transformer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Throughput of the runtime on a toy-sized model (hidden 256, 4 layers, 8 heads / 2 KV heads, vocab
 * 1000): decode tokens/s at batch 1, 8, 32, 64, prefill and teacher-logit tokens/s, each with its
 * achieved GFLOP/s next to a plain 1024³ float32 matmul measured in the same run.
 *
 * <p>FLOPs are counted as {@code 2 · P · tokens}, P = the weights every token multiplies (all
 * decoder-layer projections plus the LM head; the embedding lookup is free). Attention score/value
 * products ({@code 4 · context · hidden} per layer and token) are not counted, so the figures
 * slightly understate the work done.
 *
 * <p>KD training (LoRA r=16 on all seven projections, base frozen) is counted as {@code 4 · P ·
 * tokens}: the forward pass and the activation gradients through the frozen weights; the LoRA
 * parameters' own FLOPs are negligible.
 *
 * <p>Run: {@code ./ssb bench runtime}.
 */
public final class RuntimeBenchmark {
    private static final int PROMPT = 16;
    private static final int NEW_TOKENS = 64;

    private RuntimeBenchmark() {}

    public static void main(String[] args) {
        ModelConfig config = TinyModels.qwen2(256, 4, 8, 2, 1000);
        long flopParams =
                config.parameterCount()
                        - (long) config.vocabSize()
                                * config.hiddenSize()
                                * (config.tieWordEmbeddings() ? 0 : 1);
        System.out.printf(
                "model: %s, %,d parameters, %,d multiplied per token; threads=%s,"
                        + " load average %.1f%n",
                config.modelType(),
                config.parameterCount(),
                flopParams,
                System.getProperty("ai.djl.pytorch.num_threads", "default"),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.printf("matmul 1024^3 float32: %.1f GFLOP/s%n", matmulGflops());
        try (Transformer model = TinyModels.load(config, TinyModels.randomWeights(config, 1))) {
            prefill(model, flopParams);
            Generator generator = new Generator(model, config.vocabSize(), Set.of());
            SamplingParams params = new SamplingParams(0.8f, 50, 1f, NEW_TOKENS);
            decode(generator, 1, params, flopParams); // warm-up
            double base = 0;
            for (int batch : new int[] {1, 8, 32, 64}) {
                double tps = decode(generator, batch, params, flopParams);
                if (batch == 1) {
                    base = tps;
                }
                System.out.printf(
                        "decode batch %2d: %8.0f tokens/s  %6.2f GFLOP/s  (%.1fx batch" + " 1)%n",
                        batch, tps, gflops(flopParams, tps), tps / base);
            }
            List<TeacherLogitsRequest> requests = teacherRequests();
            teacher(model, requests, flopParams);
            kdTraining(model, requests, flopParams);
        }
        System.out.printf("matmul 1024^3 float32 (after): %.1f GFLOP/s%n", matmulGflops());
    }

    private static double gflops(long params, double tokensPerSecond) {
        return 2.0 * params * tokensPerSecond / 1e9;
    }

    static double matmulGflops() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.randomNormal(new Shape(1024, 1024));
            NDArray b = m.randomNormal(new Shape(1024, 1024));
            a.matMul(b).close();
            int reps = 10;
            long start = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                NDArray c = a.matMul(b);
                c.getFloat(0, 0); // forces completion
                c.close();
            }
            double s = (System.nanoTime() - start) / 1e9;
            return 2.0 * 1024 * 1024 * 1024 * reps / s / 1e9;
        }
    }

    private static void prefill(Transformer model, long flopParams) {
        int batch = 8;
        int len = 128;
        long[] ids = new long[batch * len];
        Random random = new Random(1);
        for (int i = 0; i < ids.length; i++) {
            ids[i] = random.nextInt(model.config().vocabSize());
        }
        int[] lengths = new int[batch];
        java.util.Arrays.fill(lengths, len);
        double best = 0;
        for (int rep = 0; rep < 4; rep++) {
            try (KvCache cache = model.newCache(lengths, len);
                    NDManager step = model.manager().newSubManager()) {
                long start = System.nanoTime();
                model.prefill(
                                cache,
                                step.create(ids, new Shape(batch, len)),
                                model.config().vocabSize())
                        .toFloatArray();
                double tps = batch * len / ((System.nanoTime() - start) / 1e9);
                best = rep == 0 ? best : Math.max(best, tps);
            }
        }
        System.out.printf(
                "prefill %d x %d: %8.0f tokens/s  %6.2f GFLOP/s%n",
                batch, len, best, gflops(flopParams, best));
    }

    /** Decode-only tokens/s: (prompt + 64 new) minus (prompt + 1 new), best of 3. */
    private static double decode(
            Generator generator, int batch, SamplingParams params, long flopParams) {
        List<GenerationRequest> requests = new ArrayList<>();
        Random random = new Random(batch);
        for (int b = 0; b < batch; b++) {
            int[] prompt = random.ints(PROMPT, 0, 1000).toArray();
            requests.add(new GenerationRequest(prompt, b));
        }
        double best = 0;
        for (int rep = 0; rep < 3; rep++) {
            long t0 = System.nanoTime();
            generator.generateBatch(requests, params.withMaxNewTokens(1));
            long t1 = System.nanoTime();
            generator.generateBatch(requests, params);
            long t2 = System.nanoTime();
            double decodeSeconds = ((t2 - t1) - (t1 - t0)) / 1e9;
            best = Math.max(best, batch * (NEW_TOKENS - 1) / decodeSeconds);
        }
        return best;
    }

    private static List<TeacherLogitsRequest> teacherRequests() {
        List<TeacherLogitsRequest> requests = new ArrayList<>();
        Random random = new Random(3);
        for (int i = 0; i < 8; i++) {
            requests.add(
                    new TeacherLogitsRequest(
                            random.ints(64, 0, 1000).toArray(),
                            random.ints(192, 0, 1000).toArray()));
        }
        return requests;
    }

    /** KD gradient tokens/s on the teacher logits of the same requests (batch of 8 examples). */
    private static void kdTraining(
            Transformer model, List<TeacherLogitsRequest> requests, long flopParams) {
        TeacherScorer scorer = new TeacherScorer(model, model.config().vocabSize(), 16_384);
        List<TeacherLogits> teacher = scorer.score(requests, 20, 2f);
        List<KdExample> batch = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            batch.add(
                    new KdExample(
                            requests.get(i).promptIds(),
                            requests.get(i).replyIds(),
                            teacher.get(i)));
        }
        LoraAdapter adapter =
                LoraAdapter.initialize(
                        new LoraConfig(16, 32f, LoraConfig.ALL_MODULES), model.config(), 7);
        try (LoraLayers lora =
                LoraLayers.fromAdapter(
                        adapter,
                        model.config(),
                        model.manager(),
                        ai.djl.ndarray.types.DataType.FLOAT32)) {
            model.setLora(lora);
            int vocab = model.config().vocabSize();
            GradientResult warm = KdGradients.compute(model, batch, LossConfig.paper(), vocab);
            double best = 0;
            for (int rep = 0; rep < 3; rep++) {
                long start = System.nanoTime();
                KdGradients.compute(model, batch, LossConfig.paper(), vocab);
                best = Math.max(best, warm.tokens() / ((System.nanoTime() - start) / 1e9));
            }
            System.out.printf(
                    "KD training 8 x (64 + 192), LoRA r=16, top-20: %8.0f reply tokens/s"
                            + "  %6.2f GFLOP/s (4·P per forward token)%n",
                    best, 2 * gflops(flopParams, best * 256.0 / 192));
            model.setLora(null);
        }
    }

    private static void teacher(
            Transformer model, List<TeacherLogitsRequest> requests, long flopParams) {
        TeacherScorer scorer = new TeacherScorer(model, model.config().vocabSize(), 16_384);
        scorer.score(requests, 20, 2f);
        double best = 0;
        for (int rep = 0; rep < 3; rep++) {
            long start = System.nanoTime();
            scorer.score(requests, 20, 2f);
            best = Math.max(best, 8 * 256 / ((System.nanoTime() - start) / 1e9));
        }
        System.out.printf(
                "teacher logits 8 x (64 + 192), top-20: %8.0f tokens/s  %6.2f GFLOP/s"
                        + " (forward tokens)%n",
                best, gflops(flopParams, best));
    }
}
