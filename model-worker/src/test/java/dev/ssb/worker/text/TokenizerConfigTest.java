package dev.ssb.worker.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerConfigTest {

    @Test
    void readsTheRealQwen3Config() {
        TokenizerConfig config =
                TokenizerConfig.read(Fixtures.qwen3().resolve("tokenizer_config.json"));

        assertThat(config.eosToken()).isEqualTo("<|im_end|>");
        assertThat(config.padToken()).isEqualTo("<|endoftext|>");
        assertThat(config.bosToken()).isNull();
        assertThat(config.unkToken()).isNull();
        assertThat(config.chatTemplate()).hasValueSatisfying(t -> t.startsWith("{%- if tools %}"));
        assertThat(config.addedTokens())
                .hasSize(26)
                .containsEntry(151643, "<|endoftext|>")
                .containsEntry(151645, "<|im_end|>")
                .containsEntry(151668, "</think>");
    }

    @Test
    void acceptsTokensGivenAsAddedTokenObjects() {
        TokenizerConfig config =
                TokenizerConfig.parse(
                        "{\"bos_token\": {\"content\": \"<s>\", \"lstrip\": false},"
                                + " \"eos_token\": \"</s>\", \"unk_token\": null}");

        assertThat(config.bosToken()).isEqualTo("<s>");
        assertThat(config.eosToken()).isEqualTo("</s>");
        assertThat(config.unkToken()).isNull();
        assertThat(config.chatTemplate()).isEmpty();
        assertThat(config.addedTokens()).isEmpty();
    }

    @Test
    void readsAListOfNamedTemplates() {
        TokenizerConfig config =
                TokenizerConfig.parse(
                        "{\"chat_template\": [{\"name\": \"default\", \"template\": \"D\"},"
                                + " {\"name\": \"tool_use\", \"template\": \"T\"}]}");

        assertThat(config.chatTemplate()).hasValue("D");
        assertThat(config.chatTemplates())
                .containsExactly(
                        java.util.Map.entry("default", "D"), java.util.Map.entry("tool_use", "T"));
    }

    @Test
    void rejectsMalformedFields() {
        assertThatThrownBy(() -> TokenizerConfig.parse("{\"eos_token\": 3}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid eos_token");
        assertThatThrownBy(() -> TokenizerConfig.parse("{\"chat_template\": {\"a\": 1}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid chat_template");
        assertThatThrownBy(() -> TokenizerConfig.parse("[1]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an object");
        assertThatThrownBy(() -> TokenizerConfig.parse("{\"added_tokens_decoder\": {\"x\": {}}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid added_tokens_decoder id: x");
    }

    @Test
    void namesTheFileWhenItIsNotJson(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tokenizer_config.json");
        java.nio.file.Files.writeString(file, "{not json");

        assertThatThrownBy(() -> TokenizerConfig.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Cannot load tokenizer config " + file + ": invalid JSON");
    }
}
