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
import java.util.Optional;
import java.util.OptionalInt;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * A test runtime for checkpoints named {@code fake:*} (others go to the next runtime on the
 * classpath): characters are tokens, and a reply is a pure function of (prompt, seed) that answers
 * 7, answers 8, or runs out of tokens without an answer.
 */
public final class FakeModelRuntime implements ModelRuntime {

    static final AtomicInteger GENERATE_CALLS = new AtomicInteger();

    @Override
    public LanguageModel load(String checkpoint, Device device) {
        if (checkpoint.startsWith("fake:")) {
            return new FakeModel(checkpoint, device);
        }
        for (ModelRuntime other : ServiceLoader.load(ModelRuntime.class)) {
            if (!(other instanceof FakeModelRuntime)) {
                return other.load(checkpoint, device);
            }
        }
        throw new IllegalStateException("No runtime for " + checkpoint);
    }

    private static final class FakeModel implements LanguageModel {
        private final String id;
        private final Device device;

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
                    64,
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
            return requests.stream().map(r -> reply(r, params)).toList();
        }

        private static Generation reply(GenerationRequest r, SamplingParams params) {
            long promptHash = java.util.Arrays.hashCode(r.promptIds());
            SplittableRandom rng = new SplittableRandom(r.seed() ^ promptHash);
            int kind = rng.nextInt(3);
            String text =
                    kind == 2
                            ? "Let me think about " + rng.nextInt(1000) + " and"
                            : "So the answer is \\boxed{" + (kind == 0 ? 7 : 8) + "}.";
            FinishReason finish = kind == 2 ? FinishReason.LENGTH : FinishReason.STOP;
            int[] ids = text.codePoints().toArray();
            if (finish == FinishReason.STOP) {
                ids = java.util.Arrays.copyOf(ids, ids.length + 1); // the end token 0
            }
            return new Generation(ids, text, finish);
        }

        @Override
        public List<TeacherLogits> teacherLogits(
                List<TeacherLogitsRequest> requests, int topK, float temperature) {
            throw new UnsupportedOperationException("fake model: teacherLogits");
        }

        @Override
        public Optional<LoraAdapter> adapter() {
            return Optional.empty();
        }

        @Override
        public void setAdapter(LoraAdapter adapter) {
            throw new UnsupportedOperationException("fake model: setAdapter");
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
