package dev.ssb.worker.runtime;

import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.cuda.CudaUtils;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.NativeRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What libtorch this JVM loaded, and how fast it multiplies matrices. */
final class LibTorch {

    /** The libtorch version DJL 0.36's JNI is built for. */
    static final String EXPECTED_VERSION = "2.7.1";

    /**
     * DJL's cache folder name, e.g. {@code 2.7.1-20250812-cpu-linux-x86_64}: the flavour precedes
     * the OS.
     */
    private static final Pattern CACHE_FOLDER =
            Pattern.compile("\\d+\\.\\d+\\.\\d+(?:-\\d+)?-([a-z]+[0-9]*)-(?:linux|osx|win)");

    private LibTorch() {}

    static NativeRuntime inspect() {
        Engine engine = Devices.engine();
        String path = LibUtils.getLibtorchPath();
        List<NativeRuntime.Gpu> gpus = new ArrayList<>();
        int count = engine.getGpuCount();
        for (int id = 0; id < count; id++) {
            long memory = CudaUtils.getGpuMemory(ai.djl.Device.gpu(id)).getMax();
            gpus.add(new NativeRuntime.Gpu(id, CudaUtils.getComputeCapability(id), memory));
        }
        return new NativeRuntime(
                Engine.getDjlVersion(),
                engine.getVersion(),
                path,
                flavor(System.getenv("PYTORCH_FLAVOR"), path),
                engine.hasCapability(StandardCapabilities.CUDA),
                gpus,
                Optional.ofNullable(System.getenv("PYTORCH_LIBRARY_PATH")).orElse(""));
    }

    /**
     * One line for error messages: version, flavour, where from, and the settings that chose it.
     */
    static String describe() {
        NativeRuntime r = inspect();
        return "libtorch "
                + r.libtorchVersion()
                + " flavor "
                + r.flavor()
                + " from "
                + r.libtorchPath()
                + "; PYTORCH_LIBRARY_PATH="
                + (r.pytorchLibraryPath().isEmpty() ? "(unset)" : r.pytorchLibraryPath())
                + ", PYTORCH_FLAVOR="
                + Optional.ofNullable(System.getenv("PYTORCH_FLAVOR")).orElse("(unset)");
    }

    static String flavor(String env, String path) {
        if (env != null && !env.isBlank()) {
            return env;
        }
        Matcher m = CACHE_FOLDER.matcher(path == null ? "" : path);
        return m.find() ? m.group(1) : "unknown";
    }

    /**
     * GFLOP/s of an {@code n × n} matrix product on {@code device}, best of {@code reps} timed runs
     * after one warm-up (the result is read back, so a GPU finishes before the clock stops).
     */
    static double matmulGflops(Device device, int n, int reps) {
        Device used = Devices.resolve(device);
        try (NDManager manager = NDManager.newBaseManager(Devices.djl(used))) {
            DataType type = Devices.dataType(used);
            NDArray a = manager.randomUniform(-1f, 1f, new Shape(n, n)).toType(type, false);
            NDArray b = manager.randomUniform(-1f, 1f, new Shape(n, n)).toType(type, false);
            double best = Double.MAX_VALUE;
            for (int i = 0; i <= reps; i++) {
                long start = System.nanoTime();
                try (NDArray c = a.matMul(b);
                        NDArray s = c.sum().toType(DataType.FLOAT32, false)) {
                    s.getFloat(); // forces completion
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                if (i > 0) {
                    best = Math.min(best, seconds);
                }
            }
            return 2.0 * n * n * (double) n / best / 1e9;
        }
    }
}
