package dev.ssb.worker.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssb.worker.api.ChatMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Hand-written expectations; byte-for-byte comparisons with jinja2 are in the golden test. */
class JinjaChatTemplateTest {

    private static final List<ChatMessage> SYSTEM_USER =
            List.of(ChatMessage.system("S"), ChatMessage.user("Q"));

    private static JinjaChatTemplate qwen;

    @BeforeAll
    static void load() {
        qwen =
                JinjaChatTemplate.from(
                        TokenizerConfig.read(Fixtures.qwen3().resolve("tokenizer_config.json")));
    }

    @Test
    void qwen3RendersSystemAndUserWithTheGenerationPrompt() {
        assertThat(qwen.render(SYSTEM_USER, true))
                .isEqualTo(
                        "<|im_start|>system\nS<|im_end|>\n"
                                + "<|im_start|>user\nQ<|im_end|>\n"
                                + "<|im_start|>assistant\n");
        assertThat(qwen.render(SYSTEM_USER, false))
                .isEqualTo("<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nQ<|im_end|>\n");
    }

    @Test
    void qwen3PutsAnEmptyThinkBlockInTheLastAssistantTurn() {
        List<ChatMessage> conversation =
                List.of(ChatMessage.system("S"), ChatMessage.user("Q"), ChatMessage.assistant("A"));

        assertThat(qwen.render(conversation, false))
                .isEqualTo(
                        "<|im_start|>system\nS<|im_end|>\n"
                                + "<|im_start|>user\nQ<|im_end|>\n"
                                + "<|im_start|>assistant\n<think>\n\n</think>\n\nA<|im_end|>\n");
    }

    @Test
    void qwen3MovesReasoningOfTheLastTurnIntoTheThinkBlock() {
        List<ChatMessage> conversation =
                List.of(
                        ChatMessage.user("Q"),
                        ChatMessage.assistant("<think>\nlet me see\n</think>\n\nA"));

        assertThat(qwen.render(conversation, false))
                .isEqualTo(
                        "<|im_start|>user\nQ<|im_end|>\n"
                                + "<|im_start|>assistant\n<think>\nlet me see\n</think>\n\nA"
                                + "<|im_end|>\n");
    }

    @Test
    void minimalChatMlTemplateRendersEveryTurn() throws IOException {
        JinjaChatTemplate chatml =
                new JinjaChatTemplate(
                        ChatTemplateGoldenTest.resource("chatml.jinja"), Map.of("eos_token", "E"));
        List<ChatMessage> conversation =
                List.of(ChatMessage.system("S"), ChatMessage.user("Q"), ChatMessage.assistant("A"));

        assertThat(chatml.render(conversation, false))
                .isEqualTo(
                        "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nQ<|im_end|>\n"
                                + "<|im_start|>assistant\nA<|im_end|>\n");
        assertThat(chatml.render(List.of(ChatMessage.user("Q")), true))
                .isEqualTo("<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n");
    }

    @Test
    void messageTextIsNeverInterpretedAsTemplateSyntax() {
        String content = "{{ 7 * 6 }} {% if true %}x{% endif %} {# c #} {% raw %}";

        assertThat(qwen.render(List.of(ChatMessage.user(content)), false))
                .isEqualTo("<|im_start|>user\n" + content + "<|im_end|>\n");
    }

    @Test
    void specialTokensAreTemplateVariables() {
        JinjaChatTemplate t =
                new JinjaChatTemplate(
                        "{{ bos_token }}{% for m in messages %}{{ m.content }}{{ eos_token }}{% endfor %}",
                        Map.of("bos_token", "<s>", "eos_token", "</s>"));

        assertThat(t.render(List.of(ChatMessage.user("a"), ChatMessage.assistant("b")), false))
                .isEqualTo("<s>a</s>b</s>");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '"',
            value = {
                "missing endfor | {% for m in messages %}{{ m.content }} | Missing end tag: endfor",
                "unclosed expression | x{{ messages[0].content  | Unclosed token",
                "undefined function | {{ no_such_function() }} | no_such_function",
                "unknown string method | {{ messages[0].content.nosuch() }} | nosuch",
                "raise_exception | {% if messages[0].role != 'system' %}{{ raise_exception('Conversation"
                        + " must start with a system message') }}{% endif %}x | the template raised"
                        + " an exception: Conversation must start with a system message",
                "empty output | {% if false %}x{% endif %} | empty output for 1 messages",
            })
    void brokenTemplatesRaiseInsteadOfRenderingSilently(
            String name, String template, String message) {
        JinjaChatTemplate t = new JinjaChatTemplate(template, Map.of());

        assertThatThrownBy(() -> t.render(List.of(ChatMessage.user("Q")), true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Cannot render chat template: ")
                .hasMessageContaining(message);
    }

    @Test
    void rejectsAnEmptyConversationLikeJinja2DoesForQwen3() {
        // jinja2: messages[0].role on an empty list raises UndefinedError.
        assertThatThrownBy(() -> qwen.render(List.of(), true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid messages: empty conversation");
    }

    @Test
    void rejectsUnknownFiltersWhenCreated() {
        assertThatThrownBy(() -> new JinjaChatTemplate("{{ messages | nosuch }}", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid chat template: unknown filter 'nosuch'");
        assertThatThrownBy(() -> new JinjaChatTemplate("  \n", Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid chat template: empty");
    }

    @Test
    void isSafeToShareBetweenThreads() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                results.add(
                        pool.submit(
                                () -> {
                                    for (int i = 0; i < 50; i++) {
                                        String q = "Q" + thread + "." + i;
                                        String expected =
                                                "<|im_start|>user\n"
                                                        + q
                                                        + "<|im_end|>\n<|im_start|>assistant\n";
                                        if (!qwen.render(List.of(ChatMessage.user(q)), true)
                                                .equals(expected)) {
                                            return false;
                                        }
                                    }
                                    return true;
                                }));
            }
            for (Future<Boolean> r : results) {
                assertThat(r.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
