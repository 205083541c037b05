package dev.ssb.worker.toy;

import static java.util.Objects.requireNonNull;

import dev.ssb.worker.toy.ToyTemplates.Person;
import dev.ssb.worker.toy.ToyTemplates.Scenario;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A seeded generator of multi-step arithmetic word problems with exact non-negative integer
 * answers. Every value the chain passes through is at least 1; subtraction never goes below 1 and
 * division is always exact. The same seed and difficulty give the same sequence of problems. Not
 * thread-safe.
 */
public final class ToyProblemGenerator {

    /**
     * Longest question text: longer draws are replaced by a fresh draw, which keeps questions short
     * enough for a tiny character-level model.
     */
    public static final int MAX_QUESTION_CHARS = 200;

    private static final int MAX_REDRAWS = 1000;

    /** Probability that the first operation is a product written as "a bags of b objects". */
    private static final double PRODUCT_START = 0.3;

    private final SplittableRandom random;
    private final ToyDifficulty difficulty;

    private final int maxQuestionChars;

    public ToyProblemGenerator(long seed, ToyDifficulty difficulty) {
        this(seed, difficulty, MAX_QUESTION_CHARS);
    }

    ToyProblemGenerator(long seed, ToyDifficulty difficulty, int maxQuestionChars) {
        this.random = new SplittableRandom(seed);
        this.difficulty = requireNonNull(difficulty, "difficulty is null");
        this.maxQuestionChars = maxQuestionChars;
    }

    public ToyDifficulty difficulty() {
        return difficulty;
    }

    /** Generates the next problem and gives it {@code id}. */
    public ToyProblem next(String id) {
        requireNonNull(id, "id is null");
        for (int attempt = 0; attempt < MAX_REDRAWS; attempt++) {
            ToyProblem p = draw(id);
            if (p.question().length() <= maxQuestionChars) {
                return p;
            }
        }
        throw new IllegalStateException(
                "Cannot generate a question of at most "
                        + maxQuestionChars
                        + " characters with "
                        + difficulty
                        + " (fewer operations or smaller numbers needed)");
    }

    private ToyProblem draw(String id) {
        Scenario scenario = pick(ToyTemplates.SCENARIOS);
        Person person = pick(ToyTemplates.PEOPLE);
        Person friend;
        do {
            friend = pick(ToyTemplates.PEOPLE);
        } while (friend.equals(person));
        String object = pick(ToyTemplates.OBJECTS);
        int numOps =
                difficulty.minOps() + random.nextInt(difficulty.maxOps() - difficulty.minOps() + 1);

        List<ToyStep> steps = new ArrayList<>(numOps);
        StringBuilder question = new StringBuilder();
        int value;
        int maxA = Math.min(difficulty.maxOperand(), difficulty.maxValue() / 2);
        if (random.nextDouble() < PRODUCT_START) {
            int a = between(2, maxA);
            int b = between(2, Math.min(difficulty.maxFactor(), difficulty.maxValue() / a));
            ToyStep step = ToyStep.of(a, ToyOp.TIMES, b);
            steps.add(step);
            value = step.result();
            question.append(scenario.productStart().replace("{a}", a + "").replace("{b}", b + ""));
        } else {
            value = between(2, difficulty.maxOperand());
            question.append(scenario.start().replace("{n}", value + ""));
        }
        while (steps.size() < numOps) {
            ToyStep step = nextStep(value);
            steps.add(step);
            value = step.result();
            question.append(' ')
                    .append(pick(scenario.sentences(step.op())).replace("{n}", step.right() + ""));
        }
        question.append(' ').append(scenario.question());
        String text =
                question.toString()
                        .replace("{name}", person.name())
                        .replace("{friend}", friend.name())
                        .replace("{He}", person.subject())
                        .replace("{he}", person.subject().toLowerCase(Locale.ROOT))
                        .replace("{him}", person.object())
                        .replace("{obj}", object);
        List<ToyOp> ops = steps.stream().map(ToyStep::op).toList();
        return new ToyProblem(id, text, steps, value, ops);
    }

    /** A correct step from {@code value}, with an operation chosen among the feasible ones. */
    private ToyStep nextStep(int value) {
        List<ToyStep> options = new ArrayList<>(4);
        int maxPlus = Math.min(difficulty.maxOperand(), difficulty.maxValue() - value);
        if (maxPlus >= 1) {
            options.add(ToyStep.of(value, ToyOp.PLUS, between(1, maxPlus)));
        }
        int maxMinus = Math.min(difficulty.maxOperand(), value - 1);
        if (maxMinus >= 1) {
            options.add(ToyStep.of(value, ToyOp.MINUS, between(1, maxMinus)));
        }
        int maxTimes = Math.min(difficulty.maxFactor(), difficulty.maxValue() / value);
        if (maxTimes >= 2) {
            options.add(ToyStep.of(value, ToyOp.TIMES, between(2, maxTimes)));
        }
        List<Integer> divisors = new ArrayList<>();
        for (int d = 2; d <= Math.min(difficulty.maxFactor(), value); d++) {
            if (value % d == 0) {
                divisors.add(d);
            }
        }
        if (!divisors.isEmpty()) {
            options.add(ToyStep.of(value, ToyOp.DIVIDE, pick(divisors)));
        }
        // value >= 1 and maxValue >= 4 guarantee PLUS (value < maxValue) or MINUS (value >= 2)
        return pick(options);
    }

    private int between(int lo, int hi) {
        return lo + random.nextInt(hi - lo + 1);
    }

    private <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }
}
