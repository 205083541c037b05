package dev.ssb.worker.runtime;

import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.GenerationRequest;
import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.api.ModelWorker;
import dev.ssb.worker.api.SamplingParams;
import dev.ssb.worker.generate.Generator;
import dev.ssb.worker.generate.Generator.Batching;
import dev.ssb.worker.model.TinyModels;
import dev.ssb.worker.model.Transformer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fused against separate q/k/v and gate/up projections, both in one JVM on the same weights (one
 * copy loaded as usual, fused; the other turned back with {@link Transformer#separateProjections}),
 * run in 4 alternating slices (ABBA) so that the shared machine's load hits both alike: the demo's
 * rollout workload on the embedded model (continuous loop, batch 16) and the Qwen2.5-0.5B-shaped
 * random model of {@link DecodeBenchmark}. Prints tokens/s of each, how many sequences came out
 * identical (sampling can flip where the two round differently) and {@code fused/separate: X×}.
 *
 * <p>Run with the class path of {@code ./ssb bench decode}; optional argument: demo problems
 * (default 32).
 */
public final class FusedProjectionsBenchmark {
    private static final int BATCH = 16;

    private FusedProjectionsBenchmark() {}

    public static void main(String[] args) throws IOException {
        int problems = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        System.out.printf(
                "threads=%s, load average %.1f%n",
                System.getProperty("ai.djl.pytorch.num_threads", "default"), load());
        try (PtLanguageModel fused =
                        (PtLanguageModel) ModelWorker.load(ModelWorker.EMBEDDED, Device.cpu());
                PtLanguageModel separate =
                        (PtLanguageModel) ModelWorker.load(ModelWorker.EMBEDDED, Device.cpu())) {
            separate.transformer().separateProjections();
            compare(
                    String.format(
                            "demo rollout: embedded:toy, %d problems x K=4, T=0.8, top-k 50, batch"
                                    + " 16, continuous",
                            problems),
                    new Generator(fused.transformer(), fused.validVocab(), fused.stopTokenIds()),
                    new Generator(
                            separate.transformer(), separate.validVocab(), separate.stopTokenIds()),
                    DecodeBenchmark.demoRequests(fused, problems),
                    new SamplingParams(0.8f, 50, 1f, 512));
        }
        ModelConfig config = DecodeBenchmark.qwenConfig();
        try (Transformer fused = TinyModels.load(config, TinyModels.uniformWeights(config, 1));
                Transformer separate =
                        TinyModels.load(config, TinyModels.uniformWeights(config, 1))) {
            separate.separateProjections();
            compare(
                    "Qwen2.5-0.5B shapes, 2 of 24 layers, 16 prompts, 24 new tokens",
                    new Generator(fused, config.vocabSize(), List.of()),
                    new Generator(separate, config.vocabSize(), List.of()),
                    DecodeBenchmark.qwenRequests(),
                    new SamplingParams(0.8f, 50, 1f, 24));
        }
    }

    private static void compare(
            String title,
            Generator fused,
            Generator separate,
            List<GenerationRequest> requests,
            SamplingParams params) {
        System.out.println(title);
        List<GenerationRequest> warm = requests.subList(0, Math.min(2, requests.size()));
        fused.generate(warm, params.withMaxNewTokens(2), BATCH, Batching.CONTINUOUS);
        separate.generate(warm, params.withMaxNewTokens(2), BATCH, Batching.CONTINUOUS);
        double[] seconds = new double[2];
        long[] tokens = new long[2];
        int same = 0;
        int slices = Math.min(4, requests.size());
        int slice = requests.size() / slices;
        for (int i = 0; i < slices; i++) {
            List<GenerationRequest> part =
                    requests.subList(
                            i * slice, i == slices - 1 ? requests.size() : (i + 1) * slice);
            List<List<Generator.Result>> out = new ArrayList<>(Arrays.asList(null, null));
            int[] order = i % 3 == 0 ? new int[] {0, 1} : new int[] {1, 0};
            for (int which : order) {
                long start = System.nanoTime();
                out.set(
                        which,
                        (which == 0 ? fused : separate)
                                .generate(part, params, BATCH, Batching.CONTINUOUS));
                seconds[which] += (System.nanoTime() - start) / 1e9;
                tokens[which] += out.get(which).stream().mapToLong(r -> r.tokenIds().length).sum();
            }
            for (int r = 0; r < part.size(); r++) {
                same +=
                        Arrays.equals(out.get(0).get(r).tokenIds(), out.get(1).get(r).tokenIds())
                                ? 1
                                : 0;
            }
        }
        double fusedTps = tokens[0] / seconds[0];
        double separateTps = tokens[1] / seconds[1];
        System.out.printf(
                "  fused     %,8d tokens in %6.1f s: %7.1f tokens/s%n",
                tokens[0], seconds[0], fusedTps);
        System.out.printf(
                "  separate  %,8d tokens in %6.1f s: %7.1f tokens/s%n",
                tokens[1], seconds[1], separateTps);
        System.out.printf(
                "  identical tokens: %d of %d sequences; load %.1f; fused/separate: %.2f×%n",
                same, requests.size(), load(), fusedTps / separateTps);
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
