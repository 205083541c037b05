package dev.ssb.cli;

import dev.ssb.spark.Doctor;
import dev.ssb.spark.DoctorCheck;
import dev.ssb.spark.DoctorReport;
import dev.ssb.spark.SparkSessions;
import dev.ssb.worker.api.Device;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ssb doctor}: checks that this machine, or every executor, can run the model stages. */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = {
            "Prints Java, Spark, DJL and libtorch versions, libtorch's path and flavour, the CUDA"
                    + " devices with their memory, a timed matrix product (GFLOP/s) and a "
                    + Doctor.GENERATED_TOKENS
                    + "-token generation of the embedded model on the chosen device. With"
                    + " --cluster the same checks run as Spark tasks, one report per executor."
                    + " Exits 1, printing the fix, when a check fails.",
            "Example: spark-submit ... ssb-cluster.jar doctor --cluster --device gpu"
        })
final class DoctorCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(
            names = "--device",
            paramLabel = "cpu|gpu",
            defaultValue = "cpu",
            description =
                    "Where to run the matrix product and the generation (default:"
                            + " ${DEFAULT-VALUE}); gpu uses GPU 0, or with --cluster the GPU Spark"
                            + " gave each task.")
    String device;

    @Option(
            names = "--dtype",
            paramLabel = "TYPE",
            defaultValue = "float32",
            description = "float32, float16 or bfloat16 (the last two on gpu only).")
    String dtype;

    @Option(names = "--cluster", description = "Run the checks in every executor.")
    boolean cluster;

    @Option(
            names = "--matmul-size",
            paramLabel = "N",
            defaultValue = "1024",
            description = "Side of the square matrices multiplied (default: ${DEFAULT-VALUE}).")
    int matmulSize;

    @Override
    public Integer call() {
        boolean gpu = parseDevice();
        Device.DType type = parseDtype(gpu);
        if (matmulSize < 1) {
            throw new ParameterException(
                    spec.commandLine(), "Invalid --matmul-size: " + matmulSize + " (must be >= 1)");
        }
        PrintWriter out = spec.commandLine().getOut();
        List<DoctorReport> reports;
        if (cluster) {
            reports =
                    Doctor.checkExecutors(
                            SparkSessions.getOrCreateQuiet("ssb doctor"),
                            new Doctor.Settings(gpu, type, matmulSize));
        } else {
            Device d = gpu ? Device.gpu(0, type) : Device.cpu();
            reports = List.of(Doctor.checkThisJvm(d, matmulSize, "local"));
        }
        for (DoctorReport r : reports) {
            print(out, r);
        }
        if (cluster) {
            out.printf(
                    "%n%-10s %-24s %-4s %-8s %12s  %s%n",
                    "executor", "host", "gpu", "flavor", "GFLOP/s", "status");
            for (DoctorReport r : reports) {
                out.printf(
                        Locale.ROOT,
                        "%-10s %-24s %-4s %-8s %12.1f  %s%n",
                        r.executorId(),
                        r.host(),
                        r.gpu().isEmpty() ? "-" : r.gpu(),
                        r.flavor(),
                        r.gflops(),
                        r.ok() ? "OK" : "FAIL");
            }
        }
        long failed = reports.stream().filter(r -> !r.ok()).count();
        out.printf(
                "%n%s%n",
                failed == 0
                        ? "doctor: all checks passed on " + reports.size() + " JVM(s)"
                        : "doctor: checks failed on "
                                + failed
                                + " of "
                                + reports.size()
                                + " JVM(s)");
        out.flush();
        return failed == 0 ? 0 : 1;
    }

    static void print(PrintWriter out, DoctorReport r) {
        out.printf(
                "== %s on %s%s%n",
                r.executorId(), r.host(), r.gpu().isEmpty() ? "" : " gpu " + r.gpu());
        for (DoctorCheck c : r.checks()) {
            out.printf("%-4s %-9s %s%n", c.ok() ? "ok" : "FAIL", c.name(), c.detail());
            if (!c.ok()) {
                out.printf("     fix:      %s%n", c.fix());
            }
        }
    }

    private boolean parseDevice() {
        return switch (device.toLowerCase(Locale.ROOT)) {
            case "cpu" -> false;
            case "gpu" -> true;
            default ->
                    throw new ParameterException(
                            spec.commandLine(),
                            "Invalid --device: " + device + " (must be cpu or gpu)");
        };
    }

    private Device.DType parseDtype(boolean gpu) {
        Device.DType type;
        try {
            type = Device.DType.valueOf(dtype.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(
                    spec.commandLine(),
                    "Invalid --dtype: " + dtype + " (must be float32, float16 or bfloat16)");
        }
        if (!gpu && type != Device.DType.FLOAT32) {
            throw new ParameterException(
                    spec.commandLine(),
                    "Invalid --dtype: " + dtype + " (must be float32 with --device cpu)");
        }
        return type;
    }
}
