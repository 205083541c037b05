package dev.ssb.worker.api;

import java.nio.file.Path;

/**
 * Service-provider interface behind {@link LoraAdapter}'s static factories and {@code save}
 * (implemented in the io package, found with {@link java.util.ServiceLoader}).
 */
public interface LoraAdapterProvider {

    /** See {@link LoraAdapter#initialize(LoraConfig, ModelConfig, long)}. */
    LoraAdapter initialize(LoraConfig config, ModelConfig model, long seed);

    /** See {@link LoraAdapter#load(Path)}. */
    LoraAdapter load(Path dir);

    /** See {@link LoraAdapter#load(Path, ModelConfig)}. */
    LoraAdapter load(Path dir, ModelConfig model);

    /** See {@link LoraAdapter#save(Path, String)}; {@code baseModelNameOrPath} may be null. */
    void save(LoraAdapter adapter, Path dir, String baseModelNameOrPath);
}
