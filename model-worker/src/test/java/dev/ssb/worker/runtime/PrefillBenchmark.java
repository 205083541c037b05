package dev.ssb.worker.runtime;

import dev.ssb.worker.api.GenerationRequest;
import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.api.SamplingParams;
import dev.ssb.worker.generate.Generator;
import dev.ssb.worker.model.TinyModels;
import dev.ssb.worker.model.Transformer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The memory peak of prefilling one long prompt, one pass against chunks of 64 slots: a random
 * model with Qwen2.5-0.5B's shapes (hidden 896, 14 query / 2 KV heads, MLP 4864, vocab 151,936)
 * with 2 and with 4 layers, one prompt of {@code P} tokens (default 4096), greedy, 1 new token, on
 * the generator's real path ({@link Generator} with a prefill budget of {@code P}, or of 64).
 *
 * <p>Each case runs in a JVM of its own (same JVM options and class path), so that no case inherits
 * another's freed-but-resident native memory, and with glibc told to map blocks of 64 KiB and more
 * on their own and to return freed memory at once ({@code MALLOC_MMAP_THRESHOLD_=65536}, {@code
 * MALLOC_TRIM_THRESHOLD_=0}), so that the resident size follows the live native memory. There the
 * model is loaded and a short warm-up generation run, then the peak resident set size is reset to
 * the resident size ({@code 5 > /proc/self/clear_refs}, Linux) and the prefill's peak is read as
 * the rise of {@code VmHWM}: the native (PyTorch) and Java memory that one prefill added at its
 * highest point, beyond what the allocator already held. Also printed: the elements of one
 * attention score array {@code [rows, heads, chunk, keys]}, the largest temporary of a pass, and
 * the wall time.
 *
 * <p>Run: {@code ./ssb bench prefill [P]} (Linux only).
 */
public final class PrefillBenchmark {
    private static final int CHUNK = 64;

    private PrefillBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals("--case")) {
            runCase(
                    Integer.parseInt(args[1]),
                    Integer.parseInt(args[2]),
                    Integer.parseInt(args[3]));
            return;
        }
        int prompt = args.length > 0 ? Integer.parseInt(args[0]) : 4096;
        System.out.printf(
                "prefill of one %d-token prompt, Qwen2.5-0.5B shapes, random weights, threads=%s,"
                        + " load average %.1f%n",
                prompt,
                System.getProperty("ai.djl.pytorch.num_threads", "default"),
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        for (int layers : new int[] {2, 4}) {
            for (int chunk : new int[] {prompt, CHUNK}) {
                child(layers, prompt, chunk);
            }
        }
    }

    /** Runs one case in a fresh JVM and prints its report line. */
    private static void child(int layers, int prompt, int chunk)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(PrefillBenchmark.class.getName());
        command.add("--case");
        command.add(Integer.toString(layers));
        command.add(Integer.toString(prompt));
        command.add(Integer.toString(chunk));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        // glibc: blocks of 64 KiB and more mapped on their own and unmapped when freed, the heap
        // trimmed on every free, so the resident size follows the live native memory
        builder.environment().put("MALLOC_MMAP_THRESHOLD_", "65536");
        builder.environment().put("MALLOC_TRIM_THRESHOLD_", "0");
        Process process = builder.start();
        try (BufferedReader out =
                new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("  ")) {
                    System.out.println(line);
                }
            }
        }
        int rc = process.waitFor();
        if (rc != 0) {
            System.out.printf("  layers %d chunk %d: child exited %d%n", layers, chunk, rc);
        }
    }

    private static void runCase(int layers, int prompt, int chunk) throws IOException {
        ModelConfig config = DecodeBenchmark.qwenConfig(layers, prompt + 1);
        try (Transformer model = TinyModels.load(config, TinyModels.uniformWeights(config, 1))) {
            // chunk slots per pass for the one row
            Generator generator = new Generator(model, config.vocabSize(), List.of(), chunk);
            SamplingParams greedy = SamplingParams.greedy(1);
            generator.generate(List.of(request(16, 2)), greedy, 1); // warm-up
            // no System.gc() here: the heap it would give back would hide part of the rise
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            long before = status("VmHWM"); // reset to the resident size now
            long start = System.nanoTime();
            generator.generate(List.of(request(prompt, 1)), greedy, 1);
            double seconds = (System.nanoTime() - start) / 1e9;
            long peak = status("VmHWM") - before;
            long scores = (long) config.numAttentionHeads() * Math.min(chunk, prompt) * prompt;
            System.out.printf(
                    "  layers %d, chunk %4d: prefill peak +%,6d MiB over %,d MiB resident;"
                            + " attention scores %,d elements (%,d MiB float32); %d passes;"
                            + " %.2f s (%.0f tokens/s)%n",
                    layers,
                    Math.min(chunk, prompt),
                    peak / 1024,
                    before / 1024,
                    scores,
                    scores * 4 / (1 << 20),
                    (prompt + chunk - 1) / chunk,
                    seconds,
                    prompt / seconds);
        }
    }

    private static GenerationRequest request(int length, long seed) {
        return new GenerationRequest(
                new SplittableRandom(seed).ints(length, 0, 151_000).toArray(), seed);
    }

    /** A field of /proc/self/status in kB. */
    private static long status(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("Cannot read " + field + " from /proc/self/status");
    }
}
