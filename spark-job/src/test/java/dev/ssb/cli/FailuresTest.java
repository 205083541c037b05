package dev.ssb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class FailuresTest {

    @Test
    void describesTheCauseChainOneLineEach() {
        var failure =
                new IllegalStateException(
                        "Cannot run distill: step 3 failed",
                        new UncheckedIOException(
                                "Cannot write checkpoint runs/r1/step-3",
                                new IOException("Permission denied")));

        assertThat(Failures.describe("distill", failure))
                .isEqualTo(
                        String.join(
                                System.lineSeparator(),
                                "ssb distill: Cannot run distill: step 3 failed",
                                "  caused by: Cannot write checkpoint runs/r1/step-3",
                                "  caused by: Permission denied"));
    }

    @Test
    void namesErrorsAndMessagelessThrowablesAndSkipsRepeatedMessages() {
        // new Error(cause) takes cause.toString() as its message: the cause adds nothing
        var full = new Error(new IOException("No space left on device"));
        assertThat(Failures.describe("rollout", full))
                .isEqualTo("ssb rollout: Error: java.io.IOException: No space left on device");

        assertThat(Failures.describe("evaluate", new OutOfMemoryError("Java heap space")))
                .isEqualTo("ssb evaluate: OutOfMemoryError: Java heap space");
        assertThat(Failures.describe("curate", new NullPointerException()))
                .isEqualTo("ssb curate: NullPointerException");
    }

    @Test
    void keepsTheFirstLineOfAMultiLineMessage() {
        // how Spark reports a failed task: the executor's trace inside the message
        var job =
                new RuntimeException(
                        "Job aborted due to stage failure: Lost task 0.0: java.lang.Error: boom\n"
                                + "\tat dev.ssb.X.run(X.java:1)\n\nDriver stacktrace:",
                        new Error("boom"));

        assertThat(Failures.describe("rollout", job))
                .isEqualTo(
                        "ssb rollout: Job aborted due to stage failure: Lost task 0.0:"
                                + " java.lang.Error: boom");
    }

    @Test
    void survivesACyclicCauseChain() {
        var a = new IllegalStateException("a");
        var b = new IllegalStateException("b", a);
        a.initCause(b);

        assertThat(Failures.describe("x", a))
                .isEqualTo("ssb x: a" + System.lineSeparator() + "  caused by: b");
    }

    @Command(name = "boom")
    static final class Boom implements Runnable {
        @Override
        public void run() {
            throw new StackOverflowError("deep recursion in a stage");
        }
    }

    @Test
    void anErrorInACommandExitsWithOneAndItsMessage() {
        StringWriter err = new StringWriter();
        CommandLine cli = SsbCommand.commandLine().addSubcommand(new Boom());
        cli.setErr(new PrintWriter(err));

        assertThat(cli.execute("boom")).isEqualTo(1);
        assertThat(err.toString())
                .startsWith("ssb boom: StackOverflowError: deep recursion in a stage")
                .contains("--verbose prints the stack trace")
                .doesNotContain("\tat ");
    }

    @Test
    void verboseOnTheRootOrTheSubcommandAddsTheStackTrace() {
        for (String[] args : new String[][] {{"--verbose", "boom"}, {"boom", "--verbose"}}) {
            StringWriter err = new StringWriter();
            CommandLine cli = SsbCommand.commandLine().addSubcommand(new Boom());
            cli.setErr(new PrintWriter(err));

            assertThat(cli.execute(args)).isEqualTo(1);
            assertThat(err.toString())
                    .startsWith("ssb boom: StackOverflowError: deep recursion in a stage")
                    .contains("java.lang.StackOverflowError: deep recursion in a stage")
                    .contains("\tat dev.ssb.cli.FailuresTest$Boom.run");
        }
    }

    @Command(name = "bad-input")
    static final class BadInput implements Runnable {
        @Override
        public void run() {
            throw new IllegalArgumentException(
                    "Invalid rollout.temperature: -1 (must be >= 0)",
                    new NumberFormatException("not a number"));
        }
    }

    @Test
    void anExceptionGetsTheShortReportWithoutTheHint() {
        StringWriter err = new StringWriter();
        CommandLine cli = SsbCommand.commandLine().addSubcommand(new BadInput());
        cli.setErr(new PrintWriter(err));

        assertThat(cli.execute("bad-input")).isEqualTo(1);
        assertThat(err.toString())
                .isEqualTo(
                        "ssb bad-input: Invalid rollout.temperature: -1 (must be >= 0)"
                                + System.lineSeparator()
                                + "  caused by: not a number"
                                + System.lineSeparator());
    }
}
