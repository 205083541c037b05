package dev.ssb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs an {@code ssb} command line in this JVM, with its output captured, for the tests. */
public final class CliRun {

    /** What a command printed and returned. */
    public record Result(int code, String out, String err) {}

    private CliRun() {}

    /** Runs {@code ssb args…}. */
    public static Result execute(String... args) {
        CommandLine cli = SsbCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** Runs {@code ssb args…}, asserts that it exited 0 and returns what it printed. */
    public static String ok(String... args) {
        Result r = execute(args);
        assertThat(r.code()).as("%s%n%s", r.out(), r.err()).isZero();
        return r.out();
    }
}
