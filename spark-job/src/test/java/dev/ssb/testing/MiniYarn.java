package dev.ssb.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * A real YARN on loopback: Hadoop's MiniYARNCluster (a ResourceManager and one NodeManager in this
 * JVM, its files under {@code target/MiniYarn}, the local file system as default FS) and a {@code
 * HADOOP_CONF_DIR} naming it, whose containers (the application master and the executors) are JVMs
 * of their own, and client-mode {@code spark-submit --master yarn}s in another JVM (the driver).
 * {@link #close()} stops the submissions, then YARN, which kills its containers; {@link
 * #leftovers()} lists any process of either that is still alive.
 */
public final class MiniYarn implements AutoCloseable {

    private static final String LOOPBACK = ClientSubmit.LOOPBACK;
    private static final Duration STOP_GRACE = ClientSubmit.STOP_GRACE;
    private static final Duration SUBMIT_TIMEOUT = Duration.ofMinutes(5);

    private final Path workDir;
    private final MiniYARNCluster yarn;
    private final List<Process> submissions = new ArrayList<>();
    private final List<ProcessHandle> containers = new ArrayList<>();

    private MiniYarn(Path workDir, MiniYARNCluster yarn) {
        this.workDir = workDir;
        this.yarn = yarn;
    }

    /**
     * Starts a ResourceManager and one NodeManager offering {@code memoryMb} and {@code vcores};
     * staging files and submission logs go under {@code workDir}.
     */
    public static MiniYarn start(Path workDir, int memoryMb, int vcores) {
        YarnConfiguration conf = new YarnConfiguration();
        conf.set("fs.defaultFS", "file:///");
        conf.set(YarnConfiguration.RM_HOSTNAME, LOOPBACK);
        // the queue the capacity scheduler needs (else "Queue configuration missing child queue
        // names for root"), as Spark's own BaseYarnClusterSuite sets it
        conf.set("yarn.scheduler.capacity.root.queues", "default");
        conf.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
        conf.setFloat("yarn.scheduler.capacity.root.default.user-limit-factor", 1);
        conf.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
        conf.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
        conf.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
        conf.set("yarn.scheduler.capacity.root.default.acl_administer_queue", "*");
        conf.setInt("yarn.scheduler.capacity.node-locality-delay", -1);
        // the default (10% of the node) is less than a Spark application master's container
        conf.setFloat("yarn.scheduler.capacity.maximum-am-resource-percent", 0.5f);
        conf.setInt(YarnConfiguration.NM_PMEM_MB, memoryMb);
        conf.setInt(YarnConfiguration.NM_VCORES, vcores);
        conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 128);
        // a JVM's virtual size is many times its heap; a full test disk is not a broken node
        conf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
        conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
        conf.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 100.0f);
        MiniYARNCluster yarn = new MiniYARNCluster(MiniYarn.class.getSimpleName(), 1, 1, 1);
        MiniYarn cluster = new MiniYarn(workDir, yarn);
        try {
            yarn.init(conf);
            yarn.start();
            cluster.awaitResourceManagerPort();
            cluster.writeHadoopConf();
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** The ResourceManager's client address, {@code host:port}. */
    public String resourceManager() {
        return yarn.getConfig().get(YarnConfiguration.RM_ADDRESS);
    }

    /**
     * Every application the ResourceManager accepted, as {@code "<id> <state> <final status>"},
     * e.g. {@code "application_1_0001 FINISHED SUCCEEDED"}.
     */
    public List<String> applications() {
        return applicationStates();
    }

    /**
     * {@link #applications()} once every application has a final status (its application master
     * unregisters a moment after a client-mode driver exits), or after {@code timeout}.
     */
    public List<String> applicationsWhenDone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> apps = applicationStates();
        while (apps.stream().anyMatch(a -> a.endsWith(" UNDEFINED"))
                && System.nanoTime() < deadline) {
            Thread.sleep(200);
            apps = applicationStates();
        }
        return apps;
    }

    private List<String> applicationStates() {
        return yarn.getResourceManager().getRMContext().getRMApps().values().stream()
                .map(
                        a ->
                                a.getApplicationId()
                                        + " "
                                        + a.getState()
                                        + " "
                                        + a.getFinalApplicationStatus())
                .sorted()
                .toList();
    }

    /**
     * The folder a submitting host's {@code HADOOP_CONF_DIR} names: {@code core-site.xml} with the
     * default FS ({@code file:///}) and {@code yarn-site.xml} with the ResourceManager's addresses.
     */
    public Path hadoopConfDir() {
        return workDir.resolve("hadoop-conf");
    }

    /**
     * What a client-mode Spark application needs besides {@link #hadoopConfDir()}, as {@code
     * --conf} entries: {@code spark.yarn.jars} naming Spark's jars by absolute {@code local:} paths
     * (present on the node, so nothing is uploaded), the driver on loopback, and the containers'
     * Java.
     */
    public Map<String, String> sparkConf(List<Path> sparkJars) {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put(
                "spark.yarn.jars",
                String.join(",", sparkJars.stream().map(p -> "local:" + p).toList()));
        conf.put("spark.yarn.stagingDir", workDir.resolve("staging").toUri().toString());
        conf.put("spark.yarn.maxAppAttempts", "1");
        conf.put("spark.driver.host", LOOPBACK);
        conf.put("spark.driver.bindAddress", LOOPBACK);
        conf.put("spark.ui.enabled", "false");
        // a container gets only the environment its launcher names
        String java = System.getProperty("java.home");
        conf.put("spark.yarn.appMasterEnv.JAVA_HOME", java);
        conf.put("spark.yarn.appMasterEnv.SPARK_LOCAL_IP", LOOPBACK);
        conf.put("spark.executorEnv.JAVA_HOME", java);
        conf.put("spark.executorEnv.SPARK_LOCAL_IP", LOOPBACK);
        conf.put("spark.yarn.am.memory", "256m");
        conf.put("spark.yarn.am.extraJavaOptions", String.join(" ", ClientSubmit.SHORT_LIVED_JVM));
        return conf;
    }

    /**
     * Runs {@code mainClass} through {@code spark-submit --master yarn --deploy-mode client} in a
     * new JVM on {@code driverClasspath} and waits for it (at most 5 minutes, then kills it).
     */
    public SubmitResult submit(
            String mainClass,
            List<Path> driverClasspath,
            Map<String, String> sparkConf,
            String... args) {
        requireNonNull(mainClass, "mainClass is null");
        // as bin/spark-class does: the client's Hadoop configuration first on its classpath
        List<Path> cp = new ArrayList<>(List.of(hadoopConfDir()));
        cp.addAll(driverClasspath);
        List<String> cmd =
                ClientSubmit.command(
                        ClientSubmit.joinClasspath(cp),
                        "yarn",
                        mainClass,
                        sparkConf,
                        List.of("-Dlog4j2.configurationFile=" + writeDriverLogConfig()),
                        args);
        Path dir = workDir.resolve("submit-" + (submissions.size() + 1));
        Process p = launch(cmd, dir);
        return ClientSubmit.await(p, dir, SUBMIT_TIMEOUT, mainClass);
    }

    /**
     * Processes this cluster started that are still alive: submissions and their children, and the
     * NodeManager's containers seen while it ran.
     */
    public List<ProcessHandle> leftovers() {
        List<ProcessHandle> alive = new ArrayList<>();
        for (Process p : submissions) {
            if (p.isAlive()) {
                alive.add(p.toHandle());
            }
            p.toHandle().descendants().filter(ProcessHandle::isAlive).forEach(alive::add);
        }
        containers.stream().filter(ProcessHandle::isAlive).forEach(alive::add);
        return alive;
    }

    /** Stops every submission still running, then the NodeManager and ResourceManager. */
    @Override
    public void close() {
        ProcessTree.destroy(submissions.stream().map(Process::toHandle).toList(), STOP_GRACE);
        noteContainers();
        yarn.stop();
    }

    /**
     * Remembers the containers still running: processes the NodeManager (a service of this JVM)
     * launched, Spark's application master and executors.
     */
    private void noteContainers() {
        ProcessHandle.current()
                .descendants()
                .filter(
                        h -> {
                            String cmd = h.info().commandLine().orElse("");
                            return cmd.contains("org.apache.spark.deploy.yarn.ExecutorLauncher")
                                    || cmd.contains("YarnCoarseGrainedExecutorBackend");
                        })
                .forEach(containers::add);
    }

    private Process launch(List<String> cmd, Path dir) {
        ProcessBuilder pb = ClientSubmit.builder(cmd, dir);
        // what a YARN client reads: it also ships these files to the application master
        pb.environment().put("HADOOP_CONF_DIR", hadoopConfDir().toString());
        pb.environment().remove("YARN_CONF_DIR");
        try {
            Process p = pb.start();
            submissions.add(p);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start spark-submit in " + dir, e);
        }
    }

    /** Spark's YARN client at INFO (application id, state reports), the rest at WARN. */
    private Path writeDriverLogConfig() {
        Path file = workDir.resolve("driver-log4j2.properties");
        try {
            Files.writeString(
                    file,
                    String.join(
                            "\n",
                            "rootLogger.level = warn",
                            "rootLogger.appenderRef.stderr.ref = stderr",
                            "appender.console.type = Console",
                            "appender.console.name = stderr",
                            "appender.console.target = SYSTEM_ERR",
                            "appender.console.layout.type = PatternLayout",
                            "appender.console.layout.pattern = %d{HH:mm:ss.SSS} %-5p %c{1} - %m%n",
                            "logger.yarn.name = org.apache.spark.deploy.yarn",
                            "logger.yarn.level = info",
                            "logger.ssb.name = dev.ssb",
                            "logger.ssb.level = info",
                            ""));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    private void writeHadoopConf() {
        Configuration core = new Configuration(false);
        core.set("fs.defaultFS", "file:///");
        Configuration site = new Configuration(false);
        for (String key :
                List.of(
                        YarnConfiguration.RM_HOSTNAME,
                        YarnConfiguration.RM_ADDRESS,
                        YarnConfiguration.RM_SCHEDULER_ADDRESS,
                        YarnConfiguration.RM_RESOURCE_TRACKER_ADDRESS)) {
            site.set(key, yarn.getConfig().get(key));
        }
        // an unreachable ResourceManager fails the submission in seconds, not after 15 minutes
        site.set(YarnConfiguration.RESOURCEMANAGER_CONNECT_MAX_WAIT_MS, "20000");
        site.set(YarnConfiguration.RESOURCEMANAGER_CONNECT_RETRY_INTERVAL_MS, "1000");
        Path dir = hadoopConfDir();
        try {
            Files.createDirectories(dir);
            for (var file : Map.of("core-site.xml", core, "yarn-site.xml", site).entrySet()) {
                try (OutputStream out = Files.newOutputStream(dir.resolve(file.getKey()))) {
                    file.getValue().writeXml(out);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the Hadoop configuration to " + dir, e);
        }
    }

    private void awaitResourceManagerPort() {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (resourceManager() == null || resourceManager().endsWith(":0")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "Cannot start MiniYARNCluster: no ResourceManager port after 1 minute");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while starting YARN", e);
            }
        }
    }
}
