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

    /**
     * The sampling settings of a checkpoint's {@code generation_config.json} text, read without
     * loading the model (the driver reads the file itself, from any Hadoop file system).
     *
     * @param checkpoint the checkpoint's name, for messages
     * @throws IllegalArgumentException naming the file and key of an invalid value
     */
    public static GenerationDefaults generationDefaults(String json, String checkpoint) {
        return runtime().generationDefaults(json, checkpoint);
    }

    /**
     * The sampling settings of a checkpoint the runtime holds itself ({@link #EMBEDDED}), else
     * empty: then the caller reads the checkpoint's {@code generation_config.json} and hands it to
     * {@link #generationDefaults(String, String)}.
     */
    public static java.util.Optional<GenerationDefaults> builtInGenerationDefaults(
            String checkpoint) {
        return runtime().builtInGenerationDefaults(checkpoint);
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
