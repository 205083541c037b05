package dev.ssb.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptsTest {

    @TempDir Path dir;

    @Test
    void readsAFileThenFallsBackToTheClasspath() throws Exception {
        Path file = dir.resolve("system.txt");
        Files.writeString(file, "You are a tutor.\n");
        assertThat(Prompts.read(file.toString())).isEqualTo("You are a tutor.\n");
        assertThat(Prompts.read(ConfigResolver.DEFAULTS_FILE)).contains("rollout.samples=4");
    }

    @Test
    void namesAMissingPrompt() {
        assertThatThrownBy(() -> Prompts.read("conf/prompts/none.txt"))
                .hasMessage(
                        "Cannot read prompt conf/prompts/none.txt: no such file or classpath resource");
    }
}
