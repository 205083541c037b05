package dev.ssb.worker.toy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ToyProblemGeneratorTest {

    private static final Pattern NUMBER = Pattern.compile("\\d+");

    private static List<ToyProblem> generate(long seed, ToyDifficulty difficulty, int n) {
        ToyProblemGenerator g = new ToyProblemGenerator(seed, difficulty);
        List<ToyProblem> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(g.next("p" + i));
        }
        return out;
    }

    /** Independent re-evaluation: plain long arithmetic, not ToyOp. */
    private static long evaluate(long start, List<ToyOp> ops, List<Integer> operands) {
        long v = start;
        for (int i = 0; i < ops.size(); i++) {
            long b = operands.get(i);
            switch (ops.get(i)) {
                case PLUS -> v = v + b;
                case MINUS -> v = v - b;
                case TIMES -> v = v * b;
                case DIVIDE -> {
                    assertThat(v % b).as("exact division").isZero();
                    v = v / b;
                }
            }
            assertThat(v).as("intermediate result").isGreaterThanOrEqualTo(1);
        }
        return v;
    }

    @Test
    void sameSeedGivesSameProblemsAndOtherSeedsDiffer() {
        List<ToyProblem> a = generate(42, ToyDifficulty.standard(), 200);
        assertThat(generate(42, ToyDifficulty.standard(), 200)).isEqualTo(a);
        List<String> other =
                generate(43, ToyDifficulty.standard(), 200).stream()
                        .map(ToyProblem::question)
                        .toList();
        assertThat(a.stream().map(ToyProblem::question).filter(other::contains).count())
                .isLessThan(5);
    }

    @Test
    void answersRecomputeFromTheProblemsOwnStructure() {
        for (ToyProblem p : generate(1, ToyDifficulty.standard(), 5000)) {
            assertThat(evaluate(p.start(), p.ops(), p.operands()))
                    .as(p.question())
                    .isEqualTo(p.answer());
        }
    }

    @Test
    void questionStatesEveryNumberOfTheChainInOrder() {
        for (ToyProblem p : generate(2, ToyDifficulty.standard(), 3000)) {
            List<Integer> numbers = new ArrayList<>();
            Matcher m = NUMBER.matcher(p.question());
            while (m.find()) {
                numbers.add(Integer.parseInt(m.group()));
            }
            // divisions read "keeps 1 of n equal parts": a literal 1 precedes the divisor
            List<Integer> expected = new ArrayList<>();
            expected.add(p.start());
            for (ToyStep step : p.steps()) {
                if (step.op() == ToyOp.DIVIDE) {
                    expected.add(1);
                }
                expected.add(step.right());
            }
            assertThat(numbers).as(p.question()).isEqualTo(expected);
        }
    }

    @Test
    void knobsAreRespected() {
        List<ToyDifficulty> settings =
                List.of(
                        ToyDifficulty.standard(),
                        new ToyDifficulty(2, 2, 9, 3, 50),
                        new ToyDifficulty(4, 4, 30, 9, 900),
                        new ToyDifficulty(1, 3, 5, 2, 10));
        for (ToyDifficulty d : settings) {
            Set<Integer> opCounts = new HashSet<>();
            for (ToyProblem p : generate(3, d, 2000)) {
                opCounts.add(p.steps().size());
                assertThat(p.steps().size()).isBetween(d.minOps(), d.maxOps());
                assertThat(p.maxValue()).as(p.question()).isLessThanOrEqualTo(d.maxValue());
                assertThat(p.question().length())
                        .isLessThanOrEqualTo(ToyProblemGenerator.MAX_QUESTION_CHARS);
                for (int i = 0; i < p.steps().size(); i++) {
                    ToyStep s = p.steps().get(i);
                    boolean factor = s.op() == ToyOp.TIMES || s.op() == ToyOp.DIVIDE;
                    if (factor) {
                        assertThat(s.right()).as(p.question()).isBetween(2, d.maxFactor());
                    } else {
                        assertThat(s.right()).as(p.question()).isBetween(1, d.maxOperand());
                    }
                    assertThat(s.result()).isGreaterThanOrEqualTo(1);
                }
                if (p.ops().get(0) != ToyOp.TIMES) {
                    assertThat(p.start()).isBetween(2, d.maxOperand());
                }
            }
            assertThat(opCounts)
                    .as("every count in %s occurs", d)
                    .hasSize(d.maxOps() - d.minOps() + 1);
        }
    }

    @Test
    void materialIsVaried() {
        List<ToyProblem> problems = generate(4, ToyDifficulty.standard(), 5000);
        assertThat(ToyTemplates.SCENARIOS).hasSizeGreaterThanOrEqualTo(8);
        assertThat(ToyTemplates.PEOPLE).hasSizeGreaterThanOrEqualTo(20);
        assertThat(ToyTemplates.OBJECTS).hasSizeGreaterThanOrEqualTo(15);
        for (ToyTemplates.Scenario s : ToyTemplates.SCENARIOS) {
            Pattern opening =
                    Pattern.compile(openingRegex(s.start()) + "|" + openingRegex(s.productStart()));
            assertThat(
                            problems.stream()
                                    .filter(p -> opening.matcher(p.question()).lookingAt())
                                    .count())
                    .as(s.start())
                    .isGreaterThan(200);
        }
        for (ToyTemplates.Person person : ToyTemplates.PEOPLE) {
            assertThat(problems.stream().anyMatch(p -> p.question().contains(person.name() + " ")))
                    .as(person.name())
                    .isTrue();
        }
        for (String object : ToyTemplates.OBJECTS) {
            assertThat(problems.stream().anyMatch(p -> p.question().contains(" " + object)))
                    .as(object)
                    .isTrue();
        }
        for (ToyOp op : ToyOp.values()) {
            assertThat(problems.stream().filter(p -> p.ops().contains(op)).count())
                    .as(op.name())
                    .isGreaterThan(500);
        }
        assertThat(problems.stream().map(ToyProblem::question).distinct().count())
                .isGreaterThan(4900);
        assertThat(problems).allSatisfy(p -> assertThat(p.question()).doesNotContain("{", "}"));
    }

    /** The first sentence of a scenario as a regex: names and objects are words, numbers digits. */
    private static String openingRegex(String template) {
        String regex = Pattern.quote(template);
        for (String word : List.of("{name}", "{obj}")) {
            regex = regex.replace(word, "\\E[A-Za-z]+\\Q");
        }
        for (String number : List.of("{n}", "{a}", "{b}")) {
            regex = regex.replace(number, "\\E\\d+\\Q");
        }
        return "(?:" + regex + ")";
    }

    @Test
    void rejectsInvalidDifficulty() {
        assertThatThrownBy(() -> new ToyDifficulty(3, 2, 20, 5, 200))
                .hasMessageContaining("Invalid operation range: 3..2");
        assertThatThrownBy(() -> new ToyDifficulty(2, 5, 20, 5, 200))
                .hasMessageContaining("Invalid operation range");
        assertThatThrownBy(() -> new ToyDifficulty(2, 4, 1, 2, 200))
                .hasMessageContaining("Invalid max operand: 1");
        assertThatThrownBy(() -> new ToyDifficulty(2, 4, 20, 21, 200))
                .hasMessageContaining("Invalid max factor: 21");
        assertThatThrownBy(() -> new ToyDifficulty(2, 4, 20, 5, 39))
                .hasMessageContaining("Invalid max value: 39");
    }

    @Test
    void overlongQuestionsFailClearlyInsteadOfLooping() {
        // no four-operation question fits in 60 characters
        ToyProblemGenerator g =
                new ToyProblemGenerator(1, ToyDifficulty.standard().withOps(4, 4), 60);
        assertThatThrownBy(() -> g.next("x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Cannot generate a question of at most 60 characters");
    }

    @Test
    void problemRejectsAnInconsistentStructure() {
        ToyStep a = ToyStep.of(5, ToyOp.TIMES, 3);
        ToyStep b = ToyStep.of(15, ToyOp.MINUS, 4);
        new ToyProblem("ok", "q", List.of(a, b), 11, List.of(ToyOp.TIMES, ToyOp.MINUS));
        assertThatThrownBy(
                        () ->
                                new ToyProblem(
                                        "x",
                                        "q",
                                        List.of(a, b),
                                        12,
                                        List.of(ToyOp.TIMES, ToyOp.MINUS)))
                .hasMessageContaining("answer 12 is not the last result 11");
        assertThatThrownBy(
                        () ->
                                new ToyProblem(
                                        "x",
                                        "q",
                                        List.of(a, ToyStep.of(14, ToyOp.MINUS, 4)),
                                        10,
                                        List.of(ToyOp.TIMES, ToyOp.MINUS)))
                .hasMessageContaining("does not start from 15");
        assertThatThrownBy(
                        () ->
                                new ToyProblem(
                                        "x",
                                        "q",
                                        List.of(new ToyStep(5, ToyOp.TIMES, 3, 16)),
                                        16,
                                        List.of(ToyOp.TIMES)))
                .hasMessageContaining("step 0 is wrong");
        assertThatThrownBy(
                        () ->
                                new ToyProblem(
                                        "x",
                                        "q",
                                        List.of(a, b),
                                        11,
                                        List.of(ToyOp.TIMES, ToyOp.PLUS)))
                .hasMessageContaining("do not match");
    }

    @Test
    void operationsAreExactAndNonNegative() {
        assertThat(ToyOp.DIVIDE.apply(12, 5)).isEmpty();
        assertThat(ToyOp.DIVIDE.apply(12, 0)).isEmpty();
        assertThat(ToyOp.DIVIDE.apply(12, 4)).hasValue(3);
        assertThat(ToyOp.MINUS.apply(3, 4)).isEmpty();
        assertThat(ToyOp.MINUS.apply(4, 4)).hasValue(0);
        assertThat(ToyOp.TIMES.apply(1 << 20, 1 << 12)).isEmpty();
        for (ToyOp op : ToyOp.values()) {
            assertThat(op.inverse().inverse()).isEqualTo(op);
            assertThat(ToyOp.ofSymbol(op.symbol())).isEqualTo(op);
        }
    }
}
