package dev.ssb.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Samples, every half second, the resident peak ({@code VmHWM} of /proc/PID/status) of this JVM's
 * descendant processes: the cluster's driver ({@code SparkSubmit}) and executor ({@code
 * CoarseGrainedExecutorBackend}) JVMs, told apart by /proc/PID/cmdline. When a stage's manifest
 * appears, the peaks so far are kept as that stage's: the peak up to the end of the stage.
 */
final class PeakRss implements Runnable {

    static final String DRIVER = "org.apache.spark.deploy.SparkSubmit";
    static final String EXECUTOR = "CoarseGrainedExecutorBackend";

    private final Map<String, Path> manifests;
    private final Map<Long, Long> peaks = new ConcurrentHashMap<>();
    private final Map<Long, String> roles = new ConcurrentHashMap<>();
    private final Map<String, Map<Long, Long>> byStage = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    /**
     * @param manifests stage name → the manifest file whose appearance ends the stage
     */
    PeakRss(Map<String, Path> manifests) {
        this.manifests = new LinkedHashMap<>(manifests);
    }

    @Override
    public void run() {
        while (running) {
            sample();
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
        sample();
    }

    private void sample() {
        ProcessHandle.current()
                .descendants()
                .forEach(
                        p -> {
                            String role = role(p.pid());
                            long hwm = status(Long.toString(p.pid()), "VmHWM");
                            if (role != null && hwm > 0) {
                                roles.putIfAbsent(p.pid(), role);
                                peaks.merge(p.pid(), hwm, Math::max);
                            }
                        });
        manifests.forEach(
                (stage, file) -> {
                    if (!byStage.containsKey(stage) && Files.exists(file)) {
                        byStage.put(stage, Map.copyOf(peaks));
                    }
                });
    }

    void stop() {
        running = false;
    }

    /**
     * Writes {@code driver}, {@code executors} (by PID), their sum, this JVM's own peak, and the
     * same per stage ({@code after_<stage>}).
     */
    void report(ObjectNode out) {
        out.put("bench_jvm", status("self", "VmHWM"));
        write(out, peaks);
        ObjectNode stages = out.putObject("by_stage_end");
        manifests.keySet().stream()
                .filter(byStage::containsKey)
                .forEach(stage -> write(stages.putObject(stage), byStage.get(stage)));
    }

    private void write(ObjectNode out, Map<Long, Long> pidPeaks) {
        long driver = sum(pidPeaks, DRIVER);
        out.put("driver", driver);
        ArrayNode executors = out.putArray("executors");
        List<Long> executorPeaks =
                pidPeaks.entrySet().stream()
                        .filter(e -> EXECUTOR.equals(roles.get(e.getKey())))
                        .sorted(Map.Entry.comparingByKey())
                        .map(Map.Entry::getValue)
                        .toList();
        executorPeaks.forEach(executors::add);
        out.put(
                "driver_plus_executors",
                driver + executorPeaks.stream().mapToLong(Long::longValue).sum());
    }

    private long sum(Map<Long, Long> pidPeaks, String role) {
        return pidPeaks.entrySet().stream()
                .filter(e -> role.equals(roles.get(e.getKey())))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    /**
     * DRIVER, EXECUTOR or null, from /proc/PID/cmdline ({@code ProcessHandle.Info.commandLine()} is
     * empty for the executors, whose class paths are too long for it).
     */
    private static String role(long pid) {
        String cmd;
        try {
            cmd =
                    new String(
                            Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                            StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return cmd.contains(EXECUTOR) ? EXECUTOR : cmd.contains(DRIVER) ? DRIVER : null;
    }

    /** A /proc/PID/status field in bytes (it is given in kB), 0 when unreadable. */
    static long status(String pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith(field + ":")) {
                    return 1024 * Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended between listing and reading
        }
        return 0;
    }
}
