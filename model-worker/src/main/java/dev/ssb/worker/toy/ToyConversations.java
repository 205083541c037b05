package dev.ssb.worker.toy;

import static java.util.Objects.requireNonNull;

import dev.ssb.worker.api.ChatMessage;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The training conversations of the toy model, in the exact message form the pipeline renders
 * through the chat template: (a) system + question → student solution; (b) system + hinted teacher
 * prompt (question, one correct attempt, one wrong attempt) → standalone solution; (c) system + the
 * prompt of the teacher shown only a correct attempt (the {@code ssb-nohint-wrong} ablation) → the
 * same standalone solution.
 */
public final class ToyConversations {

    private final Prompts prompts;

    public ToyConversations(Prompts prompts) {
        this.prompts = requireNonNull(prompts, "prompts is null");
    }

    /** [system, user: question, assistant: student solution]. */
    public List<ChatMessage> student(ToyProblem problem) {
        return List.of(
                ChatMessage.system(prompts.system()),
                ChatMessage.user(problem.question()),
                ChatMessage.assistant(ToySolutions.student(problem)));
    }

    /**
     * [system, user: question, assistant: a plausible wrong attempt in student form]: the flawed
     * solutions a base model has read besides correct ones.
     */
    public List<ChatMessage> flawedStudent(ToyProblem problem, SplittableRandom random) {
        return List.of(
                ChatMessage.system(prompts.system()),
                ChatMessage.user(problem.question()),
                ChatMessage.assistant(
                        ToySolutions.student(ToyWrongAttempts.generate(problem, random))));
    }

    /**
     * [system, user: teacher prompt, assistant: teacher solution], with the correct attempt in
     * student form and {@code wrong} as its wrong attempt.
     */
    public List<ChatMessage> teacher(ToyProblem problem, ToyAttempt wrong) {
        String prompt =
                prompts.teacher(
                        problem.question(),
                        ToySolutions.student(problem),
                        ToySolutions.student(wrong));
        return List.of(
                ChatMessage.system(prompts.system()),
                ChatMessage.user(prompt),
                ChatMessage.assistant(ToySolutions.teacher(problem, wrong)));
    }

    /**
     * [system, user: the prompt of the teacher shown no wrong attempt, assistant: teacher
     * solution], with the correct attempt in student form.
     */
    public List<ChatMessage> nohintTeacher(ToyProblem problem) {
        return List.of(
                ChatMessage.system(prompts.system()),
                ChatMessage.user(
                        prompts.nohintTeacher(problem.question(), ToySolutions.student(problem))),
                ChatMessage.assistant(ToySolutions.student(problem)));
    }

    /** {@link #teacher(ToyProblem, ToyAttempt)} with a wrong attempt drawn from {@code random}. */
    public List<ChatMessage> teacher(ToyProblem problem, SplittableRandom random) {
        return teacher(problem, ToyWrongAttempts.generate(problem, random));
    }
}
