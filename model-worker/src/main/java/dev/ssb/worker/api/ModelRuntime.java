package dev.ssb.worker.api;

/** Service-provider interface of the model runtime (implemented in the model package). */
public interface ModelRuntime {

    /** See {@link ModelWorker#load(String, Device)}. */
    LanguageModel load(String checkpoint, Device device);
}
