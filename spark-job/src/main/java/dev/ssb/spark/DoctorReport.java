package dev.ssb.spark;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.List;

/**
 * The checks of one JVM (the driver, or one executor).
 *
 * @param executorId Spark's executor id ({@code driver} for the driver or local mode)
 * @param host the host name
 * @param gpu the GPU address Spark gave the task, or empty
 * @param flavor libtorch's flavour ({@code cpu}, {@code cu128}, ...), or {@code ?} when it did not
 *     load
 * @param gflops the matrix-product speed, or 0 when it did not run
 * @param checks every check, in order
 */
public record DoctorReport(
        String executorId,
        String host,
        String gpu,
        String flavor,
        double gflops,
        List<DoctorCheck> checks)
        implements Serializable {

    public DoctorReport {
        requireNonNull(executorId, "executorId is null");
        requireNonNull(host, "host is null");
        requireNonNull(gpu, "gpu is null");
        requireNonNull(flavor, "flavor is null");
        checks = List.copyOf(checks);
    }

    /** Whether every check passed. */
    public boolean ok() {
        return checks.stream().allMatch(DoctorCheck::ok);
    }
}
