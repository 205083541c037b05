package dev.ssb.distill;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ssb.worker.api.AdamW;
import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.LoraAdapter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training checkpoints under {@code <out>/<run-id>/distill/checkpoints/step-N/} on any Hadoop file
 * system: {@code adapter/} (PEFT), {@code optimizer.safetensors} (AdamW moments, {@code
 * exp_avg.<name>} and {@code exp_avg_sq.<name>}, the step in the metadata), {@code metrics.jsonl}
 * (the rows so far) and {@code state.json} (step, data position, seeds, config hashes). A
 * checkpoint is assembled locally, copied to {@code _tmp-...} and renamed into place, so a {@code
 * step-N} folder is always complete.
 */
public final class DistillCheckpoints {

    private static final Logger LOG = LoggerFactory.getLogger(DistillCheckpoints.class);
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern STEP_DIR = Pattern.compile("step-(\\d+)");
    static final String STATE = "state.json";
    static final String OPTIMIZER = "optimizer.safetensors";
    static final String METRICS = "metrics.jsonl";
    static final String ADAPTER = "adapter";
    private static final String EXP_AVG = "exp_avg.";
    private static final String EXP_AVG_SQ = "exp_avg_sq.";

    private final org.apache.hadoop.fs.Path root;
    private final Configuration hadoop;

    public DistillCheckpoints(org.apache.hadoop.fs.Path root, Configuration hadoop) {
        this.root = requireNonNull(root, "root is null");
        this.hadoop = requireNonNull(hadoop, "hadoop is null");
    }

    public org.apache.hadoop.fs.Path root() {
        return root;
    }

    /** Writes {@code state} as {@code step-N} and keeps only the newest {@code keep} (0 = all). */
    void write(TrainState state, long runSeed, int keep) {
        ObjectNode s = JSON.createObjectNode();
        s.put("epoch", state.epoch());
        s.put("position", state.position());
        s.put("run_seed", runSeed);
        s.put("data_order_stream", DataOrder.STREAM);
        s.put("stage_config_hash", state.stageConfigHash());
        s.put("model_id", state.modelId());
        write(
                state.step(),
                state.adapter(),
                state.optimizer(),
                state.metrics().stream().map(StepMetrics::toJson).toList(),
                s,
                keep);
    }

    /**
     * Writes a training state as {@code step-N}: the adapter, the optimizer, one metrics JSON line
     * per step so far and {@code fields} (plus {@code step} and {@code written_at}) as its {@value
     * #STATE}; keeps only the newest {@code keep} checkpoints (0 = all). Any trainer that owns a
     * LoRA adapter and AdamW on the driver (distill, GRPO) checkpoints through here.
     */
    public void write(
            int step,
            LoraAdapter adapter,
            AdamW.State optimizer,
            List<String> metricLines,
            ObjectNode fields,
            int keep) {
        Path local = tempDir();
        try {
            adapter.save(local.resolve(ADAPTER));
            Map<String, HostTensor> moments = new TreeMap<>();
            optimizer.expAvg().forEach((k, t) -> moments.put(EXP_AVG + k, t));
            optimizer.expAvgSq().forEach((k, t) -> moments.put(EXP_AVG_SQ + k, t));
            SafetensorsF32.write(
                    local.resolve(OPTIMIZER),
                    moments,
                    Map.of("step", Long.toString(optimizer.step()), "format", "adamw"));
            Files.write(local.resolve(METRICS), metricLines, StandardCharsets.UTF_8);
            ObjectNode s = JSON.createObjectNode();
            s.put("step", step);
            s.setAll(fields);
            s.put("written_at", Instant.now().toString());
            Files.write(local.resolve(STATE), JSON.writeValueAsBytes(s));

            FileSystem fs = root.getFileSystem(hadoop);
            fs.mkdirs(root);
            org.apache.hadoop.fs.Path target = stepPath(step);
            org.apache.hadoop.fs.Path tmp =
                    new org.apache.hadoop.fs.Path(root, "_tmp-" + UUID.randomUUID());
            fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(local.toUri()), tmp);
            fs.delete(target, true); // a stale copy of the same step (a run redone from scratch)
            if (!fs.rename(tmp, target)) {
                throw new IOException("rename of " + tmp + " to " + target + " failed");
            }
            LOG.info("Checkpoint {} written", target);
            prune(fs, keep);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write checkpoint of step " + step, e);
        } finally {
            deleteLocal(local);
        }
    }

    /**
     * A checkpoint as written by {@link #write(int, LoraAdapter, AdamW.State, List, ObjectNode,
     * int)}.
     *
     * @param state the {@value #STATE} fields
     * @param adapter the LoRA weights
     * @param optimizer AdamW's state
     * @param metricLines one JSON line per step so far
     */
    public record Saved(
            JsonNode state, LoraAdapter adapter, AdamW.State optimizer, List<String> metricLines) {

        /** A required field of the state. */
        public JsonNode field(String name) {
            return required(state, name);
        }
    }

    /** The newest complete checkpoint, as written, if any. */
    public Optional<Saved> latestSaved() {
        List<Integer> steps = steps();
        if (steps.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(readSaved(steps.get(steps.size() - 1)));
    }

    /** The newest complete checkpoint, if any. */
    Optional<TrainState> latest() {
        List<Integer> steps = steps();
        if (steps.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(read(steps.get(steps.size() - 1)));
    }

    /** Steps of the complete checkpoints, ascending. */
    public List<Integer> steps() {
        List<Integer> out = new ArrayList<>();
        try {
            FileSystem fs = root.getFileSystem(hadoop);
            if (!fs.exists(root)) {
                return out;
            }
            for (FileStatus f : fs.listStatus(root)) {
                Matcher m = STEP_DIR.matcher(f.getPath().getName());
                if (f.isDirectory()
                        && m.matches()
                        && fs.exists(new org.apache.hadoop.fs.Path(f.getPath(), STATE))) {
                    out.add(Integer.parseInt(m.group(1)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list checkpoints in " + root, e);
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /** Reads checkpoint {@code step-N}. */
    TrainState read(int step) {
        Saved saved = readSaved(step);
        try {
            return new TrainState(
                    saved.field("step").asInt(),
                    saved.field("epoch").asInt(),
                    saved.field("position").asInt(),
                    saved.field("stage_config_hash").asText(),
                    saved.field("model_id").asText(),
                    saved.adapter(),
                    saved.optimizer(),
                    saved.metricLines().stream().map(StepMetrics::fromJson).toList());
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "Cannot read checkpoint " + stepPath(step) + ": " + e.getMessage(), e);
        }
    }

    /** Reads checkpoint {@code step-N} as written. */
    public Saved readSaved(int step) {
        org.apache.hadoop.fs.Path source = stepPath(step);
        Path local = tempDir();
        try {
            FileSystem fs = source.getFileSystem(hadoop);
            Path copy = local.resolve("step");
            fs.copyToLocalFile(false, source, new org.apache.hadoop.fs.Path(copy.toUri()), true);
            JsonNode s = JSON.readTree(Files.readAllBytes(copy.resolve(STATE)));
            LoraAdapter adapter = LoraAdapter.load(copy.resolve(ADAPTER));
            SafetensorsF32.Contents opt = SafetensorsF32.read(copy.resolve(OPTIMIZER));
            Map<String, HostTensor> m = new TreeMap<>();
            Map<String, HostTensor> v = new TreeMap<>();
            opt.tensors()
                    .forEach(
                            (k, t) -> {
                                if (k.startsWith(EXP_AVG_SQ)) {
                                    v.put(k.substring(EXP_AVG_SQ.length()), t);
                                } else if (k.startsWith(EXP_AVG)) {
                                    m.put(k.substring(EXP_AVG.length()), t);
                                }
                            });
            AdamW.State optimizer =
                    new AdamW.State(Long.parseLong(opt.metadata().get("step")), m, v);
            List<String> metrics;
            try (Stream<String> lines = Files.lines(copy.resolve(METRICS))) {
                metrics = lines.filter(l -> !l.isBlank()).toList();
            }
            return new Saved(s, adapter, optimizer, metrics);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read checkpoint " + source, e);
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "Cannot read checkpoint " + source + ": " + e.getMessage(), e);
        } finally {
            deleteLocal(local);
        }
    }

    /** Removes every checkpoint (a fresh run). */
    public void clear() {
        try {
            root.getFileSystem(hadoop).delete(root, true);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + root, e);
        }
    }

    private org.apache.hadoop.fs.Path stepPath(int step) {
        return new org.apache.hadoop.fs.Path(root, "step-" + step);
    }

    private void prune(FileSystem fs, int keep) throws IOException {
        if (keep <= 0) {
            return;
        }
        List<Integer> steps = steps();
        for (int i = 0; i < steps.size() - keep; i++) {
            fs.delete(stepPath(steps.get(i)), true);
        }
    }

    private static JsonNode required(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw new IllegalArgumentException("missing " + field + " in " + STATE);
        }
        return n;
    }

    public static Path tempDir() {
        try {
            return Files.createTempDirectory("ssb-distill-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a local temporary directory", e);
        }
    }

    public static void deleteLocal(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("Cannot delete temporary directory {}: {}", dir, e.toString());
        }
    }
}
