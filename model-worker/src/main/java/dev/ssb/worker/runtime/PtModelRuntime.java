package dev.ssb.worker.runtime;

import static java.util.Objects.requireNonNull;

import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.GenerationDefaults;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.ModelRuntime;
import dev.ssb.worker.api.ModelWorker;
import dev.ssb.worker.api.NativeRuntime;
import dev.ssb.worker.io.ConfigJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/** The {@link ModelRuntime} service: Hugging Face directories and the embedded toy model. */
public final class PtModelRuntime implements ModelRuntime {
    /** Classpath folder of the embedded model (written by the toy recipe). */
    static final String EMBEDDED_FOLDER = "dev/ssb/worker/toy/model/";

    private static final List<String> EMBEDDED_FILES =
            List.of(
                    "config.json",
                    "generation_config.json",
                    "model.safetensors",
                    "tokenizer.json",
                    "tokenizer_config.json",
                    "chat_template.jinja",
                    "special_tokens_map.json");

    @Override
    public LanguageModel load(String checkpoint, Device device) {
        requireNonNull(checkpoint, "checkpoint is null");
        requireNonNull(device, "device is null");
        if (checkpoint.equals(ModelWorker.EMBEDDED)) {
            return PtLanguageModel.open(extractEmbedded(), checkpoint, device);
        }
        Path dir = Path.of(checkpoint);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(
                    "Cannot load checkpoint " + checkpoint + ": not a directory");
        }
        Path name = dir.toAbsolutePath().normalize().getFileName();
        return PtLanguageModel.open(dir, name == null ? checkpoint : name.toString(), device);
    }

    @Override
    public GenerationDefaults generationDefaults(String json, String checkpoint) {
        return ConfigJson.parseGenerationDefaults(json, checkpoint);
    }

    @Override
    public Optional<GenerationDefaults> builtInGenerationDefaults(String checkpoint) {
        return checkpoint.equals(ModelWorker.EMBEDDED)
                ? Optional.of(embeddedGenerationDefaults())
                : Optional.empty();
    }

    private static GenerationDefaults embeddedGenerationDefaults() {
        String file = EMBEDDED_FOLDER + ConfigJson.GENERATION_CONFIG_FILE;
        try (InputStream in = PtModelRuntime.class.getClassLoader().getResourceAsStream(file)) {
            if (in == null) {
                return GenerationDefaults.NONE;
            }
            return ConfigJson.parseGenerationDefaults(
                    new String(in.readAllBytes(), StandardCharsets.UTF_8), ModelWorker.EMBEDDED);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read classpath:" + file, e);
        }
    }

    @Override
    public NativeRuntime nativeRuntime() {
        return LibTorch.inspect();
    }

    @Override
    public double matmulGflops(Device device, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("Invalid n: " + n + " (must be >= 1)");
        }
        return LibTorch.matmulGflops(device, n, 3);
    }

    /**
     * Safetensors are memory-mapped, so the classpath copy goes to a temporary directory once per
     * load (deleted on exit).
     */
    private static Path extractEmbedded() {
        ClassLoader loader = PtModelRuntime.class.getClassLoader();
        if (loader.getResource(EMBEDDED_FOLDER + "config.json") == null) {
            throw new IllegalArgumentException(
                    "Cannot load checkpoint "
                            + ModelWorker.EMBEDDED
                            + ": classpath:"
                            + EMBEDDED_FOLDER
                            + " is missing (config.json not found)");
        }
        try {
            Path dir = Files.createTempDirectory("ssb-embedded-");
            dir.toFile().deleteOnExit();
            for (String file : EMBEDDED_FILES) {
                try (InputStream in = loader.getResourceAsStream(EMBEDDED_FOLDER + file)) {
                    if (in != null) {
                        Path target = dir.resolve(file);
                        Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
                        target.toFile().deleteOnExit();
                    }
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot extract the embedded model", e);
        }
    }
}
