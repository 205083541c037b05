package dev.ssb.spark;

import dev.ssb.worker.api.ChatMessage;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.Generation;
import dev.ssb.worker.api.GenerationRequest;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.ModelWorker;
import dev.ssb.worker.api.NativeRuntime;
import dev.ssb.worker.api.SamplingParams;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The checks of {@code ssb doctor}: Java, Spark, DJL and libtorch versions, libtorch's path and
 * flavour, the CUDA devices, a timed matrix product and a short generation of the embedded model on
 * the chosen device — in this JVM, or in every executor of a cluster.
 */
public final class Doctor {

    /** The libtorch version DJL 0.36's JNI needs. */
    static final String LIBTORCH_VERSION = "2.7.1";

    /** Tokens the generation check produces. */
    public static final int GENERATED_TOKENS = 16;

    private static final String GPU_FIX =
            "install torch "
                    + LIBTORCH_VERSION
                    + " built for CUDA 12.8 on the node and set PYTORCH_LIBRARY_PATH=<torch>/lib"
                    + " and PYTORCH_FLAVOR=cu128 (spark.executorEnv.* on a cluster), or ship"
                    + " ai.djl.pytorch:pytorch-native-cu128";

    /** The settings of one doctor run; shipped to executors. */
    public record Settings(boolean gpu, Device.DType dtype, int matmulSize)
            implements java.io.Serializable {}

    private Doctor() {}

    /**
     * Runs every check in this JVM on {@code device}. Never throws: a failing step becomes a failed
     * check with its fix, and the steps that need it are skipped.
     */
    public static DoctorReport checkThisJvm(Device device, int matmulSize, String executorId) {
        List<DoctorCheck> checks = new ArrayList<>();
        checks.add(
                DoctorCheck.pass(
                        "java",
                        Runtime.version() + " (" + System.getProperty("java.vendor") + ")"));
        checks.add(DoctorCheck.pass("spark", org.apache.spark.package$.MODULE$.SPARK_VERSION()));
        String flavor = "?";
        double gflops = 0;
        NativeRuntime runtime;
        try {
            runtime = ModelWorker.nativeRuntime();
        } catch (RuntimeException | LinkageError e) {
            checks.add(
                    DoctorCheck.fail(
                            "libtorch",
                            "cannot load: " + e,
                            "set ai.djl.offline=true and a writable DJL_CACHE_DIR, ship"
                                    + " pytorch-native-cpu or "
                                    + GPU_FIX));
            return new DoctorReport(executorId, host(), gpuAddress(device), flavor, 0, checks);
        }
        flavor = runtime.flavor();
        checks.add(DoctorCheck.pass("djl", runtime.djlVersion()));
        String lib =
                runtime.libtorchVersion()
                        + " flavor "
                        + runtime.flavor()
                        + (runtime.cuda() ? " (CUDA)" : " (no CUDA)")
                        + " from "
                        + runtime.libtorchPath();
        checks.add(
                runtime.libtorchVersion().equals(LIBTORCH_VERSION)
                        ? DoctorCheck.pass("libtorch", lib)
                        : DoctorCheck.fail(
                                "libtorch",
                                lib,
                                "use libtorch "
                                        + LIBTORCH_VERSION
                                        + " (DJL 0.36's JNI); leave PYTORCH_VERSION unset"));
        String gpus =
                runtime.gpus().isEmpty()
                        ? "none"
                        : runtime.gpus().stream()
                                .map(
                                        g ->
                                                String.format(
                                                        Locale.ROOT,
                                                        "gpu%d (sm %s, %.1f GiB)",
                                                        g.id(),
                                                        g.computeCapability(),
                                                        g.memoryBytes() / (double) (1L << 30)))
                                .collect(Collectors.joining(", "));
        boolean gpuMissing = device.isGpu() && device.gpuId() >= runtime.gpus().size();
        checks.add(
                gpuMissing
                        ? DoctorCheck.fail(
                                "cuda",
                                gpus + "; " + device + " was asked for",
                                GPU_FIX + ", or run with --device cpu")
                        : DoctorCheck.pass("cuda", gpus));
        if (gpuMissing) {
            return new DoctorReport(executorId, host(), gpuAddress(device), flavor, 0, checks);
        }
        try {
            gflops = ModelWorker.matmulGflops(device, matmulSize);
            checks.add(
                    DoctorCheck.pass(
                            "matmul",
                            String.format(
                                    Locale.ROOT,
                                    "%dx%d %s on %s: %.1f GFLOP/s",
                                    matmulSize,
                                    matmulSize,
                                    device.dtype(),
                                    device,
                                    gflops)));
        } catch (RuntimeException e) {
            checks.add(DoctorCheck.fail("matmul", e.getMessage(), GPU_FIX));
        }
        checks.add(generate(device));
        return new DoctorReport(executorId, host(), gpuAddress(device), flavor, gflops, checks);
    }

    private static DoctorCheck generate(Device device) {
        long start = System.nanoTime();
        try (LanguageModel model = ModelWorker.load(ModelWorker.EMBEDDED, device)) {
            int[] prompt = model.encodeChat(List.of(ChatMessage.user("What is 2 + 3?")), true);
            Generation g =
                    model.generate(
                                    List.of(new GenerationRequest(prompt, 0L)),
                                    SamplingParams.greedy(GENERATED_TOKENS))
                            .get(0);
            double seconds = (System.nanoTime() - start) / 1e9;
            return DoctorCheck.pass(
                    "generate",
                    String.format(
                            Locale.ROOT,
                            "%d tokens of %s on %s in %.2f s (load included): %s",
                            g.tokenIds().length,
                            ModelWorker.EMBEDDED,
                            model.device(),
                            seconds,
                            g.text().replace("\n", "\\n")));
        } catch (RuntimeException e) {
            return DoctorCheck.fail(
                    "generate",
                    String.valueOf(e.getMessage()),
                    "check the lines above; the embedded model must load from the jar");
        }
    }

    /**
     * Runs the checks once in every executor: a job of several tasks per executor, each executor
     * reporting once (the first of its tasks checks, the others return that report).
     *
     * @return one report per executor id, sorted by id
     */
    public static List<DoctorReport> checkExecutors(SparkSession spark, Settings settings) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int executors = Math.max(1, spark.sparkContext().getExecutorMemoryStatus().size() - 1);
        int tasks = executors * Math.max(2, jsc.defaultParallelism() / executors);
        List<DoctorReport> all =
                jsc.parallelize(IntStream.range(0, tasks).boxed().toList(), tasks)
                        .map(i -> PerJvm.report(settings))
                        .collect();
        Map<String, DoctorReport> byExecutor = new TreeMap<>();
        all.forEach(r -> byExecutor.putIfAbsent(r.executorId(), r));
        return List.copyOf(byExecutor.values());
    }

    /** One report per executor JVM, computed by its first task. */
    static final class PerJvm {
        private static DoctorReport report;

        static synchronized DoctorReport report(Settings settings) {
            if (report == null) {
                Device device =
                        settings.gpu()
                                ? GpuAssignment.forCurrentTask(true, settings.dtype())
                                : Device.cpu();
                report = checkThisJvm(device, settings.matmulSize(), executorId());
            }
            return report;
        }

        private PerJvm() {}
    }

    static String executorId() {
        SparkEnv env = SparkEnv.get();
        return env == null ? "driver" : env.executorId();
    }

    private static String gpuAddress(Device device) {
        TaskContext ctx = TaskContext.get();
        if (ctx != null) {
            int id = GpuPlacement.gpuId(ctx.resourcesJMap());
            return id == GpuPlacement.NO_GPU ? "" : Integer.toString(id);
        }
        return device.isGpu() ? Integer.toString(device.gpuId()) : "";
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
