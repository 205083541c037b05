package dev.ssb.worker.toy;

import static dev.ssb.worker.toy.ToyTokenizerFilesTest.chatml;
import static dev.ssb.worker.toy.ToyTokenizerFilesTest.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.hubspot.jinjava.Jinjava;
import dev.ssb.worker.api.ChatMessage;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chat template against goldens rendered by Python's jinja2 3.1 (as transformers does:
 * trim_blocks, lstrip_blocks) from the committed tokenizer_config.json golden:
 *
 * <pre>
 * t = Environment(trim_blocks=True, lstrip_blocks=True).from_string(cfg['chat_template'])
 * t.render(messages=MESSAGES, add_generation_prompt=False)      # chatml_conversation.txt
 * t.render(messages=MESSAGES[:2], add_generation_prompt=True)   # chatml_generation_prompt.txt
 * </pre>
 */
class ToyChatTemplateTest {

    static final List<ChatMessage> MESSAGES =
            List.of(
                    ChatMessage.system("You are a tutor. End with \\boxed{answer}."),
                    ChatMessage.user("Mia has 3 {obj}.\n  She finds 4 more.\nHow many?"),
                    ChatMessage.assistant("3 + 4 = 7\nThe answer is \\boxed{7}."));

    @Test
    void jinja2RendersPlainChatml() throws IOException {
        assertThat(resource("chatml_conversation.txt")).isEqualTo(chatml(MESSAGES));
        assertThat(resource("chatml_generation_prompt.txt"))
                .isEqualTo(chatml(MESSAGES.subList(0, 2)) + "<|im_start|>assistant\n");
    }

    @Test
    void jinjavaRendersTheTemplateLikeJinja2() throws IOException {
        Jinjava jinjava = new Jinjava();
        List<Map<String, String>> messages =
                MESSAGES.stream()
                        .map(m -> Map.of("role", m.role(), "content", m.content()))
                        .toList();
        String conversation =
                jinjava.render(
                        ToyTokenizerFiles.CHAT_TEMPLATE,
                        Map.of("messages", messages, "add_generation_prompt", false));
        String prompt =
                jinjava.render(
                        ToyTokenizerFiles.CHAT_TEMPLATE,
                        Map.of("messages", messages.subList(0, 2), "add_generation_prompt", true));
        assertThat(conversation).isEqualTo(resource("chatml_conversation.txt"));
        assertThat(prompt).isEqualTo(resource("chatml_generation_prompt.txt"));
    }
}
