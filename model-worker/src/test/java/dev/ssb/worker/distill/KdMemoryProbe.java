package dev.ssb.worker.distill;

import dev.ssb.worker.api.AdamW;
import dev.ssb.worker.api.AdamWConfig;
import dev.ssb.worker.api.GradientResult;
import dev.ssb.worker.api.Gradients;
import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.KdExample;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LoraConfig;
import dev.ssb.worker.api.LossConfig;
import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.api.TeacherLogits;
import dev.ssb.worker.model.TinyModels;
import dev.ssb.worker.model.Transformer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Run in its own JVM by {@link KdMemoryTest}: one KD gradient step on a 4,096-token reply with a
 * 151,936-row vocabulary, printing the process's resident memory before it ({@code VmRSS}) and its
 * peak ({@code VmHWM}) after it, in KiB, as {@code rss=... hwm=... tokens=... loss=...}.
 */
final class KdMemoryProbe {

    static final int VOCAB = 151_936;
    static final int REPLY = 4096;
    static final int PROMPT = 16;
    static final int K = 20;

    private KdMemoryProbe() {}

    /** Small hidden size, the paper's vocabulary, room for the whole sequence. */
    static ModelConfig config() {
        return new ModelConfig(
                "qwen2",
                64,
                128,
                1,
                2,
                1,
                32,
                1_000_000.0,
                1e-6,
                VOCAB,
                true,
                true,
                8192,
                -1,
                List.of(2));
    }

    public static void main(String[] args) throws IOException {
        ModelConfig config = config();
        LoraConfig lora = new LoraConfig(8, 16f, LoraConfig.ALL_MODULES);
        Random random = new Random(7);
        KdExample example = new KdExample(ids(PROMPT, random), ids(REPLY, random), teacher(random));
        LossConfig loss = LossConfig.paper();
        try (Transformer model = TinyModels.load(config, TinyModels.randomWeights(config, 1))) {
            LoraAdapter adapter = KdFixtures.adapter(config, lora, 0.01, 2);
            KdFixtures.apply(model, adapter);
            // warm up libtorch and the JIT on a short reply so the baseline includes them
            KdGradients.compute(
                    model,
                    List.of(
                            new KdExample(
                                    example.studentPromptIds(),
                                    new int[] {1, 2},
                                    slice(example.teacher(), 2))),
                    loss,
                    VOCAB);
            System.gc();
            long rss = status("VmRSS");
            GradientResult g = KdGradients.compute(model, List.of(example), loss, VOCAB);
            Map<String, HostTensor> params = new TreeMap<>();
            adapter.tensors()
                    .forEach((k, t) -> params.put(k, new HostTensor(t.shape(), t.data().clone())));
            new AdamW(AdamWConfig.defaults(1)).step(params, Gradients.mean(g));
            long hwm = status("VmHWM");
            System.out.printf(
                    "rss=%d hwm=%d tokens=%d loss=%s after=%d%n",
                    rss, hwm, g.tokens(), g.lossKdSum(), status("VmRSS"));
        }
    }

    private static long status(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("Cannot read " + field + " from /proc/self/status");
    }

    private static int[] ids(int n, Random random) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = random.nextInt(VOCAB);
        }
        return out;
    }

    /** Distinct top-k ids per position, logits descending, a log-sum-exp leaving a rest mass. */
    private static TeacherLogits teacher(Random random) {
        int[] topkIds = new int[REPLY * K];
        float[] topkLogits = new float[REPLY * K];
        float[] lse = new float[REPLY];
        for (int j = 0; j < REPLY; j++) {
            int base = random.nextInt(VOCAB - K);
            double sum = 0;
            for (int i = 0; i < K; i++) {
                topkIds[j * K + i] = base + i;
                topkLogits[j * K + i] = 10f - i * 0.5f;
                sum += Math.exp(topkLogits[j * K + i] / 2.0);
            }
            lse[j] = (float) Math.log(sum * 1.25); // top-k keeps 80 % of the mass
        }
        return new TeacherLogits(K, 2f, topkIds, topkLogits, lse);
    }

    private static TeacherLogits slice(TeacherLogits t, int n) {
        return new TeacherLogits(
                t.k(),
                t.temperature(),
                Arrays.copyOf(t.topkIds(), n * t.k()),
                Arrays.copyOf(t.topkLogits(), n * t.k()),
                Arrays.copyOf(t.logSumExp(), n));
    }
}
