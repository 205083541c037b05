package dev.ssb.worker.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssb.worker.api.ChatMessage;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.GenerationRequest;
import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.api.ModelWorker;
import dev.ssb.worker.api.SamplingParams;
import dev.ssb.worker.api.ToyData;
import dev.ssb.worker.generate.Generator;
import dev.ssb.worker.generate.Generator.Batching;
import dev.ssb.worker.model.TinyModels;
import dev.ssb.worker.model.Transformer;
import dev.ssb.worker.toy.Prompts;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Decode throughput, static vs continuous batching, against the machine's matrix-product speed.
 *
 * <p>First the demo's rollout workload: the embedded toy model, the first 256 of the demo's
 * training problems (toy seed 2512), the shipped system prompt, K = 4 samples at T = 0.8, top-k 50,
 * at most 512 new tokens, {@code rollout.batch_size} 16; static and continuous loops, checked to
 * give identical tokens. The work is cut into 4 slices run static-continuous, continuous-static,
 * continuous-static, static-continuous, so that a changing machine load hits both loops alike. Then
 * a long-tailed workload that shows where continuous batching pays ({@link #longTailed}), and a
 * Qwen2.5-0.5B-shaped random model (hidden 896, 14 query / 2 KV heads, MLP 4864, vocab 151,936,
 * tied, 2 of its 24 layers): 16 prompts of 16 to 64 tokens, 48 new tokens each. The last line is
 * {@code continuous/static: X×} for the demo workload (wall time); the forward-pass ratio next to
 * it does not depend on the machine's load.
 *
 * <p>FLOPs as in {@link RuntimeBenchmark}: {@code 2 · P · tokens}, P = the weights each token
 * multiplies (decoder projections and the LM head rows over the tokenizer's vocabulary); attention
 * products are not counted. Tokens are all generated tokens (a sequence's first comes from its
 * prefill), wall time includes the prefills.
 *
 * <p>Run: {@code ./ssb bench decode} ({@code SSB_TORCH_THREADS} sets the torch threads, default 1).
 */
public final class DecodeBenchmark {
    private static int problems = 256;
    private static final int SAMPLES = 4;
    private static final int BATCH = 16;
    private static final long TOY_SEED = 2512;

    private DecodeBenchmark() {}

    /** Optional argument: the number of demo problems (default 256). */
    public static void main(String[] args) throws IOException {
        if (args.length > 0) {
            problems = Integer.parseInt(args[0]);
        }
        System.out.printf(
                "threads=%s, cores=%d, load average %.1f%n",
                System.getProperty("ai.djl.pytorch.num_threads", "default"),
                Runtime.getRuntime().availableProcessors(),
                load());
        double matmul = RuntimeBenchmark.matmulGflops();
        System.out.printf("matmul 1024^3 float32: %.1f GFLOP/s%n", matmul);
        double ratio = demoWorkload(matmul);
        longTailed(matmul);
        qwenShaped(matmul);
        System.out.printf(
                "matmul 1024^3 float32 (after): %.1f GFLOP/s, load average %.1f%n",
                RuntimeBenchmark.matmulGflops(), load());
        System.out.printf("continuous/static: %.2f×%n", ratio);
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** Runs both loops on the demo's rollout workload; returns continuous/static tokens/s. */
    private static double demoWorkload(double matmul) throws IOException {
        try (PtLanguageModel model =
                (PtLanguageModel) ModelWorker.load(ModelWorker.EMBEDDED, Device.cpu())) {
            List<GenerationRequest> requests = demoRequests(model);
            SamplingParams params = new SamplingParams(0.8f, 50, 1f, 512);
            long flops = flopParams(model.config(), model.validVocab());
            System.out.printf(
                    "demo rollout: embedded:toy (%,d weights per token), %d problems x K=%d,"
                            + " T=0.8, top-k 50, max 512 new tokens, batch %d%n",
                    flops, problems, SAMPLES, BATCH);
            Generator generator =
                    new Generator(model.transformer(), model.validVocab(), model.stopTokenIds());
            generator.generate(requests.subList(0, BATCH), params, BATCH, Batching.STATIC);
            // 4 slices, alternating which loop goes first (ABBA), so load drift hits both alike
            List<Run> statics = new ArrayList<>();
            List<Run> continuous = new ArrayList<>();
            int slice = requests.size() / 4;
            for (int i = 0; i < 4; i++) {
                List<GenerationRequest> part =
                        requests.subList(i * slice, i == 3 ? requests.size() : (i + 1) * slice);
                for (Batching b : i % 3 == 0 ? Batching.values() : reversed()) {
                    Run r = run(generator, part, params, b, flops, matmul, false);
                    (b == Batching.STATIC ? statics : continuous).add(r);
                }
            }
            Run still = report(Batching.STATIC, statics, flops, matmul);
            Run moving = report(Batching.CONTINUOUS, continuous, flops, matmul);
            int same = 0;
            for (int i = 0; i < requests.size(); i++) {
                same += Arrays.equals(still.tokens.get(i), moving.tokens.get(i)) ? 1 : 0;
            }
            System.out.printf(
                    "  identical tokens: %d of %d sequences; forward passes static/continuous:"
                            + " %.2f×; reply tokens mean %.1f, max %d%n",
                    same,
                    requests.size(),
                    (double) still.forwardPasses / moving.forwardPasses,
                    still.tokens.stream().mapToInt(t -> t.length).average().orElse(0),
                    still.tokens.stream().mapToInt(t -> t.length).max().orElse(0));
            return moving.tokensPerSecond / still.tokensPerSecond;
        }
    }

    /** The demo's first 256 training problems as rollout prompts, K seeds each. */
    private static List<GenerationRequest> demoRequests(PtLanguageModel model) throws IOException {
        return demoRequests(model, problems);
    }

    /** The demo's first {@code count} training problems as rollout prompts, K seeds each. */
    static List<GenerationRequest> demoRequests(PtLanguageModel model, int count)
            throws IOException {
        Path dir = Files.createTempDirectory("ssb-bench-decode");
        try {
            ToyData.writeEmbeddedSplits(dir, TOY_SEED, count, 0, false);
            ObjectMapper json = new ObjectMapper();
            String system = Prompts.defaults().system().strip();
            List<GenerationRequest> out = new ArrayList<>();
            int p = 0;
            for (String line : Files.readAllLines(dir.resolve(ToyData.TRAIN_FILE))) {
                JsonNode problem = json.readTree(line);
                int[] prompt =
                        model.encodeChat(
                                List.of(
                                        ChatMessage.system(system),
                                        ChatMessage.user(problem.get("question").asText())),
                                true);
                for (int s = 0; s < SAMPLES; s++) {
                    out.add(new GenerationRequest(prompt, 1_000_003L * p + s));
                }
                p++;
            }
            return out;
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
    }

    /** One timed generate call and what it produced. */
    private record Run(
            List<int[]> tokens,
            double seconds,
            double tokensPerSecond,
            long rowSteps,
            long forwardPasses) {}

    private static Batching[] reversed() {
        return new Batching[] {Batching.CONTINUOUS, Batching.STATIC};
    }

    /** The slices' runs of one loop as one. */
    private static Run report(Batching batching, List<Run> runs, long flops, double matmul) {
        List<int[]> tokens = new ArrayList<>();
        double seconds = 0;
        long rowSteps = 0;
        long passes = 0;
        for (Run r : runs) {
            tokens.addAll(r.tokens);
            seconds += r.seconds;
            rowSteps += r.rowSteps;
            passes += r.forwardPasses;
        }
        return print(batching, tokens, seconds, rowSteps, passes, flops, matmul);
    }

    private static Run run(
            Generator generator,
            List<GenerationRequest> requests,
            SamplingParams params,
            Batching batching,
            long flops,
            double matmul) {
        return run(generator, requests, params, batching, flops, matmul, true);
    }

    private static Run run(
            Generator generator,
            List<GenerationRequest> requests,
            SamplingParams params,
            Batching batching,
            long flops,
            double matmul,
            boolean print) {
        long steps = generator.decodedRowSteps();
        long passes = generator.forwardPasses();
        long start = System.nanoTime();
        List<Generator.Result> results = generator.generate(requests, params, BATCH, batching);
        double seconds = (System.nanoTime() - start) / 1e9;
        long rowSteps = generator.decodedRowSteps() - steps;
        long forwardPasses = generator.forwardPasses() - passes;
        List<int[]> tokens = results.stream().map(Generator.Result::tokenIds).toList();
        if (print) {
            return print(batching, tokens, seconds, rowSteps, forwardPasses, flops, matmul);
        }
        long count = tokens.stream().mapToLong(t -> t.length).sum();
        return new Run(tokens, seconds, count / seconds, rowSteps, forwardPasses);
    }

    private static Run print(
            Batching batching,
            List<int[]> tokens,
            double seconds,
            long rowSteps,
            long forwardPasses,
            long flops,
            double matmul) {
        long count = tokens.stream().mapToLong(t -> t.length).sum();
        double tps = count / seconds;
        double gflops = 2.0 * flops * tps / 1e9;
        System.out.printf(
                "  %-10s %,8d tokens in %6.1f s: %7.0f tokens/s  %6.2f GFLOP/s (%.1f%% of"
                        + " matmul)  %,d forward passes (%.1f tokens each), rows busy %.0f%%,"
                        + " load %.1f%n",
                batching.name().toLowerCase(java.util.Locale.ROOT),
                count,
                seconds,
                tps,
                gflops,
                100 * gflops / matmul,
                forwardPasses,
                (double) count / forwardPasses,
                100.0 * (count - tokens.size()) / rowSteps,
                load());
        return new Run(tokens, seconds, tps, rowSteps, forwardPasses);
    }

    /**
     * Replies of geometric length, as real models' are long-tailed: a toy-shaped random model
     * (hidden 128, 4 layers, vocab 1000, near-uniform next-token distribution) whose ids below 10
     * stop a reply (mean about 100 tokens), at most 256 new tokens, 128 requests.
     */
    private static void longTailed(double matmul) {
        ModelConfig config = TinyModels.qwen2(128, 4, 4, 2, 1000);
        long flops = flopParams(config, config.vocabSize());
        System.out.printf(
                "long-tailed replies: toy-shaped random model (%,d weights per token), ids < 10"
                        + " stop, 128 requests, max 256 new tokens, batch %d%n",
                flops, BATCH);
        try (Transformer model = TinyModels.load(config, TinyModels.uniformWeights(config, 3))) {
            SplittableRandom random = new SplittableRandom(7);
            List<GenerationRequest> requests = new ArrayList<>();
            for (int i = 0; i < 128; i++) {
                requests.add(
                        new GenerationRequest(
                                random.ints(24 + random.nextInt(16), 10, 1000).toArray(), i));
            }
            SamplingParams params = new SamplingParams(1f, 0, 1f, 256);
            Generator generator =
                    new Generator(
                            model,
                            config.vocabSize(),
                            java.util.stream.IntStream.range(0, 10).boxed().toList());
            Run still = run(generator, requests, params, Batching.STATIC, flops, matmul);
            Run moving = run(generator, requests, params, Batching.CONTINUOUS, flops, matmul);
            System.out.printf(
                    "  forward passes static/continuous: %.2f×; reply tokens mean %.1f, max %d;"
                            + " long-tailed continuous/static: %.2f×%n",
                    (double) still.forwardPasses / moving.forwardPasses,
                    still.tokens.stream().mapToInt(t -> t.length).average().orElse(0),
                    still.tokens.stream().mapToInt(t -> t.length).max().orElse(0),
                    moving.tokensPerSecond / still.tokensPerSecond);
        }
    }

    /** A random checkpoint with Qwen2.5-0.5B's shapes and 2 of its 24 layers. */
    private static void qwenShaped(double matmul) {
        ModelConfig config = qwenConfig();
        long flops = flopParams(config, config.vocabSize());
        System.out.printf(
                "Qwen2.5-0.5B shapes, 2 of 24 layers, random weights (%,d weights per token):%n",
                flops);
        try (Transformer model = TinyModels.load(config, TinyModels.uniformWeights(config, 1))) {
            List<GenerationRequest> requests = qwenRequests();
            SamplingParams params = new SamplingParams(0.8f, 50, 1f, 48);
            Generator generator = new Generator(model, config.vocabSize(), List.of());
            generator.generate(requests.subList(0, 2), params.withMaxNewTokens(2), BATCH);
            run(generator, requests, params, Batching.STATIC, flops, matmul);
            run(generator, requests, params, Batching.CONTINUOUS, flops, matmul);
        }
    }

    /** 16 random prompts of 16–64 tokens below id 151,000. */
    static List<GenerationRequest> qwenRequests() {
        SplittableRandom random = new SplittableRandom(5);
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            int[] prompt = random.ints(16 + random.nextInt(49), 0, 151_000).toArray();
            requests.add(new GenerationRequest(prompt, i));
        }
        return requests;
    }

    /** Qwen2.5-0.5B's shapes with 2 of its 24 layers. */
    static ModelConfig qwenConfig() {
        return qwenConfig(2, 0);
    }

    /** Qwen2.5-0.5B's shapes with {@code layers} of its 24 layers and room for {@code context}. */
    static ModelConfig qwenConfig(int layers, int context) {
        return new ModelConfig(
                "qwen2",
                896,
                4864,
                layers,
                14,
                2,
                64,
                1_000_000.0,
                1e-6,
                151_936,
                true,
                true,
                Math.max(32_768, context),
                -1,
                List.of(151_643));
    }

    /** Weights multiplied per token: the model's weights less the embedding, plus the LM head. */
    private static long flopParams(ModelConfig config, int validVocab) {
        long embedding = (long) config.vocabSize() * config.hiddenSize();
        long head = (long) validVocab * config.hiddenSize();
        return config.parameterCount() - embedding * (config.tieWordEmbeddings() ? 1 : 2) + head;
    }
}
