package dev.ssb.compare;

import static java.util.Objects.requireNonNull;

import dev.ssb.eval.EvalSummary;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code ssb compare} measured.
 *
 * @param runId the compare run
 * @param rows one per method, in the order asked
 * @param versus every other method paired against one, when {@code --versus} asked for it
 * @param rolloutCpuSeconds CPU-seconds of the shared rollouts (0 when no method reads them)
 * @param rollouts rollout rows (problems × K; 0 when no method reads them, and none were made)
 * @param baseConsistent whether the base model scored identically in every method's evaluation
 *     (same prompts and seeds: it must)
 * @param wallSeconds the command's wall time
 */
record CompareResult(
        String runId,
        List<CompareRow> rows,
        Optional<Versus> versus,
        double rolloutCpuSeconds,
        long rollouts,
        boolean baseConsistent,
        double wallSeconds) {

    CompareResult {
        requireNonNull(runId, "runId is null");
        rows = List.copyOf(rows);
        requireNonNull(versus, "versus is null");
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("Invalid compare result: no method");
        }
    }

    /**
     * {@code --versus}: each other method − {@code method}, paired by problem.
     *
     * @param method the reference method
     * @param differences by method name, in table order
     */
    record Versus(String method, Map<String, EvalSummary.Difference> differences) {
        Versus {
            requireNonNull(method, "method is null");
            differences = Collections.unmodifiableMap(new LinkedHashMap<>(differences));
        }
    }
}
