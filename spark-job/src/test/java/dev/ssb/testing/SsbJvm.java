package dev.ssb.testing;

import dev.ssb.cli.SsbCommand;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * {@code ssb ARGS} in a new JVM on {@code local[N]}, as the launcher script starts it: Spark's jars
 * and the application's classes on the classpath, the driver on loopback, no UI, DJL offline.
 */
public final class SsbJvm {

    /**
     * Flags for an {@code ssb} JVM that does little compute before it exits (C1 only, serial
     * collector): it starts in less CPU time on the two-core test machine.
     */
    public static final List<String> SHORT_LIVED = ClientSubmit.SHORT_LIVED_JVM;

    private SsbJvm() {}

    /**
     * Starts {@code ssb ARGS} with 1g of heap, standard output and error both into {@code log}.
     *
     * @param cores the N of the {@code local[N]} master
     * @param classpathFirst entries before Spark's jars (e.g. a Hadoop configuration folder)
     * @param jvmFlags more JVM flags (system properties, {@link #SHORT_LIVED})
     */
    public static Process start(
            int cores,
            List<Path> classpathFirst,
            List<String> jvmFlags,
            List<String> args,
            Path log)
            throws IOException {
        List<Path> classpath = new ArrayList<>(classpathFirst);
        classpath.add(TestBuild.sparkHome().resolve("jars").resolve("*"));
        classpath.addAll(TestBuild.appClasspath());
        List<String> cmd = new ArrayList<>();
        cmd.add(ClientSubmit.javaExecutable());
        cmd.add("-Xmx1g");
        cmd.addAll(Arrays.asList(JavaModuleOptions.defaultModuleOptionArray()));
        cmd.addAll(
                List.of(
                        "-Dspark.master=local[" + cores + "]",
                        "-Dspark.driver.host=" + ClientSubmit.LOOPBACK,
                        "-Dspark.driver.bindAddress=" + ClientSubmit.LOOPBACK,
                        "-Dspark.ui.enabled=false",
                        "-Dai.djl.offline=true"));
        cmd.addAll(jvmFlags);
        cmd.addAll(
                List.of(
                        "-cp",
                        String.join(
                                File.pathSeparator,
                                classpath.stream().map(Path::toString).toList()),
                        SsbCommand.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.redirectOutput(log.toFile());
        pb.environment().put("SPARK_LOCAL_IP", ClientSubmit.LOOPBACK);
        return pb.start();
    }
}
