package dev.ssb.worker.io;

import static java.util.Objects.requireNonNull;

import dev.ssb.worker.api.ModelConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Hugging Face tensor names and shapes a Qwen2/Qwen3/Llama model of a given config needs
 * (weights are {@code [out, in]}, as {@code nn.Linear} stores them), and a check of a {@link
 * TensorSource} against them. Extra tensors (e.g. an untied {@code lm_head.weight} next to tied
 * embeddings) are allowed.
 */
public final class ExpectedWeights {

    private final ModelConfig config;
    private final Map<String, long[]> shapes;

    private ExpectedWeights(ModelConfig config, Map<String, long[]> shapes) {
        this.config = config;
        this.shapes = Collections.unmodifiableMap(shapes);
    }

    /** The tensors of {@code config}'s model, in the order of the model's modules. */
    public static ExpectedWeights forConfig(ModelConfig config) {
        requireNonNull(config, "config is null");
        long h = config.hiddenSize();
        long q = (long) config.numAttentionHeads() * config.headDim();
        long kv = (long) config.numKeyValueHeads() * config.headDim();
        long ff = config.intermediateSize();
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("model.embed_tokens.weight", new long[] {config.vocabSize(), h});
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            String p = layerPrefix(i);
            m.put(p + "input_layernorm.weight", new long[] {h});
            m.put(p + "self_attn.q_proj.weight", new long[] {q, h});
            m.put(p + "self_attn.k_proj.weight", new long[] {kv, h});
            m.put(p + "self_attn.v_proj.weight", new long[] {kv, h});
            if (config.attentionBias()) {
                m.put(p + "self_attn.q_proj.bias", new long[] {q});
                m.put(p + "self_attn.k_proj.bias", new long[] {kv});
                m.put(p + "self_attn.v_proj.bias", new long[] {kv});
            }
            m.put(p + "self_attn.o_proj.weight", new long[] {h, q});
            if (config.outputBias()) {
                m.put(p + "self_attn.o_proj.bias", new long[] {h});
            }
            if (config.qkNorm()) {
                m.put(p + "self_attn.q_norm.weight", new long[] {config.headDim()});
                m.put(p + "self_attn.k_norm.weight", new long[] {config.headDim()});
            }
            m.put(p + "post_attention_layernorm.weight", new long[] {h});
            m.put(p + "mlp.gate_proj.weight", new long[] {ff, h});
            m.put(p + "mlp.up_proj.weight", new long[] {ff, h});
            m.put(p + "mlp.down_proj.weight", new long[] {h, ff});
        }
        m.put("model.norm.weight", new long[] {h});
        if (!config.tieWordEmbeddings()) {
            m.put("lm_head.weight", new long[] {config.vocabSize(), h});
        }
        return new ExpectedWeights(config, m);
    }

    /** {@code model.layers.<i>.} */
    public static String layerPrefix(int layer) {
        return "model.layers." + layer + ".";
    }

    public ModelConfig config() {
        return config;
    }

    /** Names and shapes, in module order. The arrays must not be modified. */
    public Map<String, long[]> shapes() {
        return shapes;
    }

    /** Shape of one expected tensor. */
    public long[] shape(String name) {
        long[] s = shapes.get(name);
        if (s == null) {
            throw new IllegalArgumentException("Not a weight of this model: " + name);
        }
        return s.clone();
    }

    /**
     * Checks that {@code source} has every expected tensor with the expected shape; {@code
     * source.toString()} names the checkpoint in the message.
     */
    public void validate(TensorSource source) {
        validate(source, String.valueOf(source));
    }

    /**
     * Checks that {@code source} has every expected tensor with the expected shape.
     *
     * @throws IllegalArgumentException "Cannot load checkpoint %s: missing tensor %s" (with how
     *     many more are missing) or "... tensor %s has shape %s, config implies %s"
     */
    public void validate(TensorSource source, String checkpoint) {
        check(source, "Cannot load checkpoint " + checkpoint);
    }

    /** {@link #validate} with the message prefix given, e.g. "Cannot write checkpoint /x". */
    void check(TensorSource source, String prefix) {
        requireNonNull(source, "source is null");
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            if (!source.names().contains(e.getKey())) {
                missing.add(e.getKey());
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(
                    prefix
                            + ": missing tensor "
                            + missing.get(0)
                            + (missing.size() > 1
                                    ? " (and "
                                            + (missing.size() - 1)
                                            + " more: "
                                            + abbreviate(missing)
                                            + ")"
                                    : "")
                            + keyHint(missing.get(0)));
        }
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long[] actual = source.shape(e.getKey());
            if (!Arrays.equals(actual, e.getValue())) {
                throw new IllegalArgumentException(
                        String.format(
                                "%s: %s contradicts tensor %s of shape %s (config implies %s)",
                                prefix,
                                contradictedKey(e.getKey(), actual, e.getValue()),
                                e.getKey(),
                                Arrays.toString(actual),
                                Arrays.toString(e.getValue())));
            }
        }
    }

    /** Which config.json key a misshapen tensor contradicts, with its value. */
    private String contradictedKey(String name, long[] actual, long[] expected) {
        int dim = 0;
        while (dim < Math.min(actual.length, expected.length) && actual[dim] == expected[dim]) {
            dim++;
        }
        ModelConfig c = config;
        String key;
        if (actual.length != expected.length) {
            key = "model_type " + c.modelType();
        } else if (name.endsWith("q_norm.weight") || name.endsWith("k_norm.weight")) {
            key = "head_dim " + c.headDim();
        } else if (name.endsWith("norm.weight")) {
            key = "hidden_size " + c.hiddenSize();
        } else if (name.equals("model.embed_tokens.weight") || name.equals("lm_head.weight")) {
            key = dim == 0 ? "vocab_size " + c.vocabSize() : "hidden_size " + c.hiddenSize();
        } else if (name.contains("q_proj")) {
            key = dim == 0 ? heads(c.numAttentionHeads(), c) : "hidden_size " + c.hiddenSize();
        } else if (name.contains("k_proj") || name.contains("v_proj")) {
            key =
                    dim == 0
                            ? "num_key_value_heads "
                                    + c.numKeyValueHeads()
                                    + " × head_dim "
                                    + c.headDim()
                            : "hidden_size " + c.hiddenSize();
        } else if (name.contains("o_proj")) {
            key = dim == 0 ? "hidden_size " + c.hiddenSize() : heads(c.numAttentionHeads(), c);
        } else if (name.contains("down_proj")) {
            key =
                    dim == 0
                            ? "hidden_size " + c.hiddenSize()
                            : "intermediate_size " + c.intermediateSize();
        } else {
            key =
                    dim == 0
                            ? "intermediate_size " + c.intermediateSize()
                            : "hidden_size " + c.hiddenSize();
        }
        return ConfigJson.CONFIG_FILE + " key " + key;
    }

    private static String heads(int heads, ModelConfig c) {
        return "num_attention_heads " + heads + " × head_dim " + c.headDim();
    }

    /** Which config.json key makes a missing tensor expected. */
    private String keyHint(String name) {
        if (name.endsWith("q_norm.weight") || name.endsWith("k_norm.weight")) {
            return " (" + ConfigJson.CONFIG_FILE + " key model_type " + config.modelType() + ")";
        }
        if (name.endsWith(".bias")) {
            return " ("
                    + ConfigJson.CONFIG_FILE
                    + " key attention_bias / model_type "
                    + config.modelType()
                    + ")";
        }
        if (name.equals("lm_head.weight")) {
            return " (" + ConfigJson.CONFIG_FILE + " key tie_word_embeddings false)";
        }
        return "";
    }

    private static String abbreviate(List<String> names) {
        List<String> rest = names.subList(1, names.size());
        return rest.size() <= 5
                ? String.join(", ", rest)
                : String.join(", ", rest.subList(0, 5)) + ", ...";
    }
}
