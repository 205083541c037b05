package dev.ssb.testing;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link StandaloneCluster} starts.
 *
 * @param sparkHome a folder whose {@code jars/} holds Spark's jars
 * @param runtimeDependencies jars Spark needs that the build resolved at the application's scope
 * @param workerCores cores the worker offers ({@code --cores})
 * @param workerMemory memory the worker offers to executors ({@code --memory}, e.g. {@code 2g})
 * @param gpuAmount GPUs the worker offers ({@code spark.worker.resource.gpu.amount}), 0 for none
 * @param gpuDiscoveryScript the script listing them; {@code null} when {@code gpuAmount} is 0
 * @param workerEnv extra environment of the worker (its discovery script sees it)
 * @param startupTimeout how long the master and the worker may take to come up
 * @param submitTimeout how long one submission may run before it is killed
 */
public record ClusterSpec(
        Path sparkHome,
        List<Path> runtimeDependencies,
        int workerCores,
        String workerMemory,
        int gpuAmount,
        Path gpuDiscoveryScript,
        Map<String, String> workerEnv,
        Duration startupTimeout,
        Duration submitTimeout) {

    public ClusterSpec {
        requireNonNull(sparkHome, "sparkHome is null");
        runtimeDependencies =
                List.copyOf(requireNonNull(runtimeDependencies, "runtimeDeps is null"));
        requireNonNull(workerMemory, "workerMemory is null");
        workerEnv = Map.copyOf(requireNonNull(workerEnv, "workerEnv is null"));
        requireNonNull(startupTimeout, "startupTimeout is null");
        requireNonNull(submitTimeout, "submitTimeout is null");
        if (workerCores < 1) {
            throw new IllegalArgumentException(
                    "Invalid workerCores: " + workerCores + " (must be >= 1)");
        }
        if (!workerMemory.matches("[1-9][0-9]*[mMgG]")) {
            throw new IllegalArgumentException(
                    "Invalid workerMemory: " + workerMemory + " (must be like 512m or 2g)");
        }
        if (gpuAmount < 0) {
            throw new IllegalArgumentException(
                    "Invalid gpuAmount: " + gpuAmount + " (must be >= 0)");
        }
        if (gpuAmount > 0
                && (gpuDiscoveryScript == null || !Files.isRegularFile(gpuDiscoveryScript))) {
            throw new IllegalArgumentException(
                    "Invalid gpuDiscoveryScript: "
                            + gpuDiscoveryScript
                            + " (must be an existing file when gpuAmount > 0)");
        }
        if (startupTimeout.isNegative() || startupTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "Invalid startupTimeout: " + startupTimeout + " (must be > 0)");
        }
        if (submitTimeout.isNegative() || submitTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "Invalid submitTimeout: " + submitTimeout + " (must be > 0)");
        }
    }

    /** Builds a {@link ClusterSpec} and starts the cluster. */
    public static final class Builder {
        private Path sparkHome;
        private List<Path> runtimeDependencies;
        private int workerCores = 2;
        private String workerMemory = "2g";
        private int gpuAmount;
        private Path gpuDiscoveryScript;
        private final Map<String, String> workerEnv = new HashMap<>();
        // generous: cluster JVMs start slowly when the machine's 2 cores are shared
        private Duration startupTimeout = Duration.ofMinutes(3);
        private Duration submitTimeout = Duration.ofMinutes(5);

        Builder() {}

        /** Defaults to {@link TestBuild#sparkHome()}. */
        public Builder sparkHome(Path sparkHome) {
            this.sparkHome = sparkHome;
            return this;
        }

        /** Defaults to {@link TestBuild#runtimeDependencies()}. */
        public Builder runtimeDependencies(List<Path> runtimeDependencies) {
            this.runtimeDependencies = runtimeDependencies;
            return this;
        }

        public Builder workerCores(int workerCores) {
            this.workerCores = workerCores;
            return this;
        }

        public Builder workerMemory(String workerMemory) {
            this.workerMemory = workerMemory;
            return this;
        }

        /** The worker offers {@code amount} GPUs, found by {@code discoveryScript}. */
        public Builder gpus(int amount, Path discoveryScript) {
            this.gpuAmount = amount;
            this.gpuDiscoveryScript = discoveryScript;
            return this;
        }

        public Builder workerEnv(String name, String value) {
            workerEnv.put(name, value);
            return this;
        }

        public Builder startupTimeout(Duration startupTimeout) {
            this.startupTimeout = startupTimeout;
            return this;
        }

        public Builder submitTimeout(Duration submitTimeout) {
            this.submitTimeout = submitTimeout;
            return this;
        }

        public ClusterSpec build() {
            return new ClusterSpec(
                    sparkHome != null ? sparkHome : TestBuild.sparkHome(),
                    runtimeDependencies != null
                            ? runtimeDependencies
                            : TestBuild.runtimeDependencies(),
                    workerCores,
                    workerMemory,
                    gpuAmount,
                    gpuDiscoveryScript,
                    workerEnv,
                    startupTimeout,
                    submitTimeout);
        }

        /** Starts the Master and the Worker and waits until the worker registered. */
        public StandaloneCluster start() {
            return StandaloneCluster.start(build());
        }
    }
}
