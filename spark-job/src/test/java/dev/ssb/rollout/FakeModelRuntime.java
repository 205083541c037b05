package dev.ssb.rollout;

import dev.ssb.worker.api.ChatTemplate;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.FinishReason;
import dev.ssb.worker.api.Generation;
import dev.ssb.worker.api.GenerationRequest;
import dev.ssb.worker.api.GradientResult;
import dev.ssb.worker.api.KdExample;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.LoraAdapter;
import dev.ssb.worker.api.LossConfig;
import dev.ssb.worker.api.ModelConfig;
import dev.ssb.worker.api.ModelRuntime;
import dev.ssb.worker.api.SamplingParams;
import dev.ssb.worker.api.TeacherLogits;
import dev.ssb.worker.api.TeacherLogitsRequest;
import dev.ssb.worker.api.Tokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A test runtime for checkpoints named {@code fake:*} or folders holding a {@value #FAKE_MARKER}
 * file (others go to the next runtime on the classpath): characters are tokens (id 0 ends a turn),
 * and every output is a pure function of its inputs.
 *
 * <ul>
 *   <li>A rollout reply draws, from (prompt, seed), one of the answers {@link #script scripted} for
 *       a question the prompt contains — default 7, 8 or "-", where "-" runs out of tokens without
 *       an answer.
 *   <li>A hinted teacher reply (a prompt with "A correct attempt:") gives the correct attempt's
 *       boxed answer with probability 1/2, the wrong attempt's with 1/4, else runs out of tokens.
 *   <li>Teacher logits rank the reply's own token first at each position ({@code topk_ids[i*k] ==
 *       reply[i]}), then {@code reply[i] + j·7919}, with logits {@code 5 − j/2 + (prompt hash mod
 *       7)/10} and a log-sum-exp that leaves a tail mass of 1/2 outside the top-k.
 *   <li>With a LoRA adapter set (a "student") every reply answers 7.
 * </ul>
 */
public final class FakeModelRuntime implements ModelRuntime {

    static final AtomicInteger GENERATE_CALLS = new AtomicInteger();

    /** Generate calls made with an adapter set (student batches). */
    public static final AtomicInteger ADAPTED_GENERATE_CALLS = new AtomicInteger();

    /** Calls that set (not cleared) an adapter on a fake model: each is a LoRA merge. */
    public static final AtomicInteger ADAPTER_SETS = new AtomicInteger();

    /** A prompt containing "A correct attempt:" asks for a hinted teacher reply. */
    public static final String TEACHER_MARK = "A correct attempt:";

    private static final String WRONG_MARK = "A wrong attempt:";
    private static final List<String> DEFAULT_ANSWERS = List.of("7", "8", "-");
    private static final Map<String, List<String>> SCRIPTS = new ConcurrentHashMap<>();

    /**
     * Makes rollouts of prompts containing {@code question} draw their answer uniformly from {@code
     * answers} ("-" = no answer, cut by length) instead of the default 7, 8 or "-".
     */
    public static void script(String question, List<String> answers) {
        SCRIPTS.put(question, List.copyOf(answers));
    }

    @Override
    public LanguageModel load(String checkpoint, Device device) {
        if (checkpoint.startsWith("fake:") || isFakeFolder(checkpoint)) {
            return new FakeModel(checkpoint, device);
        }
        for (ModelRuntime other : ServiceLoader.load(ModelRuntime.class)) {
            if (!(other instanceof FakeModelRuntime)) {
                return other.load(checkpoint, device);
            }
        }
        throw new IllegalStateException("No runtime for " + checkpoint);
    }

    /** A marker file that makes a folder a fake checkpoint (its generation_config.json is real). */
    public static final String FAKE_MARKER = "FAKE";

    private static boolean isFakeFolder(String checkpoint) {
        return !checkpoint.contains(":")
                && java.nio.file.Files.isRegularFile(Path.of(checkpoint, FAKE_MARKER));
    }

    @Override
    public dev.ssb.worker.api.GenerationDefaults generationDefaults(
            String json, String checkpoint) {
        return real().generationDefaults(json, checkpoint);
    }

    /** A fake checkpoint has no generation_config.json: the project's fallbacks apply. */
    @Override
    public Optional<dev.ssb.worker.api.GenerationDefaults> builtInGenerationDefaults(
            String checkpoint) {
        return checkpoint.startsWith("fake:")
                ? Optional.of(dev.ssb.worker.api.GenerationDefaults.NONE)
                : real().builtInGenerationDefaults(checkpoint);
    }

    @Override
    public dev.ssb.worker.api.NativeRuntime nativeRuntime() {
        return real().nativeRuntime();
    }

    @Override
    public double matmulGflops(Device device, int n) {
        return real().matmulGflops(device, n);
    }

    /** The real runtime behind this fake (the first other provider that is not a test double). */
    private static ModelRuntime real() {
        for (ModelRuntime other : ServiceLoader.load(ModelRuntime.class)) {
            if (other.getClass().getName().startsWith("dev.ssb.worker.")) {
                return other;
            }
        }
        throw new IllegalStateException("No native runtime on the classpath");
    }

    private static final class FakeModel implements LanguageModel {
        private final String id;
        private final Device device;
        private LoraAdapter adapter;

        FakeModel(String id, Device device) {
            this.id = id;
            this.device = device;
        }

        @Override
        public String modelId() {
            return id;
        }

        @Override
        public ModelConfig config() {
            return new ModelConfig(
                    "qwen2",
                    8,
                    16,
                    1,
                    2,
                    1,
                    4,
                    10000,
                    1e-6,
                    0x110000,
                    true,
                    true,
                    1 << 20, // no real context: prompts are code points
                    -1,
                    List.of(0));
        }

        @Override
        public Device device() {
            return device;
        }

        @Override
        public Tokenizer tokenizer() {
            return new Tokenizer() {
                @Override
                public int[] encode(String text) {
                    return text.codePoints().toArray();
                }

                @Override
                public String decode(int[] ids) {
                    return new String(ids, 0, ids.length);
                }

                @Override
                public int vocabSize() {
                    return 0x110000;
                }

                @Override
                public OptionalInt tokenId(String token) {
                    return token.codePointCount(0, token.length()) == 1
                            ? OptionalInt.of(token.codePointAt(0))
                            : OptionalInt.empty();
                }
            };
        }

        @Override
        public ChatTemplate chatTemplate() {
            return (messages, addGenerationPrompt) ->
                    messages.stream()
                                    .map(m -> m.role() + ": " + m.content() + "\n")
                                    .collect(Collectors.joining())
                            + (addGenerationPrompt ? "assistant: " : "");
        }

        @Override
        public List<Integer> stopTokenIds() {
            return List.of(0);
        }

        @Override
        public List<Generation> generate(List<GenerationRequest> requests, SamplingParams params) {
            GENERATE_CALLS.incrementAndGet();
            if (adapter != null) {
                ADAPTED_GENERATE_CALLS.incrementAndGet();
            }
            return requests.stream()
                    .map(
                            r ->
                                    adapter != null
                                            ? reply("So the answer is \\boxed{7}.")
                                            : reply(r, params))
                    .toList();
        }

        private static Generation reply(String text) {
            int[] ids = (text + "\0").codePoints().toArray(); // ends with the end token 0
            return new Generation(ids, text, FinishReason.STOP);
        }

        private static Generation reply(GenerationRequest r, SamplingParams params) {
            long promptHash = java.util.Arrays.hashCode(r.promptIds());
            SplittableRandom rng = new SplittableRandom(r.seed() ^ promptHash);
            String prompt = new String(r.promptIds(), 0, r.promptIds().length);
            String answer;
            if (prompt.contains(TEACHER_MARK)) {
                int kind = rng.nextInt(4);
                answer =
                        kind == 3 ? "-" : firstBoxed(prompt, kind == 2 ? WRONG_MARK : TEACHER_MARK);
            } else {
                List<String> answers =
                        SCRIPTS.entrySet().stream()
                                .filter(e -> prompt.contains(e.getKey()))
                                .map(Map.Entry::getValue)
                                .findFirst()
                                .orElse(DEFAULT_ANSWERS);
                answer = answers.get(rng.nextInt(answers.size()));
            }
            boolean cut = answer.equals("-");
            String text =
                    cut
                            ? "Let me think about " + rng.nextInt(1000) + " and"
                            : "So the answer is \\boxed{" + answer + "}.";
            FinishReason finish = cut ? FinishReason.LENGTH : FinishReason.STOP;
            int[] ids = text.codePoints().toArray();
            if (finish == FinishReason.STOP) {
                ids = java.util.Arrays.copyOf(ids, ids.length + 1); // the end token 0
            }
            return new Generation(ids, text, finish);
        }

        @Override
        public List<TeacherLogits> teacherLogits(
                List<TeacherLogitsRequest> requests, int topK, float temperature) {
            return requests.stream().map(r -> logits(r, topK, temperature)).toList();
        }

        private static TeacherLogits logits(TeacherLogitsRequest r, int topK, float temperature) {
            int n = r.replyIds().length;
            int[] ids = new int[n * topK];
            float[] logits = new float[n * topK];
            float[] lse = new float[n];
            float shift = Math.floorMod(java.util.Arrays.hashCode(r.promptIds()), 7) / 10f;
            for (int i = 0; i < n; i++) {
                double sum = 0.5; // tail mass outside the top-k
                for (int j = 0; j < topK; j++) {
                    ids[i * topK + j] = (r.replyIds()[i] + j * 7919) % 0x110000;
                    logits[i * topK + j] = 5f - j / 2f + shift;
                    sum += Math.exp(logits[i * topK + j] / temperature);
                }
                lse[i] = (float) Math.log(sum);
            }
            return new TeacherLogits(topK, temperature, ids, logits, lse);
        }

        private static String firstBoxed(String prompt, String after) {
            int from = prompt.indexOf("\\boxed{", prompt.indexOf(after));
            return prompt.substring(from + 7, prompt.indexOf('}', from));
        }

        @Override
        public Optional<LoraAdapter> adapter() {
            return Optional.ofNullable(adapter);
        }

        @Override
        public void setAdapter(LoraAdapter adapter) {
            if (adapter != null) {
                ADAPTER_SETS.incrementAndGet();
            }
            this.adapter = adapter;
        }

        @Override
        public GradientResult computeGradients(List<KdExample> batch, LossConfig loss) {
            throw new UnsupportedOperationException("fake model: computeGradients");
        }

        @Override
        public void save(Path directory) {
            throw new UnsupportedOperationException("fake model: save");
        }

        @Override
        public void close() {}
    }
}
