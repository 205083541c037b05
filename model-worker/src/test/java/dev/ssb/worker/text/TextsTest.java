package dev.ssb.worker.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssb.worker.api.ChatMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextsTest {

    @Test
    void loadsQwen3WithItsEndTokens() {
        try (TextBundle bundle = Texts.load(Fixtures.qwen3())) {
            // eos_token is <|im_end|> (151645), then <|endoftext|> (151643); no duplicate.
            assertThat(bundle.endTokenIds()).containsExactly(151645, 151643);
            int[] prompt =
                    bundle.tokenizer()
                            .encode(
                                    bundle.chatTemplate()
                                            .render(List.of(ChatMessage.user("2+3?")), true));
            assertThat(prompt[0]).isEqualTo(151644);
            assertThat(bundle.tokenizer().decode(prompt))
                    .isEqualTo("<|im_start|>user\n2+3?<|im_end|>\n<|im_start|>assistant\n");
        }
    }

    @Test
    void loadsTheSameFilesFromTheClasspath() {
        try (TextBundle bundle =
                Texts.loadResource(getClass().getClassLoader(), "dev/ssb/worker/text/toy")) {
            // toy eos is <|endoftext|> (256), given as an AddedToken object; then <|im_end|>.
            assertThat(bundle.endTokenIds()).containsExactly(256, 258);
            assertThat(bundle.tokenizer().vocabSize()).isEqualTo(259);
            String prompt = bundle.chatTemplate().render(List.of(ChatMessage.user("½")), true);
            assertThat(prompt).isEqualTo("<|im_start|>user\n½<|im_end|>\n<|im_start|>assistant\n");
            int[] ids = bundle.tokenizer().encode(prompt);
            // One token per byte (id = byte value): ½ is C2 BD.
            assertThat(ids)
                    .startsWith(257, 'u', 's', 'e', 'r', '\n', 0xC2, 0xBD, 258, '\n', 257)
                    .hasSize(21);
            assertThat(bundle.tokenizer().decode(java.util.Arrays.copyOf(ids, 7)))
                    .isEqualTo("<|im_start|>user\n");
        }
    }

    @Test
    void aChatTemplateFileWinsOverTheConfigTemplate(@TempDir Path dir) throws Exception {
        Files.copy(Fixtures.toy().resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.copy(
                Fixtures.toy().resolve("tokenizer_config.json"),
                dir.resolve("tokenizer_config.json"));
        Files.writeString(
                dir.resolve("chat_template.jinja"),
                "{% for m in messages %}[{{ m.role }}] {{ m.content }}{{ eos_token }}{% endfor %}");

        try (TextBundle bundle = Texts.load(dir)) {
            assertThat(bundle.chatTemplate().render(List.of(ChatMessage.user("hi")), false))
                    .isEqualTo("[user] hi<|endoftext|>");
        }
    }

    @Test
    void namesTheMissingFile(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> Texts.load(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "Cannot load checkpoint " + dir + ": missing file tokenizer_config.json");
        Files.copy(
                Fixtures.toy().resolve("tokenizer_config.json"),
                dir.resolve("tokenizer_config.json"));
        assertThatThrownBy(() -> Texts.load(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Cannot load tokenizer " + dir + ": missing file tokenizer.json");
        assertThatThrownBy(() -> Texts.loadResource(getClass().getClassLoader(), "no/such/dir"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no/such/dir/tokenizer_config.json: missing file");
    }

    @Test
    void rejectsACheckpointWithoutChatTemplate(@TempDir Path dir) throws Exception {
        Files.copy(Fixtures.toy().resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"<|im_end|>\"}");

        assertThatThrownBy(() -> Texts.load(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Cannot load checkpoint " + dir)
                .hasMessageContaining("has no chat_template");
    }
}
