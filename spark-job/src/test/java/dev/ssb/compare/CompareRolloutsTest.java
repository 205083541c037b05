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
 * {@code ssb compare} makes the shared rollouts only when a method reads them: base trains nothing
 * and GRPO samples its own replies, so a comparison of those alone does not pay for rollouts.
 */
class CompareRolloutsTest {

    @TempDir Path dir;

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
