package dev.ssb.compare;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What {@code ssb compare} measured.
 *
 * @param runId the compare run
 * @param rows one per method, in the order asked
 * @param rolloutCpuSeconds CPU-seconds of the shared rollouts (every method's starting point)
 * @param rollouts rollout rows (problems × K)
 * @param baseConsistent whether the base model scored identically in every method's evaluation
 *     (same prompts and seeds: it must)
 * @param wallSeconds the command's wall time
 */
record CompareResult(
        String runId,
        List<CompareRow> rows,
        double rolloutCpuSeconds,
        long rollouts,
        boolean baseConsistent,
        double wallSeconds) {

    CompareResult {
        requireNonNull(runId, "runId is null");
        rows = List.copyOf(rows);
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("Invalid compare result: no method");
        }
    }
}
