package dev.ssb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.spark.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageCommandsTest {

    @TempDir Path out;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        CliRun.Result r = CliRun.execute(args);
        return new Run(r.code(), r.out(), r.err());
    }

    @Test
    void everyStageCommandHasHelpWithTheCommonFlags() {
        for (String command : new String[] {"ingest", "rollout", "curate", "teacher-logits"}) {
            Run help = run(command, "--help");
            assertThat(help.code()).as(command).isZero();
            assertThat(help.out())
                    .as(command)
                    .contains("Usage: ssb " + command)
                    .contains(
                            "--conf",
                            "--problems",
                            "--model",
                            "--out",
                            "--run-id",
                            "--force",
                            "--set");
        }
        assertThat(run("--help").out()).contains("ingest", "rollout", "curate", "teacher-logits");
    }

    @Test
    void badConfigurationFailsWithTheKeyNamed() {
        Run bad = run("ingest", "--set", "rollout.temperature=-1", "--problems", "x.jsonl");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err())
                .contains("ssb ingest: Invalid rollout.temperature: -1 (must be >= 0)");
        Run unknown = run("rollout", "--set", "rollout.sample=2");
        assertThat(unknown.err())
                .contains(
                        "Unknown configuration key: rollout.sample (did you mean rollout.samples?)");
    }

    @Test
    void laterStagesNameTheStageToRunFirst() {
        SharedSpark.session();
        Run curate = run("curate", "--out", out.toString(), "--run-id", "r0");
        assertThat(curate.code()).isEqualTo(1);
        assertThat(curate.err())
                .contains(
                        "ssb curate: Cannot run curate: table problems of run r0 is not complete"
                                + " (run ssb ingest first)");
        Run logits = run("teacher-logits", "--out", out.toString(), "--run-id", "r0");
        assertThat(logits.code()).isEqualTo(1);
        assertThat(logits.err()).contains("(run ssb curate first)");
    }

    @Test
    void ingestRunsThenIsANoOpThenForceRedoes() throws Exception {
        SharedSpark.session();
        Path bad = Path.of(getClass().getResource("/dev/ssb/ingest/bad_gsm8k.jsonl").toURI());
        String[] args = {
            "ingest", "--problems", bad.toString(), "--out", out.toString(), "--run-id", "r1"
        };
        Run first = run(args);
        assertThat(first.code()).as(first.err()).isZero();
        assertThat(first.out()).contains("ingest done: 11 input rows -> 3 problems, 8 rejected");
        assertThat(Files.exists(out.resolve("r1/problems/_ssb_manifest.json"))).isTrue();
        assertThat(run(args).out()).contains("already complete");
        String[] forced = java.util.Arrays.copyOf(args, args.length + 1);
        forced[args.length] = "--force";
        assertThat(run(forced).out()).contains("ingest done");
    }
}
