package dev.ssb.worker.io;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ssb.worker.api.ModelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a complete Hugging Face checkpoint directory: {@code config.json}, {@code
 * generation_config.json}, the weights ({@code model.safetensors}, or shards plus {@code
 * model.safetensors.index.json} above a size limit, as {@code save_pretrained} does) and the
 * tokenizer files of a source checkpoint.
 */
public final class CheckpointWriter {

    /** {@code save_pretrained}'s default shard size. */
    public static final long DEFAULT_MAX_SHARD_BYTES = 5L * 1000 * 1000 * 1000;

    /** Tokenizer files copied from the source checkpoint when present. */
    public static final List<String> TOKENIZER_FILES =
            List.of("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json");

    private static final Pattern SHARD = Pattern.compile("model-\\d{5}-of-\\d{5}\\.safetensors");
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointWriter.class);

    /**
     * How to write.
     *
     * @param dtype stored element type of the weights
     * @param maxShardBytes a shard holds at most this many data bytes (a larger single tensor gets
     *     a shard of its own)
     * @param sourceDir checkpoint whose tokenizer files and generation config are copied, or null
     */
    public record Options(Dtype dtype, long maxShardBytes, Path sourceDir) {
        public Options {
            requireNonNull(dtype, "dtype is null");
            if (maxShardBytes <= 0) {
                throw new IllegalArgumentException(
                        "Invalid maxShardBytes: " + maxShardBytes + " (must be > 0)");
            }
        }

        public static Options of(Dtype dtype, Path sourceDir) {
            return new Options(dtype, DEFAULT_MAX_SHARD_BYTES, sourceDir);
        }
    }

    private CheckpointWriter() {}

    /**
     * Writes {@code weights} (validated against {@code config} first) and the config files into
     * {@code dir}, creating it.
     */
    public static void write(Path dir, ModelConfig config, TensorSource weights, Options options) {
        requireNonNull(dir, "dir is null");
        requireNonNull(config, "config is null");
        requireNonNull(weights, "weights is null");
        requireNonNull(options, "options is null");
        ExpectedWeights.forConfig(config).validate(weights);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dir, e);
        }
        ConfigJson.write(dir, config, options.dtype());
        writeWeights(dir, weights, options);
        copySourceFiles(dir, config, options.sourceDir());
        LOG.info(
                "Wrote checkpoint {} ({} tensors, {})",
                dir,
                weights.names().size(),
                options.dtype());
    }

    private static void writeWeights(Path dir, TensorSource weights, Options options) {
        removeStaleWeights(dir);
        List<String> names = new ArrayList<>(weights.names());
        names.sort(null);
        List<List<String>> shards = new ArrayList<>();
        List<String> current = new ArrayList<>();
        long currentBytes = 0;
        long totalBytes = 0;
        for (String name : names) {
            long bytes = SafetensorsHeader.numel(weights.shape(name)) * options.dtype().bytes();
            if (!current.isEmpty() && currentBytes + bytes > options.maxShardBytes()) {
                shards.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(name);
            currentBytes += bytes;
            totalBytes += bytes;
        }
        shards.add(current);
        if (shards.size() == 1) {
            SafetensorsWriter.write(
                    dir.resolve(CheckpointDirectory.SINGLE_FILE),
                    weights,
                    current,
                    options.dtype());
            return;
        }
        Map<String, String> weightMap = new TreeMap<>();
        for (int i = 0; i < shards.size(); i++) {
            String file = String.format("model-%05d-of-%05d.safetensors", i + 1, shards.size());
            SafetensorsWriter.write(dir.resolve(file), weights, shards.get(i), options.dtype());
            shards.get(i).forEach(name -> weightMap.put(name, file));
        }
        ObjectNode index = Json.object();
        index.putObject("metadata").put("total_size", totalBytes);
        ObjectNode map = index.putObject("weight_map");
        weightMap.forEach(map::put);
        Json.write(dir.resolve(CheckpointDirectory.INDEX_FILE), Json.pretty(index));
    }

    /** A leftover model.safetensors would shadow new shards (and old shards confuse readers). */
    private static void removeStaleWeights(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.equals(CheckpointDirectory.SINGLE_FILE)
                        || name.equals(CheckpointDirectory.INDEX_FILE)
                        || SHARD.matcher(name).matches()) {
                    Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot clean " + dir, e);
        }
    }

    private static void copySourceFiles(Path dir, ModelConfig config, Path sourceDir) {
        Path gen = dir.resolve(ConfigJson.GENERATION_CONFIG_FILE);
        try {
            if (sourceDir != null
                    && Files.isRegularFile(sourceDir.resolve(ConfigJson.GENERATION_CONFIG_FILE))) {
                // keeps the source's sampling defaults (temperature, top_p) for Python users
                Files.copy(
                        sourceDir.resolve(ConfigJson.GENERATION_CONFIG_FILE),
                        gen,
                        StandardCopyOption.REPLACE_EXISTING);
            } else {
                Json.write(gen, ConfigJson.generationConfigJson(config));
            }
            if (sourceDir == null) {
                return;
            }
            for (String name : TOKENIZER_FILES) {
                Path src = sourceDir.resolve(name);
                if (Files.isRegularFile(src)) {
                    Files.copy(src, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot copy files from " + sourceDir + " to " + dir, e);
        }
    }
}
