package dev.ssb.table;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * The commit record of one table of a stage, written last: what produced it (config hash, the
 * stage's own config hash, model id, inputs, the resolved config) and what it holds (counts,
 * timings).
 *
 * @param stage stage name, e.g. {@code ingest}
 * @param table table name, e.g. {@code problems}
 * @param runId run folder name
 * @param configHash hash of the whole resolved config (also a column of every row)
 * @param stageConfigHash hash of the keys this stage depends on: decides whether a rerun is a no-op
 * @param modelId checkpoint identifier, or empty for stages without a model
 * @param inputs paths or tables read
 * @param counts named counts, e.g. {@code input_rows}, {@code problems}, {@code rejected}
 * @param startedAt ISO-8601 instant
 * @param finishedAt ISO-8601 instant
 * @param durationMs wall time of the stage
 * @param config the resolved configuration
 * @param files the table's data files (path relative to the table folder) and their sizes in bytes
 *     at commit; empty in manifests written before files were listed (then sizes are not checked)
 * @param inputFiles the files read from outside the run (ingest's dataset), each qualified path
 *     with its state at the run ({@link InputFiles}); a complete stage is reused only while they
 *     are unchanged. Empty for stages that read only tables of the run, and in manifests written
 *     before inputs were recorded (then they are not checked)
 */
public record Manifest(
        String stage,
        String table,
        String runId,
        String configHash,
        String stageConfigHash,
        String modelId,
        List<String> inputs,
        Map<String, Long> counts,
        String startedAt,
        String finishedAt,
        long durationMs,
        SortedMap<String, String> config,
        SortedMap<String, Long> files,
        SortedMap<String, String> inputFiles) {

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public Manifest {
        requireNonNull(stage, "stage is null");
        requireNonNull(table, "table is null");
        requireNonNull(runId, "runId is null");
        requireNonNull(configHash, "configHash is null");
        requireNonNull(stageConfigHash, "stageConfigHash is null");
        requireNonNull(modelId, "modelId is null");
        inputs = List.copyOf(requireNonNull(inputs, "inputs is null"));
        counts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(counts));
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(finishedAt, "finishedAt is null");
        config = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(config));
        files = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(files));
        inputFiles = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(inputFiles));
        if (durationMs < 0) {
            throw new IllegalArgumentException("Invalid duration_ms: " + durationMs);
        }
    }

    public long count(String name) {
        Long value = counts.get(name);
        if (value == null) {
            throw new IllegalArgumentException(
                    "Manifest of "
                            + table
                            + " has no count "
                            + name
                            + " (has "
                            + counts.keySet()
                            + ")");
        }
        return value;
    }

    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("stage", stage);
        root.put("table", table);
        root.put("run_id", runId);
        root.put("config_hash", configHash);
        root.put("stage_config_hash", stageConfigHash);
        root.put("model_id", modelId);
        inputs.forEach(root.putArray("inputs")::add);
        ObjectNode c = root.putObject("counts");
        counts.forEach(c::put);
        root.put("started_at", startedAt);
        root.put("finished_at", finishedAt);
        root.put("duration_ms", durationMs);
        ObjectNode cfg = root.putObject("config");
        config.forEach(cfg::put);
        ObjectNode f = root.putObject("files");
        files.forEach(f::put);
        ObjectNode in = root.putObject("input_files");
        inputFiles.forEach(in::put);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @throws IllegalArgumentException when the bytes are not a complete manifest
     */
    public static Manifest fromJson(byte[] bytes) {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("Invalid manifest: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("Invalid manifest: not a JSON object");
        }
        List<String> inputs = new ArrayList<>();
        required(root, "inputs").forEach(n -> inputs.add(n.asText()));
        Map<String, Long> counts = new LinkedHashMap<>();
        fields(required(root, "counts"), (k, v) -> counts.put(k, v.asLong()));
        SortedMap<String, String> config = new TreeMap<>();
        fields(required(root, "config"), (k, v) -> config.put(k, v.asText()));
        SortedMap<String, Long> files = new TreeMap<>(); // absent in older manifests
        fields(root.get("files"), (k, v) -> files.put(k, v.asLong()));
        SortedMap<String, String> inputFiles = new TreeMap<>(); // absent in older manifests
        fields(root.get("input_files"), (k, v) -> inputFiles.put(k, v.asText()));
        return new Manifest(
                required(root, "stage").asText(),
                required(root, "table").asText(),
                required(root, "run_id").asText(),
                required(root, "config_hash").asText(),
                required(root, "stage_config_hash").asText(),
                required(root, "model_id").asText(),
                inputs,
                counts,
                required(root, "started_at").asText(),
                required(root, "finished_at").asText(),
                required(root, "duration_ms").asLong(),
                config,
                files,
                inputFiles);
    }

    /** Each field of {@code node} when it is an object; nothing when it is absent. */
    private static void fields(JsonNode node, BiConsumer<String, JsonNode> visitor) {
        if (node != null && node.isObject()) {
            node.fields().forEachRemaining(e -> visitor.accept(e.getKey(), e.getValue()));
        }
    }

    private static JsonNode required(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new IllegalArgumentException("Invalid manifest: missing " + field);
        }
        return node;
    }
}
