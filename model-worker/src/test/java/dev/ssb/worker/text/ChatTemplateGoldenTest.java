package dev.ssb.worker.text;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ssb.worker.api.ChatMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compares the renderer byte for byte with goldens written by Python jinja2 (see
 * generate_goldens.py next to the goldens).
 */
class ChatTemplateGoldenTest {

    private static final String RESOURCES = "dev/ssb/worker/text/";

    static Stream<Arguments> cases() throws IOException {
        JsonNode cases = new ObjectMapper().readTree(resource("cases.json"));
        List<Arguments> out = new ArrayList<>();
        for (String template : List.of("qwen3", "chatml", "features")) {
            for (JsonNode c : cases) {
                out.add(Arguments.of(template, c.get("name").asText(), c));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("cases")
    void rendersLikeJinja2(String template, String name, JsonNode c) throws IOException {
        List<ChatMessage> messages = new ArrayList<>();
        for (JsonNode m : c.get("messages")) {
            messages.add(new ChatMessage(m.get("role").asText(), m.get("content").asText()));
        }
        String expected = resource("golden/" + template + "/" + name + ".txt");

        String actual =
                template(template).render(messages, c.get("add_generation_prompt").asBoolean());

        assertThat(actual).isEqualTo(expected);
    }

    private static JinjaChatTemplate template(String name) throws IOException {
        if (name.equals("qwen3")) {
            return JinjaChatTemplate.from(
                    TokenizerConfig.read(Fixtures.qwen3().resolve("tokenizer_config.json")));
        }
        return new JinjaChatTemplate(resource(name + ".jinja"), Map.of("eos_token", "<|im_end|>"));
    }

    static String resource(String name) throws IOException {
        try (InputStream in =
                ChatTemplateGoldenTest.class
                        .getClassLoader()
                        .getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IOException("Missing test resource " + RESOURCES + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
