package dev.ssb.compare;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssb.cli.CliRun;
import dev.ssb.spark.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ssb compare} on the embedded model, end to end: the {@code ssb-nohint-wrong} method (its
 * own curate and teacher-logits on the shared rollouts, with the default (auto) sampling keys,
 * which its curate once read unresolved and failed on) and {@code --versus}; and a comparison whose
 * methods read no rollouts (base trains nothing, GRPO samples its own), which makes none.
 */
class CompareCommandTest {

    @TempDir Path dir;

    @Test
    void theTeacherShownNoWrongAttemptTrainsAStudentOnTheSharedRollouts() throws Exception {
        SharedSpark.session(); // the command runs on the shared local session
        String out =
                CliRun.ok(
                        "compare",
                        "--train",
                        "16",
                        "--test",
                        "4",
                        "--eval-split",
                        "dev",
                        "--methods",
                        "base,ssb-nohint-wrong",
                        "--versus",
                        "ssb-nohint-wrong",
                        "--out",
                        dir.toString(),
                        "--run-id",
                        "c",
                        "--set",
                        "eval.samples=1",
                        "--set",
                        "distill.epochs=1",
                        "--set",
                        "distill.warmup_steps=0");

        Path method = dir.resolve("c/compare/ssb-nohint-wrong");
        JsonNode curate =
                new ObjectMapper()
                        .readTree(
                                Files.readString(
                                        method.resolve("teacher_contexts/_ssb_manifest.json")));
        // the embedded model plays this teacher (99% on dev), so problems with mixed outcomes
        // among 16 are accepted
        assertThat(curate.get("counts").get("accepted").asLong()).isPositive();
        assertThat(curate.get("config").get("teacher.show_wrong_attempt").asText())
                .isEqualTo("false");
        assertThat(method.resolve("teacher_logits/_ssb_manifest.json")).exists();
        JsonNode summary =
                new ObjectMapper()
                        .readTree(Files.readString(dir.resolve("c/compare/summary-dev.json")));
        assertThat(summary.toString()).contains("ssb-nohint-wrong");
        // --versus: base − method, paired by problem, is the table's method − base negated
        JsonNode versus = summary.at("/versus/differences/base");
        JsonNode fromBase = summary.at("/methods/ssb-nohint-wrong");
        assertThat(summary.at("/versus/method").asText()).isEqualTo("ssb-nohint-wrong");
        assertThat(versus.at("/pass_at_1/estimate").asDouble())
                .isEqualTo(
                        -fromBase.at("/pass_at_1_minus_base/estimate").asDouble(),
                        org.assertj.core.data.Offset.offset(1e-12));
        assertThat(versus.at("/greedy_pass_at_1/estimate").asDouble())
                .isEqualTo(
                        -fromBase.at("/greedy_minus_base/estimate").asDouble(),
                        org.assertj.core.data.Offset.offset(1e-12));
        assertThat(versus.at("/pass_at_1/lower").asDouble())
                .isEqualTo(
                        -fromBase.at("/pass_at_1_minus_base/upper").asDouble(),
                        org.assertj.core.data.Offset.offset(1e-12));
        assertThat(out).contains("Paired by problem against ssb-nohint-wrong").contains("| base |");
    }

    @Test
    void aComparisonThatNoMethodReadsRolloutsForMakesNone() throws Exception {
        SharedSpark.session(); // the command runs on the shared local session
        String out =
                CliRun.ok(
                        "compare",
                        "--train",
                        "4",
                        "--test",
                        "3",
                        "--eval-split",
                        "dev",
                        "--methods",
                        "base",
                        "--out",
                        dir.toString(),
                        "--run-id",
                        "c",
                        "--set",
                        "eval.samples=1");

        assertThat(dir.resolve("c/problems/_ssb_manifest.json")).exists();
        assertThat(dir.resolve("c/rollouts")).doesNotExist();
        assertThat(out)
                .contains("Shared rollouts: none (no method asked reads them).")
                .doesNotContain("compare rollout:");
        JsonNode summary =
                new ObjectMapper()
                        .readTree(Files.readString(dir.resolve("c/compare/summary-dev.json")));
        assertThat(summary.at("/rollouts").asLong()).isZero();
        assertThat(summary.at("/methods/base/problems").asLong()).isEqualTo(3);
    }
}
