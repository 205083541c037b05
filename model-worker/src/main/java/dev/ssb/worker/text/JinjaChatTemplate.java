package dev.ssb.worker.text;

import static java.util.Objects.requireNonNull;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.ssb.worker.api.ChatMessage;
import dev.ssb.worker.api.ChatTemplate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jinjava.javax.el.CompositeELResolver;

/**
 * A Hugging Face chat template rendered with jinjava so that the output equals, byte for byte, what
 * transformers' {@code apply_chat_template(messages, tokenize=False)} produces with Python's jinja2
 * ({@code trim_blocks}, {@code lstrip_blocks}, {@code tojson} = {@code json.dumps}, a {@code
 * raise_exception} global, {@code tools = None}).
 *
 * <p>Thread-safe: each render gets its own interpreter. Known difference from jinja2: jinjava's
 * {@code lstrip_blocks} also strips blanks before a block tag in the middle of a line.
 */
public final class JinjaChatTemplate implements ChatTemplate {

    private final String source;
    private final String rewritten;
    private final Map<String, Object> specialTokens;
    private final Jinjava jinjava;

    /**
     * @param template the Jinja source ({@code tokenizer_config.json}'s {@code chat_template})
     * @param specialTokens template variables such as {@code bos_token}, {@code eos_token}; null
     *     values are left undefined, as transformers does
     */
    public JinjaChatTemplate(String template, Map<String, String> specialTokens) {
        this.source = requireNonNull(template, "template is null");
        requireNonNull(specialTokens, "specialTokens is null");
        if (template.isBlank()) {
            throw new IllegalArgumentException("Invalid chat template: empty");
        }
        Map<String, Object> tokens = new HashMap<>();
        specialTokens.forEach(
                (k, v) -> {
                    if (v != null) {
                        tokens.put(k, v);
                    }
                });
        this.specialTokens = Map.copyOf(tokens);
        this.rewritten = TemplateRewriter.rewrite(template);
        this.jinjava = newJinjava();
    }

    /**
     * The config's default template with its bos/eos/pad/unk tokens.
     *
     * @throws IllegalArgumentException when the config has no chat template
     */
    public static JinjaChatTemplate from(TokenizerConfig config) {
        String template =
                config.chatTemplate()
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "Cannot load chat template: tokenizer_config.json"
                                                        + " has no chat_template (templates: "
                                                        + config.chatTemplates().keySet()
                                                        + ")"));
        Map<String, String> tokens = new HashMap<>();
        tokens.put("bos_token", config.bosToken());
        tokens.put("eos_token", config.eosToken());
        tokens.put("pad_token", config.padToken());
        tokens.put("unk_token", config.unkToken());
        return new JinjaChatTemplate(template, tokens);
    }

    private static Jinjava newJinjava() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PyStrResolver());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_WRITE);
        JinjavaConfig config =
                JinjavaConfig.newBuilder()
                        .withTrimBlocks(true)
                        .withLstripBlocks(true)
                        .withFailOnUnknownTokens(false)
                        // Message text is data: never render template syntax found in it.
                        .withNestedInterpretationEnabled(false)
                        .withElResolver(resolver)
                        .withLegacyOverrides(
                                LegacyOverrides.newBuilder()
                                        .withUseTrimmingForNotesAndExpressions(true)
                                        .build())
                        .build();
        Jinjava jinjava = new Jinjava(config);
        jinjava.registerFilter(new PyJson());
        try {
            jinjava.registerFunction(
                    new ELFunctionDefinition(
                            "",
                            "raise_exception",
                            TemplateRaise.class.getDeclaredMethod("raise", String.class)));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
        return jinjava;
    }

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        requireNonNull(messages, "messages is null");
        List<Map<String, Object>> turns = new ArrayList<>(messages.size());
        for (ChatMessage m : messages) {
            Map<String, Object> turn = new LinkedHashMap<>();
            turn.put("role", m.role());
            turn.put("content", m.content());
            turns.add(turn);
        }
        Map<String, Object> vars = new HashMap<>(specialTokens);
        vars.put("messages", turns);
        vars.put("add_generation_prompt", addGenerationPrompt);
        vars.put("tools", null);
        vars.put("documents", null);
        RenderResult result = jinjava.renderForResult(rewritten, vars);
        List<TemplateError> fatal =
                result.getErrors().stream()
                        .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL)
                        .collect(Collectors.toList());
        if (!fatal.isEmpty()) {
            throw new IllegalArgumentException(
                    "Cannot render chat template: "
                            + fatal.stream()
                                    .map(JinjaChatTemplate::describe)
                                    .collect(Collectors.joining("; ")));
        }
        return result.getOutput();
    }

    private static String describe(TemplateError e) {
        return e.getMessage() + (e.getLineno() > 0 ? " (line " + e.getLineno() + ")" : "");
    }

    /** The template source as given (before the jinjava compatibility rewrite). */
    public String source() {
        return source;
    }
}
