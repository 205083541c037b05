package dev.ssb.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssb.stage.Decoding;
import dev.ssb.stage.ModelTask;
import dev.ssb.stage.SampleSettings;
import dev.ssb.worker.api.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EvalSummaryTest {

    private static final double Z = 1.9599639845400536;

    private static EvalInfo info(int n) {
        SampleSettings settings =
                new SampleSettings(
                        new ModelTask(
                                "fake:tutor",
                                false,
                                Device.DType.FLOAT32,
                                5L,
                                "You are a tutor.",
                                "r1",
                                "hash"),
                        n,
                        new Decoding(0.8f, 50, 1f, 64),
                        16);
        return new EvalInfo(
                "r1",
                "hash",
                "fake:tutor",
                Optional.of("file:/runs/r1/adapter"),
                Optional.of("ab".repeat(32)),
                "file:/runs/r1/eval_problems",
                settings);
    }

    /** n = 4: per problem (correct, majority correct) for base and student. */
    private static List<ProblemScore> fourSampleScores() {
        int[] baseCorrect = {1, 2, 4, 0};
        boolean[] baseMaj = {false, true, true, false};
        int[] studentCorrect = {2, 2, 4, 3};
        List<ProblemScore> scores = new ArrayList<>();
        for (int p = 0; p < 4; p++) {
            scores.add(
                    new ProblemScore(
                            ModelTag.BASE,
                            "p" + p,
                            4,
                            baseCorrect[p],
                            baseMaj[p],
                            100,
                            p == 3 ? 2 : 0));
            scores.add(
                    new ProblemScore(ModelTag.STUDENT, "p" + p, 4, studentCorrect[p], true, 60, 0));
        }
        return scores;
    }

    @Test
    void passAtOneAveragesProblemsWithANormalIntervalWhenNIsAboveOne() {
        EvalSummary summary = EvalSummary.of(info(4), fourSampleScores());
        EvalSummary.ModelSummary base = summary.models().get(ModelTag.BASE);
        assertThat(base.problems()).isEqualTo(4);
        assertThat(base.samples()).isEqualTo(16);
        double mean = (0.25 + 0.5 + 1 + 0) / 4;
        double sd =
                Math.sqrt(
                        (Math.pow(0.25 - mean, 2)
                                        + Math.pow(0.5 - mean, 2)
                                        + Math.pow(1 - mean, 2)
                                        + Math.pow(0 - mean, 2))
                                / 3);
        assertThat(base.passAt1().estimate()).isEqualTo(mean);
        assertThat(base.passAt1().method()).isEqualTo("normal");
        assertThat(base.passAt1().lower()).isCloseTo(Math.max(0, mean - Z * sd / 2), within(1e-9));
        assertThat(base.passAt1().upper()).isCloseTo(mean + Z * sd / 2, within(1e-9));
        assertThat(base.majority().estimate()).isEqualTo(0.5);
        assertThat(base.majority().method()).isEqualTo("wilson");
        assertThat(base.meanTokens()).isEqualTo(100.0 * 4 / 16);
        assertThat(base.truncationRate()).isEqualTo(2.0 / 16);

        EvalSummary.Difference d = summary.difference().orElseThrow();
        assertThat(d.problems()).isEqualTo(4);
        assertThat(d.passAt1().estimate()).isCloseTo((0.25 + 0 + 0 + 0.75) / 4, within(1e-12));
        assertThat(d.majority().estimate()).isEqualTo(0.5);
        assertThat(d.passAt1().method()).isEqualTo("paired-normal");
    }

    @Test
    void oneSamplePerProblemUsesTheWilsonInterval() {
        List<ProblemScore> scores = new ArrayList<>();
        for (int p = 0; p < 30; p++) {
            scores.add(new ProblemScore(ModelTag.BASE, "p" + p, 1, p < 4 ? 1 : 0, p < 4, 10, 0));
        }
        EvalSummary summary = EvalSummary.of(info(1), scores);
        Interval pass = summary.models().get(ModelTag.BASE).passAt1();
        assertThat(pass.method()).isEqualTo("wilson");
        assertThat(pass.lower()).isCloseTo(0.05309655484054746, within(1e-9));
        assertThat(pass.upper()).isCloseTo(0.2968132668203629, within(1e-9));
        assertThat(summary.difference()).isEmpty();
    }

    /** Greedy rows (one per problem) and strict counts beside the sampled ones. */
    @Test
    void greedyAndStrictAreSummarisedAndPairedApart() {
        List<ProblemScore> scores = new ArrayList<>(fourSampleScores());
        boolean[] baseGreedy = {true, false, true, false};
        boolean[] studentGreedy = {true, true, true, false};
        for (int p = 0; p < 4; p++) {
            int b = baseGreedy[p] ? 1 : 0;
            int s = studentGreedy[p] ? 1 : 0;
            scores.add(
                    new ProblemScore(ModelTag.BASE, true, "p" + p, 1, b, 0, baseGreedy[p], 30, 0));
            scores.add(
                    new ProblemScore(
                            ModelTag.STUDENT, true, "p" + p, 1, s, s, studentGreedy[p], 20, 1));
        }
        EvalSummary summary = EvalSummary.of(info(4), scores);
        EvalSummary.Greedy base = summary.models().get(ModelTag.BASE).greedy().orElseThrow();
        EvalSummary.Greedy student = summary.models().get(ModelTag.STUDENT).greedy().orElseThrow();
        assertThat(base.passAt1().estimate()).isEqualTo(0.5);
        assertThat(base.passAt1().method()).isEqualTo("wilson");
        assertThat(base.strictPassAt1().estimate()).isZero(); // right, but never strictly
        assertThat(student.passAt1().estimate()).isEqualTo(0.75);
        assertThat(student.strictPassAt1().estimate()).isEqualTo(0.75);
        assertThat(base.meanTokens()).isEqualTo(30.0);
        assertThat(student.truncationRate()).isEqualTo(1.0);
        // the sampled numbers are those of the sampled scores alone
        assertThat(summary.models().get(ModelTag.BASE).passAt1().estimate())
                .isEqualTo((0.25 + 0.5 + 1 + 0) / 4);
        assertThat(summary.models().get(ModelTag.BASE).strictPassAt1().estimate())
                .isEqualTo((0.25 + 0.5 + 1 + 0) / 4);
        EvalSummary.Difference d = summary.difference().orElseThrow();
        assertThat(d.greedyPassAt1().orElseThrow().estimate()).isEqualTo(0.25);
        assertThat(d.greedyStrictPassAt1().orElseThrow().estimate()).isEqualTo(0.75);
        String md = SummaryFormat.markdown(summary);
        assertThat(md)
                .contains("| model | problems | greedy pass@1 (95% CI) | sampled pass@1, n = 4")
                .contains("| base | 4 | 50.0% (")
                .contains("| student − base | 4 | +25.0 pp (");
        assertThatThrownBy(
                        () ->
                                EvalSummary.of(
                                        info(4),
                                        List.of(
                                                new ProblemScore(
                                                        ModelTag.BASE, "p0", 4, 1, true, 1, 0),
                                                new ProblemScore(
                                                        ModelTag.BASE,
                                                        true,
                                                        "p1",
                                                        1,
                                                        1,
                                                        1,
                                                        true,
                                                        1,
                                                        0))))
                .hasMessage(
                        "Invalid scores of BASE: 1 problems sampled, 1 greedy, not the same ones");
    }

    @Test
    void rejectsScoresThatDoNotPair() {
        List<ProblemScore> scores =
                List.of(
                        new ProblemScore(ModelTag.BASE, "p0", 1, 1, true, 1, 0),
                        new ProblemScore(ModelTag.STUDENT, "p1", 1, 1, true, 1, 0));
        assertThatThrownBy(() -> EvalSummary.of(info(1), scores))
                .hasMessageContaining("not the same ones");
        List<ProblemScore> mixed =
                List.of(
                        new ProblemScore(ModelTag.BASE, "p0", 1, 1, true, 1, 0),
                        new ProblemScore(ModelTag.BASE, "p1", 2, 1, true, 1, 0));
        assertThatThrownBy(() -> EvalSummary.of(info(1), mixed))
                .hasMessageContaining("has 2 samples, others 1");
        assertThatThrownBy(() -> new ProblemScore(ModelTag.BASE, "p0", 2, 3, true, 1, 0))
                .hasMessage("Invalid correct: 3 (must be in [0, 2])");
    }

    @Test
    void jsonAndMarkdownCarryTheNumbers() throws Exception {
        EvalSummary summary = EvalSummary.of(info(4), fourSampleScores());
        JsonNode json = new ObjectMapper().readTree(SummaryFormat.json(summary));
        assertThat(json.at("/models/base/pass_at_1/estimate").asDouble()).isEqualTo(0.4375);
        assertThat(json.at("/models/base/pass_at_1/lower").asDouble())
                .isEqualTo(summary.models().get(ModelTag.BASE).passAt1().lower());
        assertThat(json.at("/models/student/maj_at_k/estimate").asDouble()).isEqualTo(1.0);
        assertThat(json.at("/models/student/k").asInt()).isEqualTo(4);
        assertThat(json.at("/student_minus_base/pass_at_1/estimate").asDouble()).isEqualTo(0.25);
        assertThat(json.at("/sampling/temperature").asDouble()).isCloseTo(0.8, within(1e-6));
        assertThat(json.at("/adapter_hash").asText()).isEqualTo("ab".repeat(32));

        String md = SummaryFormat.markdown(summary);
        assertThat(md)
                .contains("| model | problems | sampled pass@1, n = 4 (95% CI) | maj@4 (95% CI) |")
                .doesNotContain("greedy pass@1 (95% CI)") // these scores have no greedy pass
                .contains("| base | 4 | 43.8% (")
                .contains("| student | 4 | 68.8% (")
                .contains("| student − base | 4 | +25.0 pp (")
                .contains("normal over problems")
                .contains("paired normal");
    }
}
