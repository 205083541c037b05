package dev.ssb.testing;

import static java.util.Objects.requireNonNull;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.launcher.JavaModuleOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Spark standalone cluster on loopback: a Master and one Worker in their own JVMs, whose
 * executors are JVMs of their own, and client-mode {@code spark-submit}s in yet another JVM (the
 * driver). Everything it starts is stopped by PID in {@link #close()}, or by a shutdown hook if the
 * test JVM dies first.
 *
 * <pre>{@code
 * try (StandaloneCluster cluster = StandaloneCluster.builder().workerCores(2).start()) {
 *     SubmitResult r = cluster.submit(Main.class.getName(), TestBuild.appClasspath(), conf, args);
 * }
 * }</pre>
 */
public final class StandaloneCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StandaloneCluster.class);
    private static final String LOOPBACK = ClientSubmit.LOOPBACK;
    private static final Duration STOP_GRACE = ClientSubmit.STOP_GRACE;

    /** The cluster {@link #shared()} returns; guarded by the class. */
    private static StandaloneCluster shared;

    private final ClusterSpec spec;
    private final Path workDir;
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger submissions = new AtomicInteger();
    private final Thread shutdownHook;
    private Process master;
    private Process worker;
    private String masterUrl;
    private MasterStatus masterStatus;

    private StandaloneCluster(ClusterSpec spec) {
        this.spec = spec;
        try {
            this.workDir = Files.createTempDirectory("ssb-cluster-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a work directory for the cluster", e);
        }
        this.shutdownHook = new Thread(this::stopAndDelete, "ssb-cluster-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * The {@code --conf} entries of an application on {@code executors} one-core executor JVMs of
     * {@code memory} heap each, which waits for all of them before its first job, with PyTorch on
     * one thread per executor (so they do not fight over the machine's cores).
     */
    public static Map<String, String> oneCoreExecutors(int executors, String memory) {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.executor.cores", "1");
        conf.put("spark.cores.max", Integer.toString(executors));
        conf.put("spark.executor.memory", memory);
        conf.put("spark.scheduler.minRegisteredResourcesRatio", "1.0");
        conf.put("spark.scheduler.maxRegisteredResourcesWaitingTime", "120s");
        conf.put(
                "spark.executor.extraJavaOptions",
                "-Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1"
                        + " -Dai.djl.pytorch.num_interop_threads=1");
        return conf;
    }

    /**
     * One cluster per test JVM for the test classes that only submit applications to it (a Master
     * and a Worker offering 2 cores and 2g, no GPU): started on first use, and again if a daemon of
     * it died; stopped by its shutdown hook when the JVM exits. Starting the two daemons costs
     * about 10 s per cluster on the test machine, so classes share this one; a test that stops,
     * kills or reconfigures the daemons themselves starts its own with {@link #builder()}. Callers
     * must not close it.
     */
    public static synchronized StandaloneCluster shared() {
        if (shared == null
                || shared.closed.get()
                || !shared.master.isAlive()
                || !shared.worker.isAlive()) {
            if (shared != null) {
                shared.close();
            }
            shared = builder().workerCores(2).workerMemory("2g").start();
        }
        return shared;
    }

    /** A builder with small defaults: 2 cores and 2g for executors, no GPU. */
    public static ClusterSpec.Builder builder() {
        return new ClusterSpec.Builder();
    }

    static StandaloneCluster start(ClusterSpec spec) {
        StandaloneCluster cluster = new StandaloneCluster(spec);
        try {
            long t0 = System.nanoTime();
            cluster.startMaster();
            cluster.startWorker();
            LOG.info(
                    "Standalone cluster {} up in {} ms (work dir {})",
                    cluster.masterUrl,
                    (System.nanoTime() - t0) / 1_000_000,
                    cluster.workDir);
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** The master's URL, {@code spark://127.0.0.1:<port>}. */
    public String masterUrl() {
        return masterUrl;
    }

    /** The temporary directory holding daemon logs, the worker's work dir and submit outputs. */
    public Path workDir() {
        return workDir;
    }

    /** The PID of the Worker, whose children are the executor JVMs. */
    public long workerPid() {
        return worker.pid();
    }

    /** The PIDs of every process this cluster started (daemons and submissions). */
    public List<Long> startedPids() {
        return processes.stream().map(Process::pid).toList();
    }

    /**
     * Runs {@code mainClass} through {@code spark-submit --deploy-mode client} in a new JVM and
     * waits for it, at most the spec's submit timeout (then kills it and its children).
     *
     * @param appClasspath classes and jars of the application; the driver JVM and the executors
     *     ({@code spark.executor.extraClassPath}) both get them, so both run the same classes
     * @param sparkConf extra {@code --conf} entries, applied over loopback defaults
     */
    public SubmitResult submit(
            String mainClass,
            List<Path> appClasspath,
            Map<String, String> sparkConf,
            String... args) {
        requireNonNull(mainClass, "mainClass is null");
        requireNonNull(appClasspath, "appClasspath is null");
        requireNonNull(sparkConf, "sparkConf is null");
        if (closed.get()) {
            throw new IllegalStateException("Cannot submit " + mainClass + ": cluster is closed");
        }
        String appCp = ClientSubmit.joinClasspath(appClasspath);
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.driver.host", LOOPBACK);
        conf.put("spark.driver.bindAddress", LOOPBACK);
        conf.put("spark.ui.enabled", "false");
        conf.put("spark.executor.extraClassPath", appCp);
        conf.putAll(sparkConf);
        List<String> cmd =
                ClientSubmit.command(
                        sparkJars() + File.pathSeparator + appCp,
                        masterUrl,
                        mainClass,
                        conf,
                        List.of(),
                        args);
        Path dir = workDir.resolve("submit-" + submissions.incrementAndGet());
        Process p = launch(cmd, dir, Map.of());
        return ClientSubmit.await(p, dir, spec.submitTimeout(), mainClass);
    }

    /**
     * Stops every process this cluster started, with their descendants (the executors), then
     * deletes the work directory. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook is running or will run stopAndDelete() itself
        }
        stopAndDelete();
    }

    private void stopAndDelete() {
        closed.set(true);
        List<ProcessHandle> roots = new ArrayList<>();
        // newest first: submissions before the worker before the master
        for (int i = processes.size() - 1; i >= 0; i--) {
            roots.add(processes.get(i).toHandle());
        }
        List<ProcessHandle> survivors = ProcessTree.destroy(roots, STOP_GRACE);
        if (!survivors.isEmpty()) {
            LOG.error("Cluster {} left processes running: {}", masterUrl, survivors);
        }
        deleteRecursively(workDir);
    }

    private void startMaster() {
        IllegalStateException last = null;
        // a port picked free can be taken before the master binds it: then start again on others
        for (int attempt = 1; attempt <= 3; attempt++) {
            int port = freePort();
            int webUiPort = freePort();
            List<String> cmd = daemonCommand(256);
            // fail instead of drifting to port + 1, where nobody would look for the master
            cmd.add("-Dspark.port.maxRetries=0");
            cmd.add("-Dspark.master.rest.enabled=false");
            cmd.add("org.apache.spark.deploy.master.Master");
            cmd.addAll(List.of("--host", LOOPBACK, "--port", String.valueOf(port)));
            cmd.addAll(List.of("--webui-port", String.valueOf(webUiPort)));
            Path logDir = workDir.resolve("master-" + attempt);
            master = launch(cmd, logDir, Map.of());
            MasterStatus status =
                    new MasterStatus("http://" + LOOPBACK + ":" + webUiPort + "/json/");
            try {
                status.await(master, logDir, spec.startupTimeout(), MasterStatus.State::alive);
                masterUrl = "spark://" + LOOPBACK + ":" + port;
                this.masterStatus = status;
                return;
            } catch (IllegalStateException e) {
                last = e;
                if (master.isAlive()) {
                    throw e; // up but never ALIVE: not a port clash
                }
                LOG.warn("Spark master did not start (attempt {}): {}", attempt, e.getMessage());
            }
        }
        throw last;
    }

    private void startWorker() {
        List<String> cmd = daemonCommand(256);
        if (spec.gpuAmount() > 0) {
            Path script = workDir.resolve("gpu-discovery.sh");
            try {
                Files.copy(spec.gpuDiscoveryScript(), script);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "Cannot copy GPU discovery script " + spec.gpuDiscoveryScript(), e);
            }
            if (!script.toFile().setExecutable(true)) {
                throw new IllegalStateException("Cannot make " + script + " executable");
            }
            // what SPARK_WORKER_OPTS becomes when spark-class launches a worker
            cmd.add("-Dspark.worker.resource.gpu.amount=" + spec.gpuAmount());
            cmd.add("-Dspark.worker.resource.gpu.discoveryScript=" + script);
        }
        cmd.add("org.apache.spark.deploy.worker.Worker");
        cmd.addAll(List.of("--host", LOOPBACK, "--webui-port", "0"));
        cmd.addAll(List.of("--cores", String.valueOf(spec.workerCores())));
        cmd.addAll(List.of("--memory", spec.workerMemory()));
        cmd.addAll(List.of("--work-dir", workDir.resolve("work").toString()));
        cmd.add(masterUrl);
        Path logDir = workDir.resolve("worker");
        worker = launch(cmd, logDir, spec.workerEnv());
        masterStatus.await(
                worker,
                logDir,
                spec.startupTimeout(),
                s -> s.aliveWorkerWith(spec.workerCores(), spec.gpuAmount()));
    }

    private List<String> daemonCommand(int heapMb) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ClientSubmit.javaExecutable());
        cmd.add("-Xmx" + heapMb + "m");
        cmd.addAll(ClientSubmit.SHORT_LIVED_JVM);
        cmd.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()));
        cmd.add("-cp");
        // Spark's jars that Maven resolved at compile scope (Jackson, commons-*) sit in the
        // application's list, not in the provided-scope SPARK_HOME: daemons need both
        cmd.add(
                sparkJars()
                        + File.pathSeparator
                        + ClientSubmit.joinClasspath(spec.runtimeDependencies()));
        return cmd;
    }

    private String sparkJars() {
        return spec.sparkHome().resolve("jars").resolve("*").toString();
    }

    private Process launch(List<String> cmd, Path logDir, Map<String, String> extraEnv) {
        ProcessBuilder pb = ClientSubmit.builder(cmd, logDir);
        pb.environment().put("SPARK_HOME", spec.sparkHome().toString());
        pb.environment().putAll(extraEnv);
        try {
            Process p = pb.start();
            processes.add(p);
            if (closed.get()) {
                // close() ran meanwhile and may not have seen this process
                ProcessTree.destroy(List.of(p.toHandle()), STOP_GRACE);
                throw new IllegalStateException("Cannot start a process: the cluster is closed");
            }
            LOG.debug("Started pid {}: {}", p.pid(), String.join(" ", cmd));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + cmd.get(cmd.size() - 1), e);
        }
    }

    static String logTail(Path logDir) {
        StringBuilder sb = new StringBuilder();
        for (String name : List.of("stdout.log", "stderr.log")) {
            String text = ClientSubmit.read(logDir.resolve(name));
            String tail = text.length() > 4000 ? text.substring(text.length() - 4000) : text;
            sb.append("--- ").append(logDir.resolve(name)).append(" ---\n").append(tail);
        }
        return sb.toString();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot find a free port on " + LOOPBACK, e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("Cannot delete cluster work dir {}: {}", dir, e.toString());
        }
    }
}
