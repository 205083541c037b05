package dev.ssb.worker.io;

import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LoraAdapterProvider;
import dev.ssb.worker.api.LoraConfig;
import dev.ssb.worker.api.ModelConfig;
import java.nio.file.Path;

/**
 * The {@link LoraAdapterProvider} service (listed in {@code META-INF/services}): PEFT's adapter
 * format through {@link PeftAdapters}.
 */
public final class PeftAdapterService implements LoraAdapterProvider {

    @Override
    public LoraAdapter initialize(LoraConfig config, ModelConfig model, long seed) {
        return PeftAdapters.initialize(config, model, seed);
    }

    @Override
    public LoraAdapter load(Path dir) {
        return PeftAdapters.load(dir);
    }

    @Override
    public LoraAdapter load(Path dir, ModelConfig model) {
        return PeftAdapters.load(dir, model);
    }

    @Override
    public void save(LoraAdapter adapter, Path dir, String baseModelNameOrPath) {
        PeftAdapters.save(adapter, dir, baseModelNameOrPath);
    }
}
