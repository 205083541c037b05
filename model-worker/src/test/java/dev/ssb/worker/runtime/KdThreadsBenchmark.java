package dev.ssb.worker.runtime;

import ai.djl.pytorch.jni.JniUtils;
import dev.ssb.worker.api.ChatMessage;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.Generation;
import dev.ssb.worker.api.GenerationRequest;
import dev.ssb.worker.api.KdExample;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LoraConfig;
import dev.ssb.worker.api.LossConfig;
import dev.ssb.worker.api.ModelWorker;
import dev.ssb.worker.api.SamplingParams;
import dev.ssb.worker.api.TeacherLogits;
import dev.ssb.worker.api.TeacherLogitsRequest;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The distill step's gradient computation (what one distill task runs per step: {@code
 * computeGradients} on the demo's global batch of 4 examples, LoRA r = 32 on all seven projections,
 * teacher top-20 at T = 2) on the embedded model, with 1 and with 2 torch threads set on the
 * calling thread ({@code JniUtils.setNumThreads}), alternating rounds so that a changing machine
 * load hits both alike. Prints ms per step for each.
 *
 * <p>Run: {@code java ... dev.ssb.worker.runtime.KdThreadsBenchmark [ROUNDS=5]} with the bench
 * classpath of {@code ./ssb bench runtime}.
 */
public final class KdThreadsBenchmark {
    private KdThreadsBenchmark() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        try (PtLanguageModel model =
                (PtLanguageModel) ModelWorker.load(ModelWorker.EMBEDDED, Device.cpu())) {
            List<KdExample> batch = batch(model);
            int tokens = batch.stream().mapToInt(e -> e.replyIds().length).sum();
            model.setAdapter(
                    LoraAdapter.initialize(
                            new LoraConfig(32, 32f, LoraConfig.ALL_MODULES), model.config(), 7));
            System.out.printf(
                    "KD gradients, embedded:toy, batch of %d examples (%d reply tokens), LoRA r=32"
                            + " all modules; load average %.1f%n",
                    batch.size(), tokens, load());
            double[] total = new double[3];
            int[] count = new int[3];
            for (int threads : new int[] {1, 2}) {
                JniUtils.setNumThreads(threads);
                model.computeGradients(batch, LossConfig.paper()); // warm-up
            }
            for (int round = 0; round < rounds; round++) {
                for (int threads : new int[] {1, 2}) {
                    JniUtils.setNumThreads(threads);
                    long start = System.nanoTime();
                    for (int rep = 0; rep < 3; rep++) {
                        model.computeGradients(batch, LossConfig.paper());
                    }
                    double ms = (System.nanoTime() - start) / 3e6;
                    total[threads] += ms;
                    count[threads]++;
                    System.out.printf(
                            "  round %d, %d torch thread(s): %.1f ms/step (load %.1f)%n",
                            round, threads, ms, load());
                }
            }
            double one = total[1] / count[1];
            double two = total[2] / count[2];
            System.out.printf(
                    "mean: 1 thread %.1f ms/step, 2 threads %.1f ms/step (2 vs 1: %.2f×)%n",
                    one, two, one / two);
        }
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** Four toy problems with the model's own T=0.4 replies and their teacher logits. */
    private static List<KdExample> batch(PtLanguageModel model) {
        String[] questions = {
            "Tom has 12 apples. He buys 7 more and gives away 5. How many apples does he have?",
            "A box holds 9 pens. There are 6 boxes. 11 pens are lost. How many pens are left?",
            "Sara reads 14 pages a day for 3 days, then 8 more pages. How many pages in all?",
            "There are 40 birds. 13 fly away, then 6 come back. How many birds are there?"
        };
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < questions.length; i++) {
            requests.add(
                    new GenerationRequest(
                            model.encodeChat(List.of(ChatMessage.user(questions[i])), true), i));
        }
        List<Generation> replies = model.generate(requests, new SamplingParams(0.4f, 50, 1f, 160));
        List<TeacherLogitsRequest> scored = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            scored.add(
                    new TeacherLogitsRequest(
                            requests.get(i).promptIds(), replies.get(i).tokenIds()));
        }
        List<TeacherLogits> teacher = model.teacherLogits(scored, 20, 2f);
        List<KdExample> batch = new ArrayList<>();
        for (int i = 0; i < scored.size(); i++) {
            batch.add(
                    new KdExample(
                            scored.get(i).promptIds(), scored.get(i).replyIds(), teacher.get(i)));
        }
        return batch;
    }
}
