package dev.ssb.worker.io;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ssb.worker.api.GenerationDefaults;
import dev.ssb.worker.api.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Reads a Hugging Face {@code config.json} (+ optional {@code generation_config.json}) into a
 * {@link ModelConfig}, and writes one back with HF field names. {@code qwen2}, {@code qwen3} and
 * {@code llama} are supported; a key that would change the computation and is not implemented
 * (sliding-window attention in force, logit soft-capping, an MLP bias, an unknown rope type) is
 * refused with a message naming it, never ignored.
 */
public final class ConfigJson {

    public static final String CONFIG_FILE = "config.json";
    public static final String GENERATION_CONFIG_FILE = "generation_config.json";

    private static final Set<String> MODEL_TYPES = Set.of("qwen2", "qwen3", "llama");
    private static final String SUPPORTED_TYPES = "qwen2, qwen3, llama";

    /** Keys whose non-null, non-false value changes the computation in ways not implemented. */
    private static final List<String> REFUSED_KEYS =
            List.of(
                    "attn_logit_softcapping",
                    "final_logit_softcapping",
                    "logits_scaling",
                    "embedding_multiplier",
                    "residual_multiplier",
                    "attention_multiplier",
                    "mlp_bias",
                    "qk_layernorm",
                    "use_qk_norm",
                    "no_rope_layers");

    private ConfigJson() {}

    /**
     * Reads {@code dir/config.json} and, when present, {@code dir/generation_config.json}.
     *
     * @throws IllegalArgumentException naming the directory and the key when the config is bad
     */
    public static ModelConfig read(Path dir) {
        requireNonNull(dir, "dir is null");
        Path config = dir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(config)) {
            throw new IllegalArgumentException(
                    "Cannot load checkpoint " + dir + ": missing file " + CONFIG_FILE);
        }
        Path gen = dir.resolve(GENERATION_CONFIG_FILE);
        String genText = Files.isRegularFile(gen) ? Json.readString(gen) : null;
        return parse(Json.readString(config), genText, dir.toString());
    }

    /**
     * Parses config JSON text (e.g. from classpath resources).
     *
     * @param generationConfigJson the generation config text, or null when absent
     * @param checkpoint names the checkpoint in error messages
     */
    public static ModelConfig parse(
            String configJson, String generationConfigJson, String checkpoint) {
        requireNonNull(configJson, "configJson is null");
        requireNonNull(checkpoint, "checkpoint is null");
        JsonNode root =
                Json.parse(configJson, "Cannot load checkpoint " + checkpoint + ": " + CONFIG_FILE);
        if (!root.isObject()) {
            throw bad(checkpoint, CONFIG_FILE + " is not a JSON object");
        }
        Reader r = new Reader(root, checkpoint, CONFIG_FILE);
        String modelType = r.string("model_type");
        if (!MODEL_TYPES.contains(modelType)) {
            throw bad(
                    checkpoint,
                    CONFIG_FILE
                            + " key model_type: "
                            + modelType
                            + " is not supported (supported: "
                            + SUPPORTED_TYPES
                            + ")");
        }
        checkUnsupported(root, checkpoint);
        RopeConfigs.Rope rope = RopeConfigs.read(root, checkpoint);
        int hidden = r.integer("hidden_size");
        int heads = r.integer("num_attention_heads");
        int kvHeads = r.optInteger("num_key_value_heads", heads);
        if (heads > 0 && hidden % heads != 0 && !r.has("head_dim")) {
            throw bad(
                    checkpoint,
                    "hidden_size " + hidden + " is not a multiple of num_attention_heads " + heads);
        }
        int headDim = r.optInteger("head_dim", heads > 0 ? hidden / heads : 0);
        boolean bias = modelType.equals("qwen2") || r.optBoolean("attention_bias", false);

        Set<Integer> eos = new LinkedHashSet<>(r.intList("eos_token_id"));
        int bos = r.optInteger("bos_token_id", -1);
        if (generationConfigJson != null) {
            JsonNode gen =
                    Json.parse(
                            generationConfigJson,
                            "Cannot load checkpoint " + checkpoint + ": " + GENERATION_CONFIG_FILE);
            Reader g = new Reader(gen, checkpoint, GENERATION_CONFIG_FILE);
            eos.addAll(g.intList("eos_token_id"));
            if (bos < 0) {
                bos = g.optInteger("bos_token_id", -1);
            }
        }
        int intermediate = r.integer("intermediate_size");
        int layers = r.integer("num_hidden_layers");
        double eps = r.number("rms_norm_eps");
        int vocab = r.integer("vocab_size");
        boolean tied = r.optBoolean("tie_word_embeddings", false);
        int maxPositions = r.integer("max_position_embeddings");
        try {
            return new ModelConfig(
                    modelType,
                    hidden,
                    intermediate,
                    layers,
                    heads,
                    kvHeads,
                    headDim,
                    rope.theta(),
                    eps,
                    vocab,
                    tied,
                    bias,
                    maxPositions,
                    bos,
                    new ArrayList<>(eos),
                    rope.scaling());
        } catch (IllegalArgumentException e) {
            // the record names the invalid field; add which checkpoint it came from
            throw bad(checkpoint, e.getMessage());
        }
    }

    /**
     * The sampling settings of {@code dir/generation_config.json} ({@link GenerationDefaults#NONE}
     * when the file is absent).
     *
     * @throws IllegalArgumentException naming the file and key of an invalid value
     */
    public static GenerationDefaults readGenerationDefaults(Path dir) {
        requireNonNull(dir, "dir is null");
        Path gen = dir.resolve(GENERATION_CONFIG_FILE);
        return Files.isRegularFile(gen)
                ? parseGenerationDefaults(Json.readString(gen), dir.toString())
                : GenerationDefaults.NONE;
    }

    /** Parses the sampling settings of a {@code generation_config.json} text. */
    public static GenerationDefaults parseGenerationDefaults(String json, String checkpoint) {
        requireNonNull(json, "json is null");
        JsonNode root =
                Json.parse(
                        json,
                        "Cannot load checkpoint " + checkpoint + ": " + GENERATION_CONFIG_FILE);
        if (!root.isObject()) {
            throw bad(checkpoint, GENERATION_CONFIG_FILE + " is not a JSON object");
        }
        Reader g = new Reader(root, checkpoint, GENERATION_CONFIG_FILE);
        OptionalDouble temperature = g.optRange("temperature", 0, Double.MAX_VALUE, true);
        OptionalInt topK =
                g.has("top_k") ? OptionalInt.of(g.integer("top_k")) : OptionalInt.empty();
        if (topK.isPresent() && topK.getAsInt() < 0) {
            throw g.invalid("top_k", root.get("top_k"));
        }
        OptionalDouble topP = g.optRange("top_p", 0, 1, false);
        OptionalDouble penalty = g.optRange("repetition_penalty", 0, Double.MAX_VALUE, false);
        return new GenerationDefaults(temperature, topK, topP, penalty);
    }

    /** Features that would silently change the model's numbers if ignored. */
    private static void checkUnsupported(JsonNode root, String checkpoint) {
        JsonNode act = root.get("hidden_act");
        if (act != null && !act.isNull() && !act.asText().equals("silu")) {
            throw bad(
                    checkpoint,
                    CONFIG_FILE
                            + " key hidden_act: "
                            + act.asText()
                            + " is not supported (only silu)");
        }
        JsonNode sliding = root.get("use_sliding_window");
        if (sliding != null && sliding.asBoolean(false)) {
            throw bad(
                    checkpoint,
                    CONFIG_FILE
                            + " key use_sliding_window: sliding-window attention is not supported"
                            + " (only full attention)");
        }
        JsonNode layerTypes = root.get("layer_types");
        if (layerTypes != null && layerTypes.isArray()) {
            for (JsonNode t : layerTypes) {
                if (!t.asText().equals("full_attention")) {
                    throw bad(
                            checkpoint,
                            CONFIG_FILE
                                    + " key layer_types: "
                                    + t.asText()
                                    + " is not supported (only full_attention)");
                }
            }
        }
        for (String key : REFUSED_KEYS) {
            JsonNode n = root.get(key);
            boolean inForce =
                    n != null
                            && !n.isNull()
                            && !(n.isBoolean() && !n.booleanValue())
                            && !(key.endsWith("multiplier") && n.isNumber() && n.doubleValue() == 1)
                            && !(n.isArray() && n.isEmpty());
            if (inForce) {
                throw bad(checkpoint, CONFIG_FILE + " key " + key + ": " + n + " is not supported");
            }
        }
    }

    /**
     * The {@code config.json} text for a model stored in {@code dtype}: HF field names, {@code
     * architectures} set, a single eos id written as a number and several as a list.
     */
    public static String toJson(ModelConfig config, Dtype dtype) {
        requireNonNull(config, "config is null");
        requireNonNull(dtype, "dtype is null");
        boolean qwen = config.modelType().equals("qwen2");
        if (!MODEL_TYPES.contains(config.modelType())) {
            throw new IllegalArgumentException(
                    "Invalid model_type: "
                            + config.modelType()
                            + " (supported: "
                            + SUPPORTED_TYPES
                            + ")");
        }
        if (qwen && !config.attentionBias()) {
            throw new IllegalArgumentException(
                    "Invalid ModelConfig: qwen2 always has attention bias");
        }
        ObjectNode o = Json.object();
        o.putArray("architectures").add(architecture(config.modelType()));
        o.put("model_type", config.modelType());
        o.put("hidden_act", "silu");
        o.put("hidden_size", config.hiddenSize());
        o.put("intermediate_size", config.intermediateSize());
        o.put("num_hidden_layers", config.numHiddenLayers());
        o.put("num_attention_heads", config.numAttentionHeads());
        o.put("num_key_value_heads", config.numKeyValueHeads());
        if (config.headDim() * config.numAttentionHeads() != config.hiddenSize() || !qwen) {
            o.put("head_dim", config.headDim());
        }
        RopeConfigs.write(o, config.ropeTheta(), config.ropeScaling());
        o.put("rms_norm_eps", config.rmsNormEps());
        o.put("vocab_size", config.vocabSize());
        o.put("tie_word_embeddings", config.tieWordEmbeddings());
        if (!qwen) {
            o.put("attention_bias", config.attentionBias());
            o.put("mlp_bias", false);
        }
        o.put("max_position_embeddings", config.maxPositionEmbeddings());
        putTokenIds(o, config);
        o.put("torch_dtype", dtype.torchName());
        o.put("use_cache", true);
        return Json.pretty(o);
    }

    private static String architecture(String modelType) {
        return switch (modelType) {
            case "qwen2" -> "Qwen2ForCausalLM";
            case "qwen3" -> "Qwen3ForCausalLM";
            default -> "LlamaForCausalLM";
        };
    }

    /** The {@code generation_config.json} text: bos and eos ids. */
    public static String generationConfigJson(ModelConfig config) {
        ObjectNode o = Json.object();
        putTokenIds(o, config);
        return Json.pretty(o);
    }

    /** Writes {@code dir/config.json}. */
    public static void write(Path dir, ModelConfig config, Dtype dtype) {
        Json.write(dir.resolve(CONFIG_FILE), toJson(config, dtype));
    }

    private static void putTokenIds(ObjectNode o, ModelConfig config) {
        if (config.bosTokenId() >= 0) {
            o.put("bos_token_id", config.bosTokenId());
        } else {
            o.putNull("bos_token_id");
        }
        List<Integer> eos = config.eosTokenIds();
        if (eos.size() == 1) {
            o.put("eos_token_id", eos.get(0));
        } else {
            ArrayNode a = o.putArray("eos_token_id");
            eos.forEach(a::add);
        }
    }

    static IllegalArgumentException bad(String checkpoint, String what) {
        return new IllegalArgumentException("Cannot load checkpoint " + checkpoint + ": " + what);
    }

    /** Typed access to config keys with the error messages of this package. */
    private record Reader(JsonNode root, String checkpoint, String file) {

        boolean has(String key) {
            JsonNode n = root.get(key);
            return n != null && !n.isNull();
        }

        private JsonNode required(String key) {
            if (!has(key)) {
                throw bad(checkpoint, file + " is missing key " + key);
            }
            return root.get(key);
        }

        String string(String key) {
            JsonNode n = required(key);
            if (!n.isTextual()) {
                throw invalid(key, n);
            }
            return n.asText();
        }

        int integer(String key) {
            JsonNode n = required(key);
            if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                throw invalid(key, n);
            }
            return n.intValue();
        }

        int optInteger(String key, int dflt) {
            return has(key) ? integer(key) : dflt;
        }

        double number(String key) {
            JsonNode n = required(key);
            if (!n.isNumber()) {
                throw invalid(key, n);
            }
            return n.doubleValue();
        }

        double optDouble(String key, double dflt) {
            return has(key) ? number(key) : dflt;
        }

        boolean optBoolean(String key, boolean dflt) {
            if (!has(key)) {
                return dflt;
            }
            JsonNode n = root.get(key);
            if (!n.isBoolean()) {
                throw invalid(key, n);
            }
            return n.booleanValue();
        }

        /** An int or a list of ints; absent or null gives an empty list. */
        List<Integer> intList(String key) {
            List<Integer> out = new ArrayList<>();
            if (!has(key)) {
                return out;
            }
            JsonNode n = root.get(key);
            if (n.isArray()) {
                for (JsonNode e : n) {
                    if (!e.isIntegralNumber() || !e.canConvertToInt()) {
                        throw invalid(key, n);
                    }
                    out.add(e.intValue());
                }
            } else if (n.isIntegralNumber() && n.canConvertToInt()) {
                out.add(n.intValue());
            } else {
                throw invalid(key, n);
            }
            return out;
        }

        /**
         * An optional number in {@code (low, high]} ({@code [low, high]} with {@code lowIncluded}).
         */
        OptionalDouble optRange(String key, double low, double high, boolean lowIncluded) {
            if (!has(key)) {
                return OptionalDouble.empty();
            }
            double v = number(key);
            boolean ok = (lowIncluded ? v >= low : v > low) && v <= high;
            if (!ok) {
                throw invalid(key, root.get(key));
            }
            return OptionalDouble.of(v);
        }

        IllegalArgumentException invalid(String key, JsonNode value) {
            return bad(checkpoint, file + " key " + key + " has invalid value " + value);
        }
    }
}
