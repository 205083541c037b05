package dev.ssb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DryRunTest {

    @TempDir Path dir;

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        CliRun.Result r = CliRun.execute(args);
        return new Result(r.code(), r.out(), r.err());
    }

    private String[] common(String stage, String... more) {
        String[] base = {
            stage, "--dry-run", "--out", dir.resolve("runs").toString(), "--run-id", "d1"
        };
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void everyStageOfAnUnstartedPipelinePlansWithoutSparkOrOutput() throws Exception {
        boolean sparkBefore = SparkSession.getDefaultSession().isDefined();
        Path problems = Files.writeString(dir.resolve("p.jsonl"), "{}\n");
        Path heldOut = Files.writeString(dir.resolve("h.jsonl"), "{}\n");
        Result ingest = run(common("ingest", "--problems", problems.toString()));
        assertThat(ingest.code()).as(ingest.err()).isZero();
        assertThat(ingest.out())
                .startsWith("ssb ingest --dry-run: run d1 in " + dir.resolve("runs/d1"))
                .contains("reads   data.problems")
                .contains(problems + "  exists")
                .containsPattern(
                        "writes +table problems +" + dir.resolve("runs/d1/problems") + "  new")
                .contains("table rejected")
                .contains("nothing was run");
        for (String[] stage :
                new String[][] {
                    {"rollout", "problems", "ingest"},
                    {"curate", "rollouts", "rollout"},
                    {"teacher-logits", "teacher_contexts", "curate"},
                    {"distill", "teacher_logits", "teacher-logits"}
                }) {
            Result r = run(common(stage[0]));
            assertThat(r.code()).as(stage[0] + ": " + r.err()).isZero();
            assertThat(r.out())
                    .as(stage[0])
                    .containsPattern(
                            "reads +table "
                                    + stage[1]
                                    + " .*not yet written \\(ssb "
                                    + stage[2]
                                    + " must run first\\)")
                    .contains("model   embedded:toy");
        }
        Result distill = run(common("distill", "--resume"));
        assertThat(distill.out()).contains("table train_metrics", "table adapter", "--resume:");
        Result evaluate = run(common("evaluate", "--problems", heldOut.toString()));
        assertThat(evaluate.code()).as(evaluate.err()).isZero();
        assertThat(evaluate.out())
                .contains("reads   eval.problems")
                .contains("table eval_problems")
                .contains("table eval/samples")
                .contains("adapter: auto")
                .contains("not yet written by ssb distill");
        assertThat(dir.resolve("runs")).doesNotExist();
        if (!sparkBefore) {
            assertThat(SparkSession.getDefaultSession().isDefined()).isFalse();
        }
    }

    @Test
    void inputsThatMustExistBeforeTheRunAreChecked() throws Exception {
        Result noProblems = run(common("ingest"));
        assertThat(noProblems.code()).isEqualTo(1);
        assertThat(noProblems.err())
                .contains("ssb ingest: Cannot plan ingest: data.problems is not set");
        String missing = dir.resolve("nope.jsonl").toString();
        Result missingProblems = run(common("ingest", "--problems", missing));
        assertThat(missingProblems.err())
                .contains("Cannot plan ingest: data.problems " + missing + " does not exist");
        Result missingModel = run(common("rollout", "--model", dir.resolve("ckpt").toString()));
        assertThat(missingModel.code()).isEqualTo(1);
        assertThat(missingModel.err())
                .contains(
                        "Cannot plan rollout: model.checkpoint "
                                + dir.resolve("ckpt")
                                + ": not found on the local disk");
        // checked as the executors stage it: a file:// URI of a file is not a checkpoint (it
        // used to pass as "exists" and fail on the first executor), nor a folder without config
        Path flat = Files.writeString(dir.resolve("flat.bin"), "x");
        Result flatModel = run(common("rollout", "--model", flat.toUri().toString()));
        assertThat(flatModel.code()).isEqualTo(1);
        assertThat(flatModel.err())
                .contains(
                        "Cannot plan rollout: model.checkpoint "
                                + flat.toUri()
                                + ": not a directory");
        Path empty = Files.createDirectories(dir.resolve("empty-ckpt"));
        Result emptyModel = run(common("rollout", "--model", empty.toUri().toString()));
        assertThat(emptyModel.err())
                .contains(
                        "Cannot plan rollout: model.checkpoint "
                                + empty.toUri()
                                + ": no config.json");
        Result emptyLocal = run(common("rollout", "--model", empty.toString()));
        assertThat(emptyLocal.err())
                .contains("Cannot plan rollout: model.checkpoint " + empty + ": no config.json");
        Result noHeldOut = run(common("evaluate"));
        assertThat(noHeldOut.err())
                .contains("Cannot plan evaluate: table eval_problems of run d1 is not complete");
        Result missingHeldOut = run(common("evaluate", "--problems", missing, "--adapter", "none"));
        assertThat(missingHeldOut.err()).contains("eval.problems " + missing + " does not exist");
        Path heldOut = Files.writeString(dir.resolve("h.jsonl"), "{}\n");
        Path student = dir.resolve("student");
        Result missingAdapter =
                run(
                        common(
                                "evaluate",
                                "--problems",
                                heldOut.toString(),
                                "--adapter",
                                student.toString()));
        assertThat(missingAdapter.code()).isEqualTo(1);
        assertThat(missingAdapter.err())
                .contains("Cannot plan evaluate: eval.adapter " + student + " does not exist");
        Result badConfig = run(common("curate", "--set", "teacher.temperature=-1"));
        assertThat(badConfig.code()).isEqualTo(1);
        assertThat(badConfig.err()).contains("Invalid teacher.temperature: -1");
        Result badPrompt = run(common("curate", "--set", "prompts.teacher=" + missing));
        assertThat(badPrompt.err()).contains("Cannot read prompt " + missing);
    }

    @Test
    void aStartedRunShowsWhatIsCompleteAndWhatWouldBeANoOp() throws Exception {
        Path run = RunFixture.shared();
        String[] where = {
            "--dry-run",
            "--out",
            run.getParent().toString(),
            "--run-id",
            run.getFileName().toString()
        };
        Result rollout = run(concat("rollout", where));
        assertThat(rollout.code()).as(rollout.err()).isZero();
        assertThat(rollout.out())
                .containsPattern(
                        "reads +table problems .* complete \\{.*problems=" + RunFixture.PROBLEMS)
                .containsPattern("writes +table rollouts .* committed .*: a no-op unless");
        Result evaluate = run(concat("evaluate", where));
        assertThat(evaluate.code()).as(evaluate.err()).isZero();
        assertThat(evaluate.out())
                .containsPattern("reads +table eval_problems .* complete")
                .contains("(present: base and student)");
    }

    private static String[] concat(String first, String[] rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }
}
