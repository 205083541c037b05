package dev.ssb.worker.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ssb.worker.api.AnswerVerifier;
import dev.ssb.worker.api.Verdict;
import dev.ssb.worker.api.VerifierConfig;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Verifications per second over the MATH500 pairs (whole solution with its last box vs the answer
 * field), with 1 and 2 calling threads, default config. Run from the repository root:
 *
 * <pre>
 * mvn -q -B -o -pl model-worker test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Dssb.data.dir=data -Dlog4j2.configurationFile=conf/log4j2.xml \
 *     -cp model-worker/target/test-classes:model-worker/target/classes:$(cat model-worker/target/cp.txt) \
 *     dev.ssb.worker.verify.VerifierBenchmark [seconds-per-run, default 5]
 * </pre>
 *
 * A second table compares each answer with a perturbed variant (symbolic work on every pair).
 */
public final class VerifierBenchmark {

    private VerifierBenchmark() {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        List<String[]> same = new ArrayList<>();
        List<String[]> perturbed = new ArrayList<>();
        for (JsonNode row : Datasets.read("math500_test.jsonl")) {
            String answer = row.get("answer").asText();
            same.add(new String[] {row.get("solution").asText(), answer});
            for (String variant : Perturbations.of(answer)) {
                perturbed.add(new String[] {"\\boxed{" + variant + "}", answer});
            }
        }
        try (AnswerVerifier verifier = AnswerVerifier.create(VerifierConfig.defaults())) {
            run(verifier, same, 1, 1); // warm-up
            run(verifier, perturbed, 1, 1);
            System.out.printf(
                    "%-28s %7s %12s %10s  %s%n",
                    "pairs", "threads", "checks", "checks/s", "verdicts");
            for (String[] name :
                    new String[][] {{"MATH500 solution vs answer"}, {"MATH500 perturbed answer"}}) {
                List<String[]> pairs = name[0].contains("perturbed") ? perturbed : same;
                for (int threads : new int[] {1, 2}) {
                    long start = System.nanoTime();
                    Result r = run(verifier, pairs, threads, seconds);
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    System.out.printf(
                            "%-28s %7d %12d %10.0f  %s%n",
                            name[0], threads, r.checks, r.checks / elapsed, r.verdicts);
                }
            }
        }
        // Symja leaves a non-daemon thread alive for about a minute after its first use
        System.exit(0);
    }

    private record Result(long checks, Map<Verdict, Long> verdicts) {}

    /** Each thread loops over all pairs (from its own offset) until {@code seconds} have passed. */
    private static Result run(
            AnswerVerifier verifier, List<String[]> pairs, int threads, double seconds)
            throws Exception {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Map<Verdict, Long>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t * pairs.size() / threads;
                futures.add(
                        pool.submit(
                                () -> {
                                    Map<Verdict, Long> counts = new EnumMap<>(Verdict.class);
                                    for (int i = offset; System.nanoTime() < end; i++) {
                                        String[] p = pairs.get(i % pairs.size());
                                        counts.merge(
                                                verifier.verify(p[0], false, p[1]).verdict(),
                                                1L,
                                                Long::sum);
                                    }
                                    return counts;
                                }));
            }
            Map<Verdict, Long> total = new EnumMap<>(Verdict.class);
            for (Future<Map<Verdict, Long>> f : futures) {
                f.get().forEach((k, v) -> total.merge(k, v, Long::sum));
            }
            return new Result(total.values().stream().mapToLong(Long::longValue).sum(), total);
        } finally {
            pool.shutdownNow();
        }
    }
}
