package dev.ssb.worker.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ssb.worker.api.RopeScaling;
import java.util.Iterator;
import java.util.Set;

/**
 * Reads and writes the rotary settings of a {@code config.json} in both of Hugging Face's forms:
 * transformers 4 (top-level {@code rope_theta} and {@code rope_scaling} with {@code type} or {@code
 * rope_type}) and transformers 5 ({@code rope_parameters} holding {@code rope_theta} too). Any rope
 * type but {@code default}, {@code linear} and {@code llama3}, and any key of the rope settings
 * this project does not apply, is refused: ignoring it would silently change the model's numbers.
 */
final class RopeConfigs {
    static final String SUPPORTED = "default, linear, llama3";

    private static final Set<String> KNOWN_KEYS =
            Set.of(
                    "rope_type",
                    "type",
                    "rope_theta",
                    "factor",
                    "low_freq_factor",
                    "high_freq_factor",
                    "original_max_position_embeddings",
                    "partial_rotary_factor");

    private RopeConfigs() {}

    /** The rotary base and scaling of a config. */
    record Rope(double theta, RopeScaling scaling) {}

    /**
     * @throws IllegalArgumentException "Cannot load checkpoint C: config.json key K ..." naming the
     *     offending key
     */
    static Rope read(JsonNode root, String checkpoint) {
        JsonNode params = root.get("rope_parameters");
        JsonNode scaling = root.get("rope_scaling");
        String key;
        JsonNode settings;
        if (present(params)) {
            key = "rope_parameters";
            settings = params;
            if (present(scaling) && !scaling.equals(params)) {
                throw bad(
                        checkpoint,
                        "rope_parameters",
                        "and rope_scaling are both set and differ: " + params + " vs " + scaling);
            }
        } else {
            key = "rope_scaling";
            settings = scaling;
        }
        double theta = topTheta(root, checkpoint);
        checkPartialRotary(root.get("partial_rotary_factor"), checkpoint, "partial_rotary_factor");
        if (!present(settings)) {
            return new Rope(theta, RopeScaling.NONE);
        }
        if (!settings.isObject()) {
            throw bad(checkpoint, key, "has invalid value " + settings + " (expected an object)");
        }
        for (Iterator<String> it = settings.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!KNOWN_KEYS.contains(field)) {
                throw bad(
                        checkpoint,
                        key + "." + field,
                        "is not supported (value " + settings.get(field) + ")");
            }
        }
        checkPartialRotary(
                settings.get("partial_rotary_factor"), checkpoint, key + ".partial_rotary_factor");
        if (present(settings.get("rope_theta"))) {
            theta = number(settings, key, "rope_theta", checkpoint);
        } else if (key.equals("rope_parameters") && !present(root.get("rope_theta"))) {
            throw bad(checkpoint, "rope_parameters.rope_theta", "is missing");
        }
        String typeKey = present(settings.get("rope_type")) ? "rope_type" : "type";
        JsonNode typeNode = settings.get(typeKey);
        if (!present(typeNode)) {
            throw bad(checkpoint, key + ".rope_type", "is missing");
        }
        if (present(settings.get("rope_type"))
                && present(settings.get("type"))
                && !settings.get("type").equals(settings.get("rope_type"))) {
            throw bad(checkpoint, key + ".type", "contradicts " + key + ".rope_type");
        }
        String type = typeNode.asText();
        RopeScaling rope;
        try {
            rope = scaling(type, typeKey, settings, key, checkpoint);
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith("Cannot")) {
                throw e;
            }
            throw bad(checkpoint, key, "is invalid: " + e.getMessage());
        }
        return new Rope(theta, rope);
    }

    private static RopeScaling scaling(
            String type, String typeKey, JsonNode settings, String key, String checkpoint) {
        return switch (type) {
            case "default" -> RopeScaling.NONE;
            case "linear" -> RopeScaling.linear(number(settings, key, "factor", checkpoint));
            case "llama3" ->
                    RopeScaling.llama3(
                            number(settings, key, "factor", checkpoint),
                            number(settings, key, "low_freq_factor", checkpoint),
                            number(settings, key, "high_freq_factor", checkpoint),
                            (int)
                                    number(
                                            settings,
                                            key,
                                            "original_max_position_embeddings",
                                            checkpoint));
            default ->
                    throw bad(
                            checkpoint,
                            key + "." + typeKey,
                            type + " is not supported (supported: " + SUPPORTED + ")");
        };
    }

    /** Writes the transformers 4 form: {@code rope_theta} and {@code rope_scaling} (or null). */
    static void write(ObjectNode o, double theta, RopeScaling scaling) {
        o.put("rope_theta", theta);
        if (scaling.isDefault()) {
            o.putNull("rope_scaling");
            return;
        }
        ObjectNode s = o.putObject("rope_scaling");
        s.put("rope_type", scaling.type());
        s.put("factor", scaling.factor());
        if (scaling.type().equals("llama3")) {
            s.put("low_freq_factor", scaling.lowFreqFactor());
            s.put("high_freq_factor", scaling.highFreqFactor());
            s.put("original_max_position_embeddings", scaling.originalMaxPositionEmbeddings());
        }
    }

    private static double topTheta(JsonNode root, String checkpoint) {
        JsonNode n = root.get("rope_theta");
        if (!present(n)) {
            return 10000.0;
        }
        if (!n.isNumber()) {
            throw bad(checkpoint, "rope_theta", "has invalid value " + n);
        }
        return n.doubleValue();
    }

    private static void checkPartialRotary(JsonNode n, String checkpoint, String key) {
        if (present(n) && !(n.isNumber() && n.doubleValue() == 1.0)) {
            throw bad(
                    checkpoint, key, n + " is not supported (only 1.0: rotary over the full head)");
        }
    }

    private static double number(JsonNode settings, String key, String field, String checkpoint) {
        JsonNode n = settings.get(field);
        if (!present(n)) {
            throw bad(checkpoint, key + "." + field, "is missing");
        }
        if (!n.isNumber()) {
            throw bad(checkpoint, key + "." + field, "has invalid value " + n);
        }
        return n.doubleValue();
    }

    private static boolean present(JsonNode n) {
        return n != null && !n.isNull();
    }

    private static IllegalArgumentException bad(String checkpoint, String key, String what) {
        return ConfigJson.bad(checkpoint, ConfigJson.CONFIG_FILE + " key " + key + " " + what);
    }
}
