package dev.ssb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssb.worker.api.ChatMessage;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Runs {@code ssb generate} on the test runtime's {@code fake:} model (no native library). */
class GenerateCommandTest {

    private record Run(int code, String out, String err) {}

    private static Run run(String stdin, String... args) {
        GenerateCommand command = new GenerateCommand();
        if (stdin != null) {
            command.in = new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8));
        }
        CommandLine generate = new CommandLine(command);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        generate.setOut(new PrintWriter(out));
        generate.setErr(new PrintWriter(err));
        int code = generate.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void isRegisteredWithItsOptions() {
        CommandLine cli = SsbCommand.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out));
        assertThat(cli.execute("generate", "--help")).isZero();
        assertThat(out.toString())
                .contains("Usage: ssb generate")
                .contains("--model", "--temperature", "--max-new-tokens", "--seed")
                .contains("embedded:toy");
    }

    @Test
    void answersAQuestionGivenAsArguments() {
        Run a = run(null, "--model", "fake:m", "--seed", "3", "How", "many", "apples?");
        assertThat(a.code()).as(a.err()).isZero();
        // the fake model's replies: a boxed 7 or 8, or an unfinished sentence
        assertThat(a.out().strip()).matches("So the answer is \\\\boxed\\{[78]}\\.|Let me think.*");
        Run again = run(null, "--model", "fake:m", "--seed", "3", "How", "many", "apples?");
        assertThat(again.out()).isEqualTo(a.out());
    }

    @Test
    void answersEachLineOfStandardInput() {
        Run r = run("Q one?\n\nQ two?\n", "--model", "fake:m", "--temperature", "0");
        assertThat(r.code()).as(r.err()).isZero();
        String[] blocks = r.out().strip().split("\\R\\R");
        assertThat(blocks).hasSize(2); // the blank line is skipped
        Run one = run(null, "--model", "fake:m", "--temperature", "0", "Q", "one?");
        Run two = run(null, "--model", "fake:m", "--temperature", "0", "Q", "two?");
        assertThat(blocks[0].strip()).isEqualTo(one.out().strip());
        assertThat(blocks[1].strip()).isEqualTo(two.out().strip());
    }

    @Test
    void rejectsInvalidSamplingWithTheValueNamed() {
        Run r = run(null, "--model", "fake:m", "--temperature", "-1", "Q?");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("Invalid temperature: -1.0");
    }

    @Test
    void promptsLikeTheRolloutStage() {
        assertThat(GenerateCommand.messages("Be careful.", "What is 2 + 2?"))
                .containsExactly(
                        ChatMessage.system("Be careful."), ChatMessage.user("What is 2 + 2?"));
        assertThat(GenerateCommand.messages(" ", "Q?")).containsExactly(ChatMessage.user("Q?"));
    }
}
