package dev.ssb.worker.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A loaded decoder-only language model with its tokenizer and chat template. Owns native memory:
 * close it. Not thread-safe: one caller at a time (a Spark executor serializes tasks on it).
 */
public interface LanguageModel extends AutoCloseable {

    /** A stable identifier of the checkpoint (its directory name or "embedded:toy"), for tables. */
    String modelId();

    ModelConfig config();

    Device device();

    Tokenizer tokenizer();

    ChatTemplate chatTemplate();

    /**
     * The sampling settings of the checkpoint's {@code generation_config.json}, for callers to use
     * where their own configuration leaves a value unset ({@link GenerationDefaults#over}).
     */
    default GenerationDefaults generationDefaults() {
        return GenerationDefaults.NONE;
    }

    /**
     * Ids that end a reply: the tokenizer's end-of-turn/end-of-text tokens and the config's eos.
     */
    List<Integer> stopTokenIds();

    /** Renders messages with the chat template and tokenizes the result. */
    default int[] encodeChat(List<ChatMessage> messages, boolean addGenerationPrompt) {
        return tokenizer().encode(chatTemplate().render(messages, addGenerationPrompt));
    }

    /**
     * Decodes all requests together with a KV cache. Each result depends only on its own request
     * (prompt ids and seed) and {@code params}, never on the batch it was decoded in.
     *
     * @return one generation per request, in order
     */
    List<Generation> generate(List<GenerationRequest> requests, SamplingParams params);

    /**
     * One forward pass per request over {@code [prompt ‖ reply]}; keeps, per reply position, the
     * top-k raw logits and the full-vocabulary log-sum-exp of logits / temperature. Embedding rows
     * beyond the tokenizer's vocabulary are excluded. {@code topK >= vocab} gives the full
     * distribution.
     */
    List<TeacherLogits> teacherLogits(
            List<TeacherLogitsRequest> requests, int topK, float temperature);

    /** The LoRA adapter currently applied, if any. */
    Optional<LoraAdapter> adapter();

    /**
     * Applies {@code adapter} on top of the frozen base weights (replacing any previous one);
     * {@code null} removes it.
     */
    void setAdapter(LoraAdapter adapter);

    /**
     * Gradients of the distillation loss with respect to the current adapter's parameters, summed
     * over the reply tokens of {@code batch} (see {@link GradientResult}). The adapter and the base
     * weights are not changed.
     *
     * @throws IllegalStateException when no adapter is set
     */
    GradientResult computeGradients(List<KdExample> batch, LossConfig loss);

    /**
     * Gradients of the GRPO policy loss ({@link PolicyLoss}) with respect to the current adapter's
     * parameters, summed over the reply tokens of {@code batch}. The adapter and the base weights
     * are not changed.
     *
     * @throws IllegalStateException when no adapter is set
     * @throws UnsupportedOperationException when this model cannot train
     */
    default PolicyGradientResult computePolicyGradients(
            List<PolicyExample> batch, PolicyLoss loss) {
        throw new UnsupportedOperationException(
                "Cannot compute policy gradients: " + modelId() + " does not train");
    }

    /**
     * Per request, {@code log p(replyIds[i] | prompt, replyIds[<i])} at temperature 1 under the
     * current weights (adapter included when one is set), over the tokenizer's vocabulary.
     *
     * @throws UnsupportedOperationException when this model cannot score
     */
    default List<float[]> replyLogProbs(List<TeacherLogitsRequest> requests) {
        throw new UnsupportedOperationException(
                "Cannot score replies: " + modelId() + " does not support it");
    }

    /**
     * Writes a full Hugging Face checkpoint directory (config.json, model.safetensors, tokenizer
     * files, generation_config.json), with the current adapter merged into the weights.
     */
    void save(Path directory);

    /**
     * As {@link #save(Path)}, the weights stored as {@code dtype}: {@code float32}, {@code
     * bfloat16} or {@code float16} (the default supports float32 only).
     *
     * @throws IllegalArgumentException for another dtype
     */
    default void save(Path directory, String dtype) {
        if (!"float32".equals(dtype)) {
            throw new IllegalArgumentException(
                    "Invalid dtype: " + dtype + " (this model saves float32 only)");
        }
        save(directory);
    }

    @Override
    void close();
}
