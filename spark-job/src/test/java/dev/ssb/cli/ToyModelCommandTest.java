package dev.ssb.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ToyModelCommandTest {

    private static String[] run(String... args) {
        CliRun.Result r = CliRun.execute(args);
        return new String[] {String.valueOf(r.code()), r.out(), r.err()};
    }

    @Test
    void listsTrainAndEvaluateWithTheEmbeddedSeed() {
        String[] help = run("toy-model", "--help");
        assertThat(help[0]).isEqualTo("0");
        assertThat(help[1]).contains("Usage: ssb toy-model", "train", "evaluate");
        String[] train = run("toy-model", "train", "--help");
        assertThat(train[1]).contains("--out", "--seed", "--steps", "20261126");
        String[] eval = run("toy-model", "evaluate", "--help");
        assertThat(eval[1]).contains("--model", "--problems", "embedded:toy");
    }

    @Test
    void trainRequiresAnOutputFolder() {
        String[] r = run("toy-model", "train");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("Missing required option: '--out=DIR'");
    }
}
