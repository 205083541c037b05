package dev.ssb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.testing.FullDiskFileSystem;
import dev.ssb.testing.SsbJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stage that fails with an {@link Error} in a real {@code ssb} process: Hadoop's {@code FSError}
 * from a full disk while ingest writes its manifest (see {@link FullDiskFileSystem}). The process
 * must print the message without a stack trace (with one under {@code --verbose}) and exit non-zero
 * within seconds, although a SparkSession with its non-daemon threads is running.
 */
class CliFailureTest {

    /** The promise: a failed command's process is gone this soon after the failure. */
    private static final long EXIT_WITHIN_MS = 5_000;

    @TempDir Path tmp;

    @Test
    void anErrorInAStageExitsNonZeroWithinSecondsWithItsMessageAndNoStackTrace() throws Exception {
        Run run = ingestOnAFullDisk("plain");

        assertThat(run.exitCode).as(run.output).isEqualTo(1);
        assertThat(run.exitedMsAfterFailure).as(run.output).isBetween(0L, EXIT_WITHIN_MS);
        assertThat(run.output)
                .contains("ssb ingest: FSError: java.io.IOException: No space left on device")
                .contains("--verbose prints the stack trace")
                .doesNotContain("\tat ")
                .doesNotContain("Exception in thread");
    }

    @Test
    void verbosePrintsTheStackTrace() throws Exception {
        Run run = ingestOnAFullDisk("verbose", "--verbose");

        assertThat(run.exitCode).as(run.output).isEqualTo(1);
        assertThat(run.exitedMsAfterFailure).as(run.output).isBetween(0L, EXIT_WITHIN_MS);
        assertThat(run.output)
                .contains("ssb ingest: FSError: java.io.IOException: No space left on device")
                .contains("org.apache.hadoop.fs.FSError")
                .contains("\tat dev.ssb.table.StageOutput")
                .contains("Caused by: java.io.IOException: No space left on device");
    }

    private record Run(int exitCode, long exitedMsAfterFailure, String output) {}

    /** {@code ssb ingest} in a new JVM whose local file system is full for manifests. */
    private Run ingestOnAFullDisk(String name, String... flags) throws Exception {
        Path conf = Files.createDirectories(tmp.resolve(name + "-hadoop-conf"));
        Files.writeString(
                conf.resolve("core-site.xml"),
                "<?xml version=\"1.0\"?>\n<configuration>\n  <property><name>fs.file.impl</name>"
                        + "<value>"
                        + FullDiskFileSystem.class.getName()
                        + "</value></property>\n</configuration>\n");
        Path data = Path.of(System.getProperty("ssb.data.dir", "../data"));
        List<String> args = new ArrayList<>(List.of("ingest"));
        args.addAll(Arrays.asList(flags));
        args.addAll(
                List.of(
                        "--problems",
                        data.resolve("gsm8k_test.jsonl").toString(),
                        "--set",
                        "data.limit=20",
                        "--out",
                        tmp.resolve(name + "-runs").toString(),
                        "--run-id",
                        "r1"));
        Path log = tmp.resolve(name + ".log");
        Process process = launch(conf, args, log);
        boolean exited = process.waitFor(3, TimeUnit.MINUTES);
        long exitedAt = System.currentTimeMillis();
        if (!exited) {
            process.destroyForcibly().waitFor();
        }
        String output = Files.readString(log);
        assertThat(exited).as("exited in 3 minutes: " + output).isTrue();
        long failedAt =
                output.lines()
                        .filter(l -> l.startsWith(FullDiskFileSystem.MARKER))
                        .mapToLong(
                                l ->
                                        Long.parseLong(
                                                l.substring(FullDiskFileSystem.MARKER.length())))
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        new AssertionError(
                                                "no manifest write was failed: " + output));
        System.out.printf(
                "ssb ingest %s: exit %d, %d ms after the failed write%n%s%n",
                name, process.exitValue(), exitedAt - failedAt, output);
        return new Run(process.exitValue(), exitedAt - failedAt, output);
    }

    /** {@code ssb ARGS} in a new JVM on local[1], with the launcher's log configuration. */
    private static Process launch(Path hadoopConf, List<String> args, Path log) throws IOException {
        Path repo = Path.of(System.getProperty("ssb.repo.dir", ".."));
        List<String> flags = new ArrayList<>(SsbJvm.SHORT_LIVED);
        flags.add("-Dlog4j2.configurationFile=" + repo.resolve("conf/log4j2.xml"));
        return SsbJvm.start(1, List.of(hadoopConf), flags, args, log);
    }
}
