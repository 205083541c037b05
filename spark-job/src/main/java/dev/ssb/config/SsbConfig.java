package dev.ssb.config;

import static java.util.Objects.requireNonNull;

import dev.ssb.worker.api.Device;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A fully resolved run configuration: every key of {@link SsbProperties}, each with a validated,
 * canonical value. Built by {@link ConfigResolver}; immutable and serializable, so stages can ship
 * it to executors.
 */
public record SsbConfig(SortedMap<String, String> values) implements Serializable {

    public SsbConfig {
        requireNonNull(values, "values is null");
        SortedMap<String, String> canonical = new TreeMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            ConfigKey key = SsbProperties.all().get(e.getKey());
            if (key == null) {
                throw new IllegalArgumentException(ConfigResolver.unknownKeyMessage(e.getKey()));
            }
            canonical.put(e.getKey(), key.canonicalize(requireNonNull(e.getValue(), e.getKey())));
        }
        for (String name : SsbProperties.all().keySet()) {
            if (!canonical.containsKey(name)) {
                throw new IllegalArgumentException("Missing configuration key: " + name);
            }
        }
        String dtype = canonical.get(SsbProperties.MODEL_DTYPE);
        if (!"float32".equals(dtype) && "cpu".equals(canonical.get(SsbProperties.MODEL_DEVICE))) {
            throw new IllegalArgumentException(
                    "Invalid model.dtype: "
                            + dtype
                            + " (must be float32 when model.device is cpu)");
        }
        values = Collections.unmodifiableSortedMap(canonical);
    }

    /** The code defaults only (no file), for tests and tools. */
    public static SsbConfig defaults() {
        SortedMap<String, String> map = new TreeMap<>();
        SsbProperties.all().forEach((name, key) -> map.put(name, key.defaultValue()));
        return new SsbConfig(map);
    }

    /** A copy with one key changed (validated). */
    public SsbConfig with(String key, Object value) {
        SortedMap<String, String> map = new TreeMap<>(values);
        map.put(key, String.valueOf(value));
        return new SsbConfig(map);
    }

    public String string(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException(ConfigResolver.unknownKeyMessage(key));
        }
        return v;
    }

    /** A {@code true}/{@code false} key's value. */
    public boolean bool(String key) {
        return Boolean.parseBoolean(string(key));
    }

    public int intValue(String key) {
        return Integer.parseInt(string(key));
    }

    public long longValue(String key) {
        return Long.parseLong(string(key));
    }

    public double doubleValue(String key) {
        return Double.parseDouble(string(key));
    }

    public String runId() {
        return string(SsbProperties.RUN_ID);
    }

    public String out() {
        return string(SsbProperties.OUT);
    }

    public long seed() {
        return longValue(SsbProperties.SEED);
    }

    /**
     * The base model's name for PEFT's {@code base_model_name_or_path}: {@code model.name}, else
     * the last segment of {@code model.checkpoint} (the folder name; {@code toy} for {@code
     * embedded:toy}), never a scheme or an absolute path.
     */
    public String modelName() {
        String name = string(SsbProperties.MODEL_NAME).strip();
        if (!name.isEmpty()) {
            return name;
        }
        String checkpoint = string(SsbProperties.MODEL_CHECKPOINT).replaceAll("[/\\\\]+$", "");
        int cut = Math.max(checkpoint.lastIndexOf('/'), checkpoint.lastIndexOf(':'));
        String last = checkpoint.substring(cut + 1);
        return last.isEmpty() ? checkpoint : last;
    }

    /** The configured device; a GPU's id is chosen per task (see the spark package). */
    public Device.DType dtype() {
        return switch (string(SsbProperties.MODEL_DTYPE)) {
            case "float16" -> Device.DType.FLOAT16;
            case "bfloat16" -> Device.DType.BFLOAT16;
            default -> Device.DType.FLOAT32;
        };
    }

    public boolean useGpu() {
        return "gpu".equals(string(SsbProperties.MODEL_DEVICE));
    }

    /**
     * SHA-256 (hex) over the sorted {@code key=value} lines of every key that changes results
     * ({@link ConfigKey#changesResults()}): the same settings give the same hash wherever the run
     * is stored and whatever its batch sizes, partitions or logging cadence.
     */
    public String hash() {
        return hash(k -> true);
    }

    /**
     * The hash over the result keys that start with one of {@code prefixes} (what one stage's rows
     * depend on); operational keys never enter it.
     */
    public String hash(Collection<String> prefixes) {
        return hash(k -> prefixes.stream().anyMatch(k::startsWith));
    }

    private String hash(Predicate<String> include) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (SsbProperties.all().get(e.getKey()).changesResults() && include.test(e.getKey())) {
                sha.update(
                        (e.getKey() + "=" + e.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
