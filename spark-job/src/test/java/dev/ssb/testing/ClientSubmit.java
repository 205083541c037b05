package dev.ssb.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.launcher.JavaModuleOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link StandaloneCluster} and {@link MiniYarn} share: a client-mode {@code spark-submit} in
 * a JVM of its own (which is the driver), its output in log files, and waiting for it with a
 * timeout.
 */
final class ClientSubmit {

    private static final Logger LOG = LoggerFactory.getLogger(ClientSubmit.class);

    static final String LOOPBACK = "127.0.0.1";
    static final Duration STOP_GRACE = Duration.ofSeconds(10);

    /**
     * Flags for daemons and client-mode drivers, which live for seconds to minutes and do little
     * compute: the C1 compiler alone and the serial collector spend far less CPU starting up than
     * C2 and G1's threads, and the test machine has two cores. Executors keep the JVM's defaults
     * (they run the model and the verifier).
     */
    static final List<String> SHORT_LIVED_JVM =
            List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private ClientSubmit() {}

    /**
     * {@code java ... SparkSubmit --master MASTER --deploy-mode client --class MAIN_CLASS --conf
     * k=v ... spark-internal ARGS}: no application jar, the main class is on {@code classpath}.
     *
     * @param jvmFlags flags of the driver JVM after the heap size, the {@link #SHORT_LIVED_JVM}
     *     flags and Spark's module options
     */
    static List<String> command(
            String classpath,
            String master,
            String mainClass,
            Map<String, String> sparkConf,
            List<String> jvmFlags,
            String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable());
        cmd.add("-Xmx" + sparkConf.getOrDefault("spark.driver.memory", "512m"));
        cmd.addAll(SHORT_LIVED_JVM);
        cmd.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()));
        cmd.addAll(jvmFlags);
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add("org.apache.spark.deploy.SparkSubmit");
        cmd.addAll(List.of("--master", master, "--deploy-mode", "client", "--class", mainClass));
        sparkConf.forEach((k, v) -> cmd.addAll(List.of("--conf", k + "=" + v)));
        cmd.add("spark-internal");
        cmd.addAll(Arrays.asList(args));
        return cmd;
    }

    /**
     * A process builder for {@code cmd} that runs in {@code dir} (created), reads nothing, writes
     * {@code stdout.log} and {@code stderr.log} there, and sees Spark's Scala version and the
     * loopback address in its environment.
     */
    static ProcessBuilder builder(List<String> cmd, Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dir, e);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.directory(dir.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectOutput(dir.resolve("stdout.log").toFile());
        pb.redirectError(dir.resolve("stderr.log").toFile());
        // without it executors die with "Cannot find any build directories"
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        pb.environment().put("SPARK_LOCAL_IP", LOOPBACK);
        return pb;
    }

    /**
     * Waits for the submission {@code p} (started by {@link #builder} in {@code dir}) at most
     * {@code timeout}, then kills it and its children; its exit code and logs.
     */
    static SubmitResult await(Process p, Path dir, Duration timeout, String mainClass) {
        boolean timedOut = false;
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                LOG.warn("spark-submit {} ran past {}: killing it", p.pid(), timeout);
                ProcessTree.destroy(List.of(p.toHandle()), STOP_GRACE);
            }
            p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ProcessTree.destroy(List.of(p.toHandle()), STOP_GRACE);
            throw new IllegalStateException("Interrupted while waiting for " + mainClass, e);
        }
        return new SubmitResult(
                p.pid(),
                timedOut ? -1 : p.exitValue(),
                timedOut,
                read(dir.resolve("stdout.log")),
                read(dir.resolve("stderr.log")));
    }

    /** The file's text, or "" when it is gone (its cluster was closed and its folder deleted). */
    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static String joinClasspath(List<Path> entries) {
        return String.join(File.pathSeparator, entries.stream().map(Path::toString).toList());
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
