package dev.ssb.worker.io;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ssb.worker.api.ModelConfig;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Hugging Face checkpoint directory: {@code config.json} and either {@code model.safetensors} or
 * shards {@code model-0000N-of-0000M.safetensors} listed in {@code model.safetensors.index.json}.
 * Opening reads the config and checks every tensor the config implies (name, shape, dtype), so a
 * bad checkpoint fails before any weight is loaded.
 */
public final class CheckpointDirectory implements TensorSource {

    public static final String SINGLE_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointDirectory.class);

    private final Path dir;
    private final ModelConfig config;

    /** Tensor name to the file holding it; several names share a shard. */
    private final Map<String, SafetensorsFile> files;

    private final Map<String, SafetensorsFile> shards;

    private CheckpointDirectory(
            Path dir,
            ModelConfig config,
            Map<String, SafetensorsFile> files,
            Map<String, SafetensorsFile> shards) {
        this.dir = dir;
        this.config = config;
        this.files = Collections.unmodifiableMap(files);
        this.shards = shards;
    }

    /**
     * Opens and validates a checkpoint directory.
     *
     * @throws IllegalArgumentException naming the directory and the problem (missing config key,
     *     unknown model_type, missing shard, missing tensor, shape disagreeing with the config,
     *     unsupported dtype)
     */
    public static CheckpointDirectory open(Path dir) {
        requireNonNull(dir, "dir is null");
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(
                    "Cannot load checkpoint " + dir + ": not a directory");
        }
        ModelConfig config = ConfigJson.read(dir);
        Map<String, SafetensorsFile> shards = new TreeMap<>();
        Map<String, SafetensorsFile> files = new TreeMap<>();
        try {
            if (Files.isRegularFile(dir.resolve(SINGLE_FILE))) {
                SafetensorsFile f = SafetensorsFile.open(dir.resolve(SINGLE_FILE));
                shards.put(SINGLE_FILE, f);
                f.names().forEach(n -> files.put(n, f));
            } else if (Files.isRegularFile(dir.resolve(INDEX_FILE))) {
                openShards(dir, shards, files);
            } else {
                throw ConfigJson.bad(
                        dir.toString(),
                        "neither " + SINGLE_FILE + " nor " + INDEX_FILE + " exists");
            }
            CheckpointDirectory ckpt = new CheckpointDirectory(dir, config, files, shards);
            ExpectedWeights expected = ExpectedWeights.forConfig(config);
            expected.validate(ckpt, dir.toString());
            for (String name : expected.shapes().keySet()) {
                ckpt.dtype(name); // throws on an unsupported dtype
            }
            LOG.info(
                    "Opened checkpoint {}: {} {} layers, {} tensors in {} file(s)",
                    dir,
                    config.modelType(),
                    config.numHiddenLayers(),
                    files.size(),
                    shards.size());
            return ckpt;
        } catch (RuntimeException e) {
            shards.values().forEach(SafetensorsFile::close);
            throw e;
        }
    }

    private static void openShards(
            Path dir, Map<String, SafetensorsFile> shards, Map<String, SafetensorsFile> files) {
        String what = "Cannot load checkpoint " + dir + ": " + INDEX_FILE;
        JsonNode weightMap = Json.read(dir.resolve(INDEX_FILE), what).get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw ConfigJson.bad(dir.toString(), INDEX_FILE + " is missing key weight_map");
        }
        Iterator<Map.Entry<String, JsonNode>> it = weightMap.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String shardName = e.getValue().asText();
            SafetensorsFile shard = shards.get(shardName);
            if (shard == null) {
                Path shardPath = dir.resolve(shardName).normalize();
                if (!shardPath.startsWith(dir.normalize()) || !Files.isRegularFile(shardPath)) {
                    throw ConfigJson.bad(
                            dir.toString(),
                            "missing shard " + shardName + " (listed in " + INDEX_FILE + ")");
                }
                shard = SafetensorsFile.open(shardPath);
                shards.put(shardName, shard);
            }
            if (!shard.names().contains(e.getKey())) {
                throw ConfigJson.bad(
                        dir.toString(),
                        INDEX_FILE
                                + " maps tensor "
                                + e.getKey()
                                + " to shard "
                                + shardName
                                + ", which does not contain it");
            }
            files.put(e.getKey(), shard);
        }
    }

    public Path dir() {
        return dir;
    }

    /** The parsed {@code config.json} (+ generation config). */
    public ModelConfig config() {
        return config;
    }

    /** The stored dtype of a tensor (F32, F16 or BF16). */
    public Dtype dtype(String name) {
        return file(name).dtype(name);
    }

    /** The safetensors files, by file name. */
    public Map<String, SafetensorsFile> files() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(shards));
    }

    @Override
    public Set<String> names() {
        return files.keySet();
    }

    @Override
    public long[] shape(String name) {
        return file(name).shape(name);
    }

    @Override
    public ByteBuffer readFloat32(String name) {
        return file(name).readFloat32(name);
    }

    private SafetensorsFile file(String name) {
        SafetensorsFile f = files.get(name);
        if (f == null) {
            throw ConfigJson.bad(dir.toString(), "missing tensor " + name);
        }
        return f;
    }

    @Override
    public void close() {
        shards.values().forEach(SafetensorsFile::close);
    }

    @Override
    public String toString() {
        return dir.toString();
    }
}
