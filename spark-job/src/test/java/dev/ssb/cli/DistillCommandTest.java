package dev.ssb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.spark.SharedSpark;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DistillCommandTest {

    @TempDir Path out;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        CliRun.Result r = CliRun.execute(args);
        return new Run(r.code(), r.out(), r.err());
    }

    @Test
    void distillIsACommandWithTheCommonFlagsAndResume() {
        Run help = run("distill", "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out())
                .contains("Usage: ssb distill")
                .contains("--conf", "--model", "--out", "--run-id", "--force", "--set", "--resume");
        assertThat(run("--help").out()).contains("distill");
    }

    @Test
    void distillNamesTheStageToRunFirst() {
        SharedSpark.session(); // the command reuses the test JVM's session
        Run r = run("distill", "--out", out.toString(), "--run-id", "r1");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err())
                .contains(
                        "ssb distill: Cannot run distill: table teacher_logits of run r1 is not"
                                + " complete (run ssb teacher-logits first)");
    }

    @Test
    void badDistillSettingsAreRejectedWithTheKeyNamed() {
        Run r = run("distill", "--out", out.toString(), "--set", "distill.schedule=step");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err())
                .contains("Invalid distill.schedule: step (must be one of constant|linear|cosine)");
    }
}
