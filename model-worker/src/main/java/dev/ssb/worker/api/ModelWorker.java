package dev.ssb.worker.api;

import java.util.ServiceLoader;

/**
 * Entry point to the model runtime. The implementation is found with {@link ServiceLoader}, so
 * callers (the Spark driver) compile against this package only and native PyTorch is loaded the
 * first time a model is actually loaded.
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
        return ServiceLoader.load(ModelRuntime.class, ModelWorker.class.getClassLoader())
                .findFirst()
                .orElseThrow(
                        () ->
                                new IllegalStateException(
                                        "Cannot find a ModelRuntime implementation on the classpath"));
    }
}
