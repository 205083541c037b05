package dev.ssb.worker.io;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ssb.worker.api.HostTensor;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LoraConfig;
import dev.ssb.worker.api.ModelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * LoRA adapters in PEFT's on-disk format ({@code save_pretrained}): {@code adapter_config.json} and
 * {@code adapter_model.safetensors} with PEFT key names, so Python users load the student with
 * {@code PeftModel.from_pretrained} or serve it with vLLM.
 */
public final class PeftAdapters {

    public static final String CONFIG_FILE = "adapter_config.json";
    public static final String WEIGHTS_FILE = "adapter_model.safetensors";

    private static final Pattern KEY =
            Pattern.compile(
                    Pattern.quote(LoraShapes.PEFT_PREFIX)
                            + "model\\.layers\\.(\\d+)\\.(self_attn|mlp)\\.(\\w+)\\.lora_([AB])\\.weight");

    private PeftAdapters() {}

    /**
     * A fresh adapter as PEFT initialises one: A ~ U(-1/√in, 1/√in) (kaiming-uniform with a = √5),
     * B = 0, so the adapted model starts equal to the base. Each tensor has its own random stream
     * derived from {@code seed} and its key, so values do not depend on the target-module order.
     */
    public static LoraAdapter initialize(LoraConfig lora, ModelConfig model, long seed) {
        requireNonNull(lora, "lora is null");
        requireNonNull(model, "model is null");
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : LoraShapes.expected(lora, model).entrySet()) {
            HostTensor t = HostTensor.zeros(e.getValue());
            if (e.getKey().contains(".lora_A.")) {
                double bound = 1.0 / Math.sqrt(e.getValue()[1]);
                SplittableRandom rnd =
                        new SplittableRandom(seed * 0x9E3779B97F4A7C15L + e.getKey().hashCode());
                float[] d = t.data();
                for (int i = 0; i < d.length; i++) {
                    d[i] = (float) rnd.nextDouble(-bound, bound);
                }
            }
            tensors.put(e.getKey(), t);
        }
        return new LoraAdapter(lora, tensors);
    }

    /**
     * Writes {@code adapter_config.json} and {@code adapter_model.safetensors} (F32) into {@code
     * dir}, creating it.
     *
     * @param baseModelNameOrPath recorded for PEFT's {@code AutoPeftModel}; may be null
     */
    public static void save(LoraAdapter adapter, Path dir, String baseModelNameOrPath) {
        requireNonNull(adapter, "adapter is null");
        requireNonNull(dir, "dir is null");
        checkConsistent(
                adapter.config(), shapes(adapter.tensors()), "Cannot save adapter to " + dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + dir, e);
        }
        Json.write(dir.resolve(CONFIG_FILE), configJson(adapter.config(), baseModelNameOrPath));
        SafetensorsWriter.write(dir.resolve(WEIGHTS_FILE), adapter.tensors(), Dtype.F32);
    }

    /** The {@code adapter_config.json} text. */
    public static String configJson(LoraConfig lora, String baseModelNameOrPath) {
        ObjectNode o = Json.object();
        o.put("peft_type", "LORA");
        o.put("task_type", "CAUSAL_LM");
        if (baseModelNameOrPath == null) {
            o.putNull("base_model_name_or_path");
        } else {
            o.put("base_model_name_or_path", baseModelNameOrPath);
        }
        o.put("r", lora.rank());
        if (lora.alpha() == Math.rint(lora.alpha())) {
            o.put("lora_alpha", (int) lora.alpha());
        } else {
            o.put("lora_alpha", lora.alpha());
        }
        ArrayNode modules = o.putArray("target_modules");
        lora.targetModules().forEach(modules::add);
        o.put("lora_dropout", 0.0);
        o.put("bias", "none");
        o.put("fan_in_fan_out", false);
        o.put("inference_mode", true);
        o.put("use_rslora", false);
        o.put("use_dora", false);
        o.put("init_lora_weights", true);
        o.putNull("modules_to_save");
        o.putNull("layers_to_transform");
        o.putObject("rank_pattern");
        o.putObject("alpha_pattern");
        return Json.pretty(o);
    }

    /**
     * Reads an adapter, checking that every layer has an A and a B for each target module with A
     * {@code [r, in]} and B {@code [out, r]}.
     */
    public static LoraAdapter load(Path dir) {
        return load(dir, null);
    }

    /**
     * Reads an adapter and checks it against the base model: every layer, every target module,
     * exact shapes.
     *
     * @param model the base model's config, or null to check only internal consistency
     * @throws IllegalArgumentException "%s: ..." naming the key or setting
     */
    public static LoraAdapter load(Path dir, ModelConfig model) {
        requireNonNull(dir, "dir is null");
        Path configFile = dir.resolve(CONFIG_FILE);
        Path weightsFile = dir.resolve(WEIGHTS_FILE);
        for (Path p : List.of(configFile, weightsFile)) {
            if (!Files.isRegularFile(p)) {
                throw bad(dir, "missing file " + p.getFileName());
            }
        }
        LoraConfig lora =
                parseConfig(
                        Json.read(configFile, "Cannot load adapter " + dir + ": " + CONFIG_FILE),
                        dir);
        Map<String, HostTensor> tensors = new TreeMap<>();
        try (SafetensorsFile f = SafetensorsFile.open(weightsFile)) {
            for (String name : f.names()) {
                tensors.put(name, TensorSources.read(f, name));
            }
        }
        Map<String, long[]> shapes = shapes(tensors);
        if (model != null) {
            checkAgainstModel(lora, model, shapes, "Cannot load adapter " + dir);
        } else {
            checkConsistent(lora, shapes, "Cannot load adapter " + dir);
        }
        return new LoraAdapter(lora, tensors);
    }

    private static LoraConfig parseConfig(JsonNode c, Path dir) {
        String type = c.path("peft_type").asText("");
        if (!type.equals("LORA")) {
            throw bad(dir, "peft_type " + c.get("peft_type") + " is not supported (only LORA)");
        }
        JsonNode r = c.get("r");
        JsonNode alpha = c.get("lora_alpha");
        JsonNode modules = c.get("target_modules");
        if (r == null || !r.isIntegralNumber()) {
            throw bad(dir, CONFIG_FILE + " is missing key r");
        }
        if (alpha == null || !alpha.isNumber()) {
            throw bad(dir, CONFIG_FILE + " is missing key lora_alpha");
        }
        if (modules == null || !modules.isArray()) {
            throw bad(
                    dir,
                    "target_modules "
                            + modules
                            + " is not supported (only a list of module names)");
        }
        unsupportedIf(c.path("use_rslora").asBoolean(false), dir, "use_rslora true");
        unsupportedIf(c.path("use_dora").asBoolean(false), dir, "use_dora true");
        unsupportedIf(c.path("fan_in_fan_out").asBoolean(false), dir, "fan_in_fan_out true");
        unsupportedIf(!c.path("bias").asText("none").equals("none"), dir, "bias " + c.get("bias"));
        for (String key : List.of("rank_pattern", "alpha_pattern")) {
            unsupportedIf(c.path(key).size() > 0, dir, key + " " + c.get(key));
        }
        for (String key : List.of("layers_to_transform", "modules_to_save")) {
            unsupportedIf(c.hasNonNull(key), dir, key + " " + c.get(key));
        }
        List<String> names = new ArrayList<>();
        modules.forEach(m -> names.add(m.asText()));
        try {
            return new LoraConfig(r.intValue(), alpha.floatValue(), names);
        } catch (IllegalArgumentException e) {
            throw bad(dir, e.getMessage());
        }
    }

    /** Exactly the tensors and shapes {@link LoraShapes#expected} gives for the model. */
    private static void checkAgainstModel(
            LoraConfig lora, ModelConfig model, Map<String, long[]> actual, String where) {
        Map<String, long[]> expected = LoraShapes.expected(lora, model);
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            long[] shape = actual.get(e.getKey());
            if (shape == null) {
                throw new IllegalArgumentException(where + ": missing key " + e.getKey());
            }
            if (!Arrays.equals(shape, e.getValue())) {
                throw new IllegalArgumentException(
                        String.format(
                                "%s: tensor %s has shape %s, config implies %s",
                                where,
                                e.getKey(),
                                Arrays.toString(shape),
                                Arrays.toString(e.getValue())));
            }
        }
        for (String name : actual.keySet()) {
            if (!expected.containsKey(name)) {
                throw new IllegalArgumentException(where + ": unexpected tensor " + name);
            }
        }
    }

    /**
     * Without a model config: keys are PEFT LoRA keys of the target modules, layers 0..n-1 each
     * have A and B for every module, A is {@code [r, in]}, B is {@code [out, r]}, and a module's
     * in/out are the same in every layer.
     */
    private static void checkConsistent(LoraConfig lora, Map<String, long[]> actual, String where) {
        TreeSet<Integer> layers = new TreeSet<>();
        for (String name : actual.keySet()) {
            Matcher m = KEY.matcher(name);
            if (!m.matches()
                    || !lora.targetModules().contains(m.group(3))
                    || !LoraShapes.group(m.group(3)).equals(m.group(2))) {
                throw new IllegalArgumentException(where + ": unexpected tensor " + name);
            }
            layers.add(Integer.parseInt(m.group(1)));
        }
        if (layers.isEmpty()) {
            throw new IllegalArgumentException(where + ": no LoRA tensors");
        }
        Map<String, long[]> outInByModule = new LinkedHashMap<>();
        for (int layer = 0; layer <= layers.last(); layer++) {
            for (String module : lora.targetModules()) {
                long[] a = require(actual, LoraShapes.keyA(layer, module), where);
                long[] b = require(actual, LoraShapes.keyB(layer, module), where);
                if (a.length != 2 || b.length != 2 || a[0] != lora.rank() || b[1] != lora.rank()) {
                    throw new IllegalArgumentException(
                            String.format(
                                    "%s: %s is %s and %s is %s, r = %d implies"
                                            + " [%d, in] and [out, %d]",
                                    where,
                                    LoraShapes.keyA(layer, module),
                                    Arrays.toString(a),
                                    LoraShapes.keyB(layer, module),
                                    Arrays.toString(b),
                                    lora.rank(),
                                    lora.rank(),
                                    lora.rank()));
                }
                long[] outIn = {b[0], a[1]};
                long[] first = outInByModule.putIfAbsent(module, outIn);
                if (first != null && !Arrays.equals(first, outIn)) {
                    throw new IllegalArgumentException(
                            String.format(
                                    "%s: %s in layer %d is [out, in] = %s, layer 0" + " has %s",
                                    where,
                                    module,
                                    layer,
                                    Arrays.toString(outIn),
                                    Arrays.toString(first)));
                }
            }
        }
    }

    private static long[] require(Map<String, long[]> shapes, String key, String where) {
        long[] s = shapes.get(key);
        if (s == null) {
            throw new IllegalArgumentException(where + ": missing key " + key);
        }
        return s;
    }

    private static Map<String, long[]> shapes(Map<String, HostTensor> tensors) {
        Map<String, long[]> m = new TreeMap<>();
        tensors.forEach((k, v) -> m.put(k, v.shape()));
        return m;
    }

    private static void unsupportedIf(boolean condition, Path dir, String what) {
        if (condition) {
            throw bad(dir, what + " is not supported");
        }
    }

    private static IllegalArgumentException bad(Path dir, String what) {
        return new IllegalArgumentException("Cannot load adapter " + dir + ": " + what);
    }
}
