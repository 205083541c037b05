package dev.ssb.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssb.rollout.FakeModelRuntime;
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
import dev.ssb.worker.toy.ToyProblem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.SplittableRandom;

/**
 * A test runtime for real (tiny, random-weight) checkpoints whose generations are scripted, so a
 * whole pipeline can run on the real runtime (real teacher logits, gradients, merges) while every
 * curation fate occurs. A checkpoint is scripted when its folder or an ancestor holds {@link
 * #SCRIPT} (one JSON object per line: question, gold); that works in executor and subprocess JVMs
 * too. Generation: a hinted-teacher prompt answers gold; with an adapter set (a student) every
 * reply answers gold; a rollout draws gold, gold + 1 or no answer from its seed; all other calls go
 * to the real model. System properties can make generation slow and observable ({@link #MARKERS},
 * {@link #DELAY_MS}).
 */
public final class ScriptedRuntime implements ModelRuntime {

    public static final String SCRIPT = "SCRIPT.jsonl";

    /** System property: a folder where each generate call leaves a file named after the pid. */
    public static final String MARKERS = "ssb.scripted.markers";

    /** System property: milliseconds each generate call sleeps (a slow model). */
    public static final String DELAY_MS = "ssb.scripted.delay_ms";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.concurrent.atomic.AtomicInteger CALLS =
            new java.util.concurrent.atomic.AtomicInteger();

    /** Writes the script of {@code problems} into {@code dir}. */
    public static void script(Path dir, List<ToyProblem> problems) {
        Map<String, Integer> gold = new java.util.LinkedHashMap<>();
        for (ToyProblem p : problems) {
            gold.put(p.question(), p.answer());
        }
        script(dir, gold);
    }

    /** Writes the script of questions and their gold answers into {@code dir}. */
    public static void script(Path dir, Map<String, Integer> gold) {
        try {
            Files.createDirectories(dir);
            StringBuilder lines = new StringBuilder();
            for (Map.Entry<String, Integer> e : gold.entrySet()) {
                lines.append(
                                JSON.writeValueAsString(
                                        Map.of("question", e.getKey(), "gold", e.getValue())))
                        .append('\n');
            }
            Files.writeString(dir.resolve(SCRIPT), lines);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public LanguageModel load(String checkpoint, Device device) {
        ModelRuntime real =
                ServiceLoader.load(ModelRuntime.class).stream()
                        .map(ServiceLoader.Provider::get)
                        .filter(
                                r ->
                                        !(r instanceof FakeModelRuntime
                                                || r instanceof ScriptedRuntime))
                        .findFirst()
                        .orElseThrow();
        Optional<Path> script = script(checkpoint);
        LanguageModel model = real.load(checkpoint, device);
        return script.isPresent() ? new Scripted(model, golds(script.get())) : model;
    }

    private static Optional<Path> script(String checkpoint) {
        if (checkpoint.contains(":")) {
            return Optional.empty();
        }
        for (Path p = Path.of(checkpoint).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(SCRIPT))) {
                return Optional.of(p.resolve(SCRIPT));
            }
        }
        return Optional.empty();
    }

    private static Map<String, Integer> golds(Path script) {
        Map<String, Integer> golds = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(script)) {
                JsonNode node = JSON.readTree(line);
                golds.put(node.get("question").asText(), node.get("gold").asInt());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return golds;
    }

    private static final class Scripted implements LanguageModel {
        private final LanguageModel real;
        private final Map<String, Integer> golds;

        Scripted(LanguageModel real, Map<String, Integer> golds) {
            this.real = real;
            this.golds = golds;
        }

        @Override
        public List<Generation> generate(List<GenerationRequest> requests, SamplingParams params) {
            slowDown();
            return requests.stream().map(this::reply).toList();
        }

        /**
         * With {@value #MARKERS} set, leaves a file {@code <pid>-<n>} there per call (so a test
         * knows which JVM is generating); with {@value #DELAY_MS} set, then sleeps that long.
         */
        private static void slowDown() {
            String markers = System.getProperty(MARKERS);
            if (markers != null) {
                String name = ProcessHandle.current().pid() + "-" + CALLS.incrementAndGet();
                try {
                    Files.writeString(Path.of(markers, name), "");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            long delay = Long.getLong(DELAY_MS, 0);
            if (delay > 0) {
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }

        private Generation reply(GenerationRequest r) {
            String prompt = real.tokenizer().decode(r.promptIds());
            Integer gold =
                    golds.entrySet().stream()
                            .filter(e -> prompt.contains(e.getKey()))
                            .map(Map.Entry::getValue)
                            .findFirst()
                            .orElse(null);
            SplittableRandom rng = new SplittableRandom(r.seed() ^ Arrays.hashCode(r.promptIds()));
            String answer;
            if (gold == null) {
                answer = null;
            } else if (real.adapter().isPresent()
                    || prompt.contains(FakeModelRuntime.TEACHER_MARK)) {
                answer = Integer.toString(gold);
            } else {
                int pick = rng.nextInt(3);
                answer = pick == 2 ? null : Integer.toString(gold + pick);
            }
            if (answer == null) {
                String text = "Let me think about " + rng.nextInt(1000) + " and";
                return new Generation(real.tokenizer().encode(text), text, FinishReason.LENGTH);
            }
            String text = "So the answer is \\boxed{" + answer + "}.";
            int[] ids = real.tokenizer().encode(text);
            ids = Arrays.copyOf(ids, ids.length + 1);
            ids[ids.length - 1] = real.stopTokenIds().get(0);
            return new Generation(ids, text, FinishReason.STOP);
        }

        @Override
        public String modelId() {
            return real.modelId();
        }

        @Override
        public ModelConfig config() {
            return real.config();
        }

        @Override
        public Device device() {
            return real.device();
        }

        @Override
        public Tokenizer tokenizer() {
            return real.tokenizer();
        }

        @Override
        public ChatTemplate chatTemplate() {
            return real.chatTemplate();
        }

        @Override
        public List<Integer> stopTokenIds() {
            return real.stopTokenIds();
        }

        @Override
        public List<TeacherLogits> teacherLogits(
                List<TeacherLogitsRequest> requests, int topK, float temperature) {
            return real.teacherLogits(requests, topK, temperature);
        }

        @Override
        public Optional<LoraAdapter> adapter() {
            return real.adapter();
        }

        @Override
        public void setAdapter(LoraAdapter adapter) {
            real.setAdapter(adapter);
        }

        @Override
        public GradientResult computeGradients(List<KdExample> batch, LossConfig loss) {
            return real.computeGradients(batch, loss);
        }

        @Override
        public void save(Path directory) {
            real.save(directory);
        }

        @Override
        public void close() {
            real.close();
        }
    }
}
