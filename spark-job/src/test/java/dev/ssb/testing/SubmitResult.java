package dev.ssb.testing;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of one {@code spark-submit} in client mode.
 *
 * @param pid the submitting JVM, which is also the driver in client mode
 * @param exitCode its exit code ({@code -1} when it was killed after {@code timedOut})
 * @param timedOut whether it had to be killed for running past the submit timeout
 * @param stdout everything it printed on standard output
 * @param stderr everything it printed on standard error (Spark's log)
 */
public record SubmitResult(long pid, int exitCode, boolean timedOut, String stdout, String stderr) {

    public SubmitResult {
        requireNonNull(stdout, "stdout is null");
        requireNonNull(stderr, "stderr is null");
        if (pid <= 0) {
            throw new IllegalArgumentException("Invalid pid: " + pid + " (must be > 0)");
        }
    }

    /** Whether the submission finished in time with exit code 0. */
    public boolean succeeded() {
        return !timedOut && exitCode == 0;
    }

    /** A description for assertion messages: exit code and the end of the driver's log. */
    public String describe() {
        String tail = stderr.length() > 6000 ? stderr.substring(stderr.length() - 6000) : stderr;
        return String.format(
                "spark-submit pid %d exited %d%s%n--- stdout ---%n%s%n--- stderr (tail) ---%n%s",
                pid, exitCode, timedOut ? " (timed out)" : "", stdout, tail);
    }
}
