package dev.ssb.worker.runtime;

import static java.util.Objects.requireNonNull;

import dev.ssb.worker.api.ChatTemplate;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.FinishReason;
import dev.ssb.worker.api.Generation;
import dev.ssb.worker.api.GenerationDefaults;
import dev.ssb.worker.api.GenerationRequest;
import dev.ssb.worker.api.GradientResult;
import dev.ssb.worker.api.KdExample;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LossConfig;
import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.api.PolicyExample;
import dev.ssb.worker.api.PolicyGradientResult;
import dev.ssb.worker.api.PolicyLoss;
import dev.ssb.worker.api.SamplingParams;
import dev.ssb.worker.api.TeacherLogits;
import dev.ssb.worker.api.TeacherLogitsRequest;
import dev.ssb.worker.api.Tokenizer;
import dev.ssb.worker.distill.KdGradients;
import dev.ssb.worker.distill.PolicyGradients;
import dev.ssb.worker.generate.Generator;
import dev.ssb.worker.io.CheckpointDirectory;
import dev.ssb.worker.io.CheckpointWriter;
import dev.ssb.worker.io.ConfigJson;
import dev.ssb.worker.io.Dtype;
import dev.ssb.worker.io.ExpectedWeights;
import dev.ssb.worker.model.LoraLayers;
import dev.ssb.worker.model.Transformer;
import dev.ssb.worker.text.TextBundle;
import dev.ssb.worker.text.Texts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Hugging Face checkpoint loaded on DJL's PyTorch engine. Ids at or above the tokenizer's
 * vocabulary size (Qwen pads its embedding beyond it) are never sampled nor counted in teacher
 * distributions. Not thread-safe.
 */
public final class PtLanguageModel implements LanguageModel {
    private static final Logger LOG = LoggerFactory.getLogger(PtLanguageModel.class);

    /** Sequences decoded together; more requests are split into batches of similar length. */
    static final int MAX_GENERATION_BATCH = 64;

    /** Padded tokens per teacher forward pass. */
    static final int MAX_TEACHER_BATCH_TOKENS = 16_384;

    private final String modelId;
    private final Path sourceDir;
    private final Device device;
    private final Transformer transformer;
    private final TextBundle texts;
    private final List<Integer> stopTokenIds;
    private final int validVocab;
    private final GenerationDefaults generationDefaults;
    private LoraAdapter adapter;
    private LoraLayers lora;

    private PtLanguageModel(
            String modelId,
            Path sourceDir,
            Device device,
            Transformer transformer,
            TextBundle texts,
            GenerationDefaults generationDefaults) {
        this.modelId = modelId;
        this.generationDefaults = generationDefaults;
        this.sourceDir = sourceDir;
        this.device = device;
        this.transformer = transformer;
        this.texts = texts;
        ModelConfig config = transformer.config();
        Set<Integer> stops = new LinkedHashSet<>(texts.endTokenIds());
        stops.addAll(config.eosTokenIds());
        this.stopTokenIds = List.copyOf(stops);
        this.validVocab = Math.min(texts.tokenizer().vocabSize(), config.vocabSize());
    }

    /**
     * Loads {@code dir} (config.json, safetensors, tokenizer files) onto {@code requested}.
     *
     * @throws IllegalArgumentException naming the file or tensor when the checkpoint is bad
     */
    static PtLanguageModel open(Path dir, String modelId, Device requested) {
        requireNonNull(dir, "dir is null");
        Device device = Devices.resolve(requested);
        ModelConfig config = ConfigJson.read(dir);
        GenerationDefaults defaults = ConfigJson.readGenerationDefaults(dir);
        Transformer transformer;
        // the mapped weights stay valid after the directory's channels are closed
        try (CheckpointDirectory weights = CheckpointDirectory.open(dir)) {
            ExpectedWeights.forConfig(config).validate(weights, dir.toString());
            transformer =
                    Transformer.create(
                            config, weights, Devices.djl(device), Devices.dataType(device));
        }
        try {
            TextBundle texts = Texts.load(dir);
            PtLanguageModel model =
                    new PtLanguageModel(modelId, dir, device, transformer, texts, defaults);
            LOG.info(
                    "Loaded {} ({}, {} layers, vocab {} / tokenizer {}) on {}",
                    modelId,
                    config.modelType(),
                    config.numHiddenLayers(),
                    config.vocabSize(),
                    texts.tokenizer().vocabSize(),
                    device);
            return model;
        } catch (RuntimeException e) {
            transformer.close();
            throw e;
        }
    }

    @Override
    public String modelId() {
        return modelId;
    }

    @Override
    public ModelConfig config() {
        return transformer.config();
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public Tokenizer tokenizer() {
        return texts.tokenizer();
    }

    @Override
    public ChatTemplate chatTemplate() {
        return texts.chatTemplate();
    }

    @Override
    public GenerationDefaults generationDefaults() {
        return generationDefaults;
    }

    @Override
    public List<Integer> stopTokenIds() {
        return stopTokenIds;
    }

    /** The tokenizer's vocabulary size as bounded by the embedding rows. */
    public int validVocab() {
        return validVocab;
    }

    /** The underlying network (for training code in this module). */
    public Transformer transformer() {
        return transformer;
    }

    @Override
    public List<Generation> generate(List<GenerationRequest> requests, SamplingParams params) {
        requireNonNull(requests, "requests is null");
        requireNonNull(params, "params is null");
        for (int i = 0; i < requests.size(); i++) {
            int[] prompt = requests.get(i).promptIds();
            checkIds(prompt);
            checkContext(i, prompt.length, params.maxNewTokens(), "new tokens");
        }
        List<Generator.Result> results =
                new Generator(transformer, validVocab, stopTokenIds)
                        .generate(requests, params, MAX_GENERATION_BATCH);
        List<Generation> out = new ArrayList<>(results.size());
        for (Generator.Result r : results) {
            out.add(toGeneration(tokenizer(), r));
        }
        return out;
    }

    /**
     * Decodes the whole id list at once (multi-byte safe), without the end token on STOP and
     * without special tokens sampled mid-reply (the ids keep them).
     */
    static Generation toGeneration(Tokenizer tokenizer, Generator.Result r) {
        int[] ids = r.tokenIds();
        int textLength = r.finishReason() == FinishReason.STOP ? ids.length - 1 : ids.length;
        String text =
                textLength == 0
                        ? ""
                        : tokenizer.decodeSkippingSpecialTokens(Arrays.copyOf(ids, textLength));
        return new Generation(ids, text, r.finishReason());
    }

    private void checkIds(int[] ids) {
        for (int id : ids) {
            if (id < 0 || id >= config().vocabSize()) {
                throw new IllegalArgumentException(
                        String.format(
                                "Invalid token id: %s (vocab_size %s)", id, config().vocabSize()));
            }
        }
    }

    /**
     * Refuses a sequence longer than the model's context before any tensor is built: positions past
     * {@code max_position_embeddings} were never trained, and one huge prompt would otherwise ask
     * libtorch for its quadratic attention (a 250k-token prompt: terabytes).
     */
    private void checkContext(int request, int promptTokens, int more, String what) {
        int context = config().maxPositionEmbeddings();
        if ((long) promptTokens + more > context) {
            throw new IllegalArgumentException(
                    String.format(
                            "Invalid request %s: %s prompt tokens + %s %s exceed the context of"
                                    + " model %s (max_position_embeddings %s)",
                            request, promptTokens, more, what, modelId, context));
        }
    }

    @Override
    public List<TeacherLogits> teacherLogits(
            List<TeacherLogitsRequest> requests, int topK, float temperature) {
        requireNonNull(requests, "requests is null");
        for (int i = 0; i < requests.size(); i++) {
            TeacherLogitsRequest r = requests.get(i);
            checkContext(i, r.promptIds().length, r.replyIds().length, "reply tokens");
        }
        return new TeacherScorer(transformer, validVocab, MAX_TEACHER_BATCH_TOKENS)
                .score(requests, topK, temperature);
    }

    @Override
    public Optional<LoraAdapter> adapter() {
        return Optional.ofNullable(adapter);
    }

    @Override
    public void setAdapter(LoraAdapter adapter) {
        LoraLayers next =
                adapter == null
                        ? null
                        : LoraLayers.fromAdapter(
                                adapter, config(), transformer.manager(), transformer.dataType());
        transformer.setLora(next);
        if (lora != null) {
            lora.close();
        }
        this.lora = next;
        this.adapter = adapter;
    }

    @Override
    public GradientResult computeGradients(List<KdExample> batch, LossConfig loss) {
        if (lora == null) {
            throw new IllegalStateException("Cannot compute gradients: no adapter is set");
        }
        for (int i = 0; i < batch.size(); i++) {
            KdExample e = batch.get(i);
            checkContext(i, e.studentPromptIds().length, e.replyIds().length, "reply tokens");
        }
        return KdGradients.compute(transformer, batch, loss, validVocab);
    }

    @Override
    public PolicyGradientResult computePolicyGradients(List<PolicyExample> batch, PolicyLoss loss) {
        if (lora == null) {
            throw new IllegalStateException("Cannot compute gradients: no adapter is set");
        }
        for (int i = 0; i < batch.size(); i++) {
            PolicyExample e = batch.get(i);
            checkContext(i, e.promptIds().length, e.replyIds().length, "reply tokens");
        }
        return PolicyGradients.compute(transformer, batch, loss, validVocab);
    }

    @Override
    public List<float[]> replyLogProbs(List<TeacherLogitsRequest> requests) {
        requireNonNull(requests, "requests is null");
        List<float[]> out = new ArrayList<>(requests.size());
        List<int[]> prompts = new ArrayList<>();
        List<int[]> replies = new ArrayList<>();
        long padded = 0;
        for (int i = 0; i < requests.size(); i++) {
            TeacherLogitsRequest r = requests.get(i);
            checkContext(i, r.promptIds().length, r.replyIds().length, "reply tokens");
            long length = r.promptIds().length + r.replyIds().length;
            if (!prompts.isEmpty() && padded + length > MAX_TEACHER_BATCH_TOKENS) {
                out.addAll(
                        PolicyGradients.replyLogProbs(transformer, prompts, replies, validVocab));
                prompts.clear();
                replies.clear();
                padded = 0;
            }
            prompts.add(r.promptIds());
            replies.add(r.replyIds());
            padded += length;
        }
        if (!prompts.isEmpty()) {
            out.addAll(PolicyGradients.replyLogProbs(transformer, prompts, replies, validVocab));
        }
        return out;
    }

    @Override
    public void save(Path directory) {
        save(directory, Dtype.F32);
    }

    @Override
    public void save(Path directory, String dtype) {
        requireNonNull(dtype, "dtype is null");
        Dtype stored = Dtype.parse(dtype);
        if (stored == null) {
            throw new IllegalArgumentException(
                    "Invalid dtype: " + dtype + " (float32, bfloat16 or float16)");
        }
        save(directory, stored);
    }

    private void save(Path directory, Dtype dtype) {
        requireNonNull(directory, "directory is null");
        CheckpointWriter.write(
                directory,
                config(),
                new MergedWeights(transformer),
                CheckpointWriter.Options.of(dtype, sourceDir));
        // newer checkpoints keep the chat template beside tokenizer_config.json
        Path template = sourceDir.resolve("chat_template.jinja");
        if (Files.isRegularFile(template)) {
            try {
                Files.copy(
                        template,
                        directory.resolve("chat_template.jinja"),
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot copy " + template + " to " + directory, e);
            }
        }
    }

    @Override
    public void close() {
        if (lora != null) {
            lora.close();
            lora = null;
        }
        transformer.close();
        texts.close();
    }

    @Override
    public String toString() {
        return "PtLanguageModel[" + modelId + " on " + device + "]";
    }
}
