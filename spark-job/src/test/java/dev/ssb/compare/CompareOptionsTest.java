package dev.ssb.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssb.config.ConfigResolver;
import dev.ssb.config.SsbConfig;
import dev.ssb.config.SsbProperties;
import dev.ssb.distill.DistillSettings;
import dev.ssb.eval.EvalSummary;
import dev.ssb.eval.Interval;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The method registry, --lr, the method runs' settings and the table's formatting. */
class CompareOptionsTest {

    private static final String PROMPT = CompareRun.NO_WRONG_PROMPT_DEFAULT;

    @Test
    void methodsAreKnownByNameInTableOrder() {
        assertThat(CompareRun.methods().keySet())
                .containsExactly("base", "sft", "rft", "ssb", "ssb-nohint-wrong", "grpo");
        assertThatThrownBy(
                        () ->
                                new CompareRun.Options(
                                        List.of("base", "ppo"), Map.of(), PROMPT, false))
                .hasMessageStartingWith("Invalid method: ppo (must be one of base, sft");
        assertThat(
                        new CompareRun.Options(
                                        List.of("ssb", "base", "ssb"), Map.of(), PROMPT, false)
                                .methods())
                .containsExactly("ssb", "base");
    }

    @Test
    void versusNamesOneOfTheMethods() {
        assertThatThrownBy(
                        () ->
                                new CompareRun.Options(
                                        List.of("base", "ssb"),
                                        Map.of(),
                                        PROMPT,
                                        false,
                                        Optional.of("grpo")))
                .hasMessage("Invalid --versus grpo: not one of --methods [base, ssb]");
        assertThat(
                        new CompareRun.Options(
                                        List.of("base", "ssb"),
                                        Map.of(),
                                        PROMPT,
                                        false,
                                        Optional.of("ssb"))
                                .versus())
                .contains("ssb");
    }

    @Test
    void learningRatesArePerTrainedMethod() {
        assertThat(CompareRun.parseLrs("sft=1e-3, rft=5e-4"))
                .containsExactly(Map.entry("sft", 1e-3), Map.entry("rft", 5e-4));
        assertThat(CompareRun.parseLrs(null)).isEmpty();
        assertThatThrownBy(() -> CompareRun.parseLrs("sft"))
                .hasMessage("Invalid --lr sft (must be METHOD=RATE with RATE > 0)");
        assertThatThrownBy(() -> CompareRun.parseLrs("sft=-1"))
                .hasMessage("Invalid --lr sft=-1 (must be METHOD=RATE with RATE > 0)");
        assertThatThrownBy(
                        () ->
                                new CompareRun.Options(
                                        List.of("base", "sft"),
                                        Map.of("base", 1e-3),
                                        PROMPT,
                                        false))
                .hasMessageContaining("base is not a trained method");
        assertThatThrownBy(
                        () ->
                                new CompareRun.Options(
                                        List.of("base", "sft"), Map.of("rft", 1e-3), PROMPT, false))
                .hasMessageContaining("rft is not a trained method of --methods [base, sft]");
    }

    @Test
    void eachMethodTrainsInItsOwnRunPerLearningRateAndCrossEntropyMethodsUseNoKd() {
        SsbConfig run =
                ConfigResolver.resolve(
                        Optional.empty(),
                        Map.of(),
                        Map.of(SsbProperties.OUT, "/tmp/runs", SsbProperties.RUN_ID, "c1"));
        CompareContext sft =
                new CompareContext(
                        dev.ssb.spark.SharedSpark.session(), run, "sft", 5e-4, PROMPT, false);
        assertThat(sft.dataConfig().out()).isEqualTo("/tmp/runs/c1/compare");
        assertThat(sft.dataConfig().runId()).isEqualTo("sft");
        assertThat(sft.trainConfig().runId()).isEqualTo("sft-lr5.0e-4");
        assertThat(sft.trainConfig().doubleValue(SsbProperties.DISTILL_LR)).isEqualTo(5e-4);
        SsbConfig ce = sft.trainConfig();
        for (Map.Entry<String, String> e : Methods.CROSS_ENTROPY.entrySet()) {
            ce = ce.with(e.getKey(), e.getValue());
        }
        DistillSettings settings = DistillSettings.from(ce);
        assertThat(settings.loss().kdWeight()).isZero();
        assertThat(settings.loss().ceWeight()).isEqualTo(1f);
    }

    @Test
    void theTableHasOneLinePerMethodWithPairedDifferences() {
        EvalSummary.ModelSummary base =
                new EvalSummary.ModelSummary(
                        100, 400, 4, i(0.30), i(0.376), 50, 0, i(0.30), Optional.empty());
        Interval baseGreedy = i(0.438);
        EvalSummary.ModelSummary student =
                new EvalSummary.ModelSummary(
                        100, 400, 4, i(0.418), i(0.454), 50, 0, i(0.418), Optional.empty());
        Interval passDiff = new Interval(0.117, 0.093, 0.141, "paired-normal");
        EvalSummary.Difference diff =
                new EvalSummary.Difference(
                        100,
                        passDiff,
                        new Interval(0.078, 0.038, 0.118, "paired-normal"),
                        passDiff,
                        Optional.of(passDiff),
                        Optional.of(passDiff));
        CompareResult result =
                new CompareResult(
                        "c1",
                        List.of(
                                new CompareRow(
                                        "base",
                                        OptionalDouble.empty(),
                                        0,
                                        0,
                                        0,
                                        0,
                                        baseGreedy,
                                        base,
                                        Optional.empty(),
                                        Optional.empty(),
                                        Optional.empty(),
                                        "b"),
                                new CompareRow(
                                        "sft",
                                        OptionalDouble.of(1e-3),
                                        114,
                                        6000,
                                        52000,
                                        321.4,
                                        baseGreedy,
                                        student,
                                        Optional.of(passDiff),
                                        Optional.of(diff),
                                        Optional.of("a"),
                                        "s")),
                        Optional.of(new CompareResult.Versus("sft", Map.of("base", diff))),
                        12.4,
                        800,
                        true,
                        90);
        String md = CompareReport.markdown(result);
        assertThat(md)
                .contains(
                        "| base | – | 0 | 0 | 0 | 0 | 43.8% (43.8–43.8) | 30.0% (30.0–30.0) | 37.6%"
                                + " (37.6–37.6) | – | – | – |")
                .contains(
                        "| sft | 0.001 | 114 | 6000 | 52000 | 321 | 43.8% (43.8–43.8) | 41.8%"
                                + " (41.8–41.8) | 45.4% (45.4–45.4) | +11.7 pp (+9.3, +14.1) | +11.7 pp"
                                + " (+9.3, +14.1) | +7.8 pp (+3.8, +11.8) |")
                .contains("Shared rollouts: 800 samples, 12 CPU-s")
                .contains("Base identical in every method's evaluation: yes")
                .contains(
                        "Paired by problem against sft (method − sft):\n\n| method | Δ greedy |"
                                + " Δ pass@1 | Δ maj@4 |\n|---|---|---|---|\n| base | +11.7 pp"
                                + " (+9.3, +14.1) | +11.7 pp (+9.3, +14.1) | +7.8 pp (+3.8, +11.8) |");
        String json = new String(CompareReport.json(result));
        assertThat(json)
                .contains("\"versus\" : {\n    \"method\" : \"sft\"")
                .contains("\"sampled_tokens\" : 52000")
                .contains("\"pass_at_1_minus_base\"")
                .contains("\"lr\" : 0.001");
    }

    private static Interval i(double x) {
        return new Interval(x, x, x, "wilson");
    }
}
