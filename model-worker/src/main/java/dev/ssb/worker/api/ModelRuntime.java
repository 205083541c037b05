package dev.ssb.worker.api;

/** Service-provider interface of the model runtime (implemented in the model package). */
public interface ModelRuntime {

    /** See {@link ModelWorker#load(String, Device)}. */
    LanguageModel load(String checkpoint, Device device);

    /** See {@link ModelWorker#generationDefaults(String, String)}. */
    default GenerationDefaults generationDefaults(String json, String checkpoint) {
        throw new UnsupportedOperationException(getClass().getName() + " reads no checkpoints");
    }

    /** See {@link ModelWorker#builtInGenerationDefaults(String)}. */
    default java.util.Optional<GenerationDefaults> builtInGenerationDefaults(String checkpoint) {
        return java.util.Optional.empty();
    }

    /** See {@link ModelWorker#nativeRuntime()}. */
    default NativeRuntime nativeRuntime() {
        throw new UnsupportedOperationException(getClass().getName() + " has no native runtime");
    }

    /** See {@link ModelWorker#matmulGflops(Device, int)}. */
    default double matmulGflops(Device device, int n) {
        throw new UnsupportedOperationException(getClass().getName() + " has no native runtime");
    }
}
