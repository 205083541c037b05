package dev.ssb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SsbCommandTest {

    @Test
    void printsUsageWithSubcommands() {
        CommandLine cli = SsbCommand.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        int code = cli.execute("--help");
        assertThat(code).isZero();
        assertThat(out.toString()).contains("Usage: ssb").contains("help");
    }

    @Test
    void rejectsUnknownCommandWithNonZeroExit() {
        CommandLine cli = SsbCommand.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertThat(cli.execute("no-such-command")).isNotZero();
        assertThat(err.toString()).contains("no-such-command");
    }
}
