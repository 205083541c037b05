package dev.ssb.worker.toy.train;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ssb.worker.api.ChatMessage;
import dev.ssb.worker.api.Device;
import dev.ssb.worker.api.Generation;
import dev.ssb.worker.api.GenerationRequest;
import dev.ssb.worker.api.LanguageModel;
import dev.ssb.worker.api.ModelWorker;
import dev.ssb.worker.api.SamplingParams;
import dev.ssb.worker.api.TeacherPromptTemplate;
import dev.ssb.worker.toy.Prompts;
import dev.ssb.worker.toy.ToyAttempt;
import dev.ssb.worker.toy.ToyDataset;
import dev.ssb.worker.toy.ToyProblem;
import dev.ssb.worker.toy.ToySolutions;
import dev.ssb.worker.toy.ToyWrongAttempts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures a toy model with the runtime's batched generation, in the pipeline's own prompt forms:
 * the student's pass@1 at T = 0.8, the share of problems whose K = 4 samples at T = 0.8 are mixed
 * (at least one correct and one wrong), the hinted teacher's accuracy at T = 0.4 given the correct
 * solution and a wrong attempt, and the same for the teacher shown only the correct solution (the
 * {@code ssb-nohint-wrong} ablation's prompt). Answers are the last {@code \boxed{N}} of a reply
 * compared with the gold integer ({@link ToySolutions#boxedAnswer}).
 */
public final class ToyModelEvaluation {

    /** Rollout sampling of the paper: T = 0.8, top-k 50. */
    public static final float STUDENT_TEMPERATURE = 0.8f;

    /** The hinted teacher's temperature in the paper. */
    public static final float TEACHER_TEMPERATURE = 0.4f;

    public static final int TOP_K = 50;
    public static final int SAMPLES_PER_PROBLEM = 4;

    /** Replies are at most ~5 lines of ~15 characters; the budget leaves room for rambling. */
    public static final int MAX_NEW_TOKENS = 200;

    private static final Logger LOG = LoggerFactory.getLogger(ToyModelEvaluation.class);

    private final LanguageModel model;
    private final Prompts prompts;

    /**
     * The measured numbers.
     *
     * @param problems problems per measurement
     * @param passAt1 share of problems whose single T = 0.8 sample is correct
     * @param mixedAtK share of train problems with a correct and a wrong sample among K
     * @param teacherAccuracy share of hinted-teacher replies at T = 0.4 ending in the gold answer
     * @param nohintTeacherAccuracy the same for the teacher shown only the correct attempt
     */
    public record Summary(
            int problems,
            double passAt1,
            double mixedAtK,
            double teacherAccuracy,
            double nohintTeacherAccuracy) {}

    public ToyModelEvaluation(LanguageModel model, Prompts prompts) {
        this.model = requireNonNull(model, "model is null");
        this.prompts = requireNonNull(prompts, "prompts is null");
    }

    /**
     * Whether each problem's single sample at T = 0.8 (seed derived from {@code seed}) is right.
     */
    public boolean[] studentCorrect(List<ToyProblem> problems, long seed, int samples) {
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < problems.size(); i++) {
            int[] prompt =
                    model.encodeChat(
                            List.of(
                                    ChatMessage.system(prompts.system()),
                                    ChatMessage.user(problems.get(i).question())),
                            true);
            for (int k = 0; k < samples; k++) {
                requests.add(new GenerationRequest(prompt, sampleSeed(seed, i, k)));
            }
        }
        List<Generation> out = model.generate(requests, params(STUDENT_TEMPERATURE));
        boolean[] correct = new boolean[out.size()];
        for (int r = 0; r < out.size(); r++) {
            correct[r] = isCorrect(out.get(r).text(), problems.get(r / samples));
        }
        return correct;
    }

    /** Share of single samples that are correct. */
    public double passAt1(List<ToyProblem> problems, long seed) {
        return fraction(studentCorrect(problems, seed, 1));
    }

    /** Share of problems whose {@code samples} samples include a correct and a wrong one. */
    public double mixed(List<ToyProblem> problems, long seed, int samples) {
        boolean[] correct = studentCorrect(problems, seed, samples);
        int mixed = 0;
        for (int i = 0; i < problems.size(); i++) {
            int right = 0;
            for (int k = 0; k < samples; k++) {
                right += correct[i * samples + k] ? 1 : 0;
            }
            mixed += right > 0 && right < samples ? 1 : 0;
        }
        return mixed / (double) problems.size();
    }

    /**
     * Share of hinted-teacher replies at T = 0.4 ending in the gold answer, the correct attempt
     * being the gold solution in student form and the wrong one a seeded {@link ToyWrongAttempts}.
     */
    public double teacherAccuracy(List<ToyProblem> problems, long seed) {
        return teacherAccuracy(problems, seed, true);
    }

    /**
     * Share of replies at T = 0.4 ending in the gold answer of the teacher shown only the correct
     * attempt (the gold solution in student form), with the same seeds as {@link
     * #teacherAccuracy(List, long)}.
     */
    public double nohintTeacherAccuracy(List<ToyProblem> problems, long seed) {
        return teacherAccuracy(problems, seed, false);
    }

    private double teacherAccuracy(List<ToyProblem> problems, long seed, boolean hinted) {
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < problems.size(); i++) {
            ToyProblem p = problems.get(i);
            ToyAttempt wrong =
                    ToyWrongAttempts.generate(p, new SplittableRandom(sampleSeed(seed, i, 0)));
            String user =
                    hinted
                            ? prompts.teacher(
                                    p.question(),
                                    ToySolutions.student(p),
                                    ToySolutions.student(wrong))
                            : prompts.nohintTeacher(p.question(), ToySolutions.student(p));
            int[] prompt =
                    model.encodeChat(TeacherPromptTemplate.messages(prompts.system(), user), true);
            requests.add(new GenerationRequest(prompt, sampleSeed(seed, i, 1)));
        }
        List<Generation> out = model.generate(requests, params(TEACHER_TEMPERATURE));
        int right = 0;
        for (int i = 0; i < out.size(); i++) {
            right += isCorrect(out.get(i).text(), problems.get(i)) ? 1 : 0;
        }
        return right / (double) problems.size();
    }

    static boolean isCorrect(String reply, ToyProblem problem) {
        OptionalInt answer = ToySolutions.boxedAnswer(reply);
        return answer.isPresent() && answer.getAsInt() == problem.answer();
    }

    static SamplingParams params(float temperature) {
        return new SamplingParams(temperature, TOP_K, 1f, MAX_NEW_TOKENS);
    }

    /** A per-sequence seed from (run seed, problem index, sample index), as the pipeline does. */
    static long sampleSeed(long seed, int problem, int sample) {
        long h = seed * 0x9E3779B97F4A7C15L + problem;
        h = (h ^ (h >>> 31)) * 0xBF58476D1CE4E5B9L + sample;
        return h ^ (h >>> 29);
    }

    private static double fraction(boolean[] values) {
        int n = 0;
        for (boolean v : values) {
            n += v ? 1 : 0;
        }
        return n / (double) values.length;
    }

    /**
     * Measures the model at {@code checkpoint} on the first {@code size} problems of {@code split}
     * (heldout or dev) and on the first {@code size} train problems, logs the numbers and writes
     * them as JSON to {@code out} when not null.
     */
    static Summary run(
            ToyTrainingConfig config,
            Prompts prompts,
            String checkpoint,
            String split,
            int size,
            Path out) {
        ToyDataset.Splits splits = ToyTrainingData.splits(config);
        List<ToyProblem> problems =
                switch (split) {
                    case "heldout" -> ToyTrainingData.heldOut(splits);
                    case "dev" -> ToyTrainingData.dev(splits);
                    default ->
                            throw new IllegalArgumentException(
                                    "Invalid split: " + split + " (heldout or dev)");
                };
        if (size <= 0 || size > problems.size()) {
            throw new IllegalArgumentException(
                    "Invalid problems: " + size + " (must be in [1, " + problems.size() + "])");
        }
        problems = problems.subList(0, size);
        List<ToyProblem> train = splits.train().subList(0, size);
        long seed = config.seed();
        try (LanguageModel model = ModelWorker.load(checkpoint, Device.cpu())) {
            ToyModelEvaluation eval = new ToyModelEvaluation(model, prompts);
            long t0 = System.nanoTime();
            double pass = eval.passAt1(problems, seed);
            LOG.info("pass@1 (T=0.8) on {} {} problems: {}", size, split, pass);
            double mixed = eval.mixed(train, seed + 1, SAMPLES_PER_PROBLEM);
            LOG.info("mixed outcomes (K=4, T=0.8) on {} train problems: {}", size, mixed);
            double teacher = eval.teacherAccuracy(problems, seed + 2);
            LOG.info("teacher accuracy (T=0.4) on {} {} problems: {}", size, split, teacher);
            double nohint = eval.nohintTeacherAccuracy(problems, seed + 2);
            LOG.info("nohint teacher accuracy (T=0.4) on {} {} problems: {}", size, split, nohint);
            Summary summary = new Summary(size, pass, mixed, teacher, nohint);
            if (out != null) {
                write(out, summary, checkpoint, split, seed, (System.nanoTime() - t0) / 1_000_000);
            }
            return summary;
        }
    }

    private static void write(
            Path out, Summary s, String checkpoint, String split, long seed, long millis) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("checkpoint", checkpoint);
        root.put("split", split);
        root.put("seed", seed);
        root.put("problems", s.problems());
        root.put("pass_at_1_t0.8", s.passAt1());
        root.put("mixed_at_k4_t0.8_train", s.mixedAtK());
        root.put("teacher_accuracy_t0.4", s.teacherAccuracy());
        root.put("nohint_teacher_accuracy_t0.4", s.nohintTeacherAccuracy());
        root.put("eval_seconds", millis / 1000);
        try {
            Files.writeString(
                    out, json.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + out, e);
        }
    }
}
