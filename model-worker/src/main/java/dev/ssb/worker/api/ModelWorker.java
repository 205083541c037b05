package dev.ssb.worker.api;

/**
 * Entry point to the model runtime. The implementation is found with {@link
 * java.util.ServiceLoader}, so callers (the Spark driver) compile against this package only and
 * native PyTorch is loaded the first time a model is actually loaded.
 */
public final class ModelWorker {

    /** The checkpoint name of the tiny model shipped on the classpath. */
    public static final String EMBEDDED = "embedded:toy";

    private ModelWorker() {}

    /**
     * Loads a Hugging Face checkpoint directory (a local path) or {@link #EMBEDDED}.
     *
     * @throws IllegalArgumentException naming the file and key when the checkpoint is bad
     */
    public static LanguageModel load(String checkpoint, Device device) {
        return runtime().load(checkpoint, device);
    }

    /** The native runtime (libtorch) this JVM loaded: versions, path, flavour, CUDA devices. */
    public static NativeRuntime nativeRuntime() {
        return runtime().nativeRuntime();
    }

    /**
     * The speed of an {@code n × n} matrix product on {@code device} in GFLOP/s (best of three).
     *
     * @throws IllegalStateException when {@code device} is a GPU libtorch cannot see (and it has no
     *     CPU fallback)
     */
    public static double matmulGflops(Device device, int n) {
        return runtime().matmulGflops(device, n);
    }

    static ModelRuntime runtime() {
        return Services.find(ModelRuntime.class);
    }
}
