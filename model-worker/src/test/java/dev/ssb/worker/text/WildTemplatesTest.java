package dev.ssb.worker.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssb.worker.api.ChatMessage;
import java.io.IOException;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real chat templates of common families (Llama 3.2, Gemma 2, Qwen2.5, Mistral, Phi-3, Zephyr,
 * DeepSeek Coder and LLM, OpenChat 3.5, Falcon-RW chat, SmolLM3, a Granite-style dated header, an
 * LFM2-style {@code generation} block) and one of Python semantics, rendered byte for byte as
 * Python's jinja2 renders them (goldens from wild/generate_wild_goldens.py), errors included.
 */
class WildTemplatesTest {
    private static final Clock FRIDAY =
            Clock.fixed(
                    LocalDateTime.of(2026, 12, 4, 10, 30).atZone(ZoneId.of("UTC")).toInstant(),
                    ZoneId.of("UTC"));
    private static final Map<String, String> TOKENS =
            Map.of(
                    "bos_token",
                    "<s>",
                    "eos_token",
                    "</s>",
                    "pad_token",
                    "<pad>",
                    "unk_token",
                    "<unk>");

    static Stream<Arguments> cases() throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode goldens = json.readTree(ChatTemplateGoldenTest.resource("wild/goldens.json"));
        JsonNode cases = json.readTree(ChatTemplateGoldenTest.resource("cases.json"));
        List<Arguments> out = new ArrayList<>();
        for (Iterator<String> it = goldens.fieldNames(); it.hasNext(); ) {
            String template = it.next();
            for (JsonNode c : cases) {
                out.add(
                        Arguments.of(
                                template,
                                c.get("name").asText(),
                                c,
                                goldens.get(template).get(c.get("name").asText())));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("cases")
    void rendersLikeJinja2(String template, String name, JsonNode c, JsonNode golden)
            throws IOException {
        List<ChatMessage> messages = new ArrayList<>();
        for (JsonNode m : c.get("messages")) {
            messages.add(new ChatMessage(m.get("role").asText(), m.get("content").asText()));
        }
        JinjaChatTemplate t =
                new JinjaChatTemplate(
                        ChatTemplateGoldenTest.resource("wild/" + template + ".jinja"),
                        TOKENS,
                        FRIDAY);
        boolean generation = c.get("add_generation_prompt").asBoolean();
        if (golden.has("error")) {
            assertThatThrownBy(() -> t.render(messages, generation))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(golden.get("error").asText());
        } else {
            assertThat(t.render(messages, generation)).isEqualTo(golden.get("text").asText());
        }
    }

    @Test
    void dropsOneFinalNewlineOfTheSourceAsJinja2() {
        assertThat(JinjaChatTemplate.jinja2Source("a\n\n")).isEqualTo("a\n");
        assertThat(JinjaChatTemplate.jinja2Source("a\r\nb\r\n")).isEqualTo("a\nb");
        assertThat(JinjaChatTemplate.jinja2Source("a")).isEqualTo("a");
        JinjaChatTemplate t = new JinjaChatTemplate("{{ messages[0].content }}\n", Map.of());
        assertThat(t.render(List.of(ChatMessage.user("x")), false)).isEqualTo("x");
    }

    @Test
    void titleAsPython() {
        assertThat(PyStrResolver.title("hello WORLD's 2nd-place ǆungla"))
                .isEqualTo("Hello World'S 2Nd-Place ǅungla");
    }

    @Test
    void strftimeCodes() {
        var t = LocalDateTime.of(2024, 7, 6, 9, 5, 3).atZone(ZoneId.of("UTC"));
        assertThat(StrftimeNow.format(t, "%d %b %Y|%-d %B|%H:%M:%S %I %p|%a %A|%j|%y|%%"))
                .isEqualTo("06 Jul 2024|6 July|09:05:03 09 AM|Sat Saturday|188|24|%");
        assertThatThrownBy(() -> StrftimeNow.format(t, "%Q")).hasMessageContaining("%Q");
    }
}
