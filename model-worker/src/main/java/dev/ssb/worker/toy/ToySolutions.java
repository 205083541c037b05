package dev.ssb.worker.toy;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The written forms of toy solutions. Every form is one calculation per line ({@code 5 * 3 = 15});
 * they differ in the last line:
 *
 * <ul>
 *   <li>GSM8K dataset answer: {@code #### N}
 *   <li>student / rollout reply: {@code The answer is \boxed{N}.}
 *   <li>hinted-teacher reply: the student form of the correct solution, never mentioning the
 *       attempts
 * </ul>
 */
public final class ToySolutions {

    /** Prefix of a re-checking line; such lines are skipped when a solution is parsed. */
    public static final String CHECK_PREFIX = "Check: ";

    private static final Pattern BOXED = Pattern.compile("\\\\boxed\\{(\\d{1,9})}");
    private static final Pattern GSM8K = Pattern.compile("(?m)^#### (\\d{1,9})$");

    private ToySolutions() {}

    /** The GSM8K {@code answer} field: the calculations, then {@code #### N}. */
    public static String gsm8k(ToyProblem problem) {
        return lines(problem.steps()) + "#### " + problem.answer();
    }

    /** The student reply to the bare question: the calculations, then the boxed answer. */
    public static String student(ToyProblem problem) {
        return student(problem.steps(), problem.answer());
    }

    /** A (wrong) attempt written exactly like a student reply. */
    public static String student(ToyAttempt attempt) {
        return student(attempt.steps(), attempt.answer());
    }

    /**
     * The hinted teacher's standalone solution: the correct calculations and the boxed gold answer,
     * written exactly as a careful student would, without any mention of the attempts. (An earlier
     * form added a {@code Check:} line re-verifying the step the wrong attempt got wrong; the
     * student, which never sees the attempts, cannot know where that line goes, and imitating it at
     * random places cost it accuracy on the dev split.)
     */
    public static String teacher(ToyProblem problem, ToyAttempt wrong) {
        requireNonNull(wrong, "wrong is null");
        if (wrong.answer() == problem.answer()) {
            throw new IllegalArgumentException(
                    "Invalid wrong attempt for "
                            + problem.id()
                            + ": its answer "
                            + wrong.answer()
                            + " is the gold answer");
        }
        return student(problem);
    }

    /** The final line of a student or teacher reply. */
    public static String answerLine(int answer) {
        return "The answer is \\boxed{" + answer + "}.";
    }

    /** The calculation lines of a solution in any of the forms (check lines excluded), in order. */
    public static List<ToyStep> parseSteps(String solution) {
        List<ToyStep> steps = new ArrayList<>();
        for (String line : solution.split("\n", -1)) {
            ToyStep.parse(line).ifPresent(steps::add);
        }
        return steps;
    }

    /** The number in the last {@code \boxed{N}} of a reply, if any. */
    public static OptionalInt boxedAnswer(String reply) {
        Matcher m = BOXED.matcher(reply);
        OptionalInt last = OptionalInt.empty();
        while (m.find()) {
            last = OptionalInt.of(Integer.parseInt(m.group(1)));
        }
        return last;
    }

    /** The number after {@code ####} in a GSM8K answer, if any. */
    public static OptionalInt gsm8kAnswer(String answer) {
        Matcher m = GSM8K.matcher(answer);
        return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
    }

    private static String student(List<ToyStep> steps, int answer) {
        return lines(steps) + answerLine(answer);
    }

    private static String lines(List<ToyStep> steps) {
        StringBuilder out = new StringBuilder();
        for (ToyStep s : steps) {
            out.append(s.line()).append('\n');
        }
        return out.toString();
    }
}
