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

    static ModelRuntime runtime() {
        return Services.find(ModelRuntime.class);
    }
}
