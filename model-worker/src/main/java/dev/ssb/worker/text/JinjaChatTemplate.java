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
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jinjava.javax.el.CompositeELResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Hugging Face chat template rendered with jinjava so that the output equals, byte for byte, what
 * transformers' {@code apply_chat_template(messages, tokenize=False)} produces with Python's jinja2
 * ({@code trim_blocks}, {@code lstrip_blocks}, {@code tojson} = {@code json.dumps}, a {@code
 * raise_exception} and {@code strftime_now} globals, {@code tools = None}, {@code
 * keep_trailing_newline=False}, transformers' {@code generation} block, Python's {@code
 * True}/{@code False}, {@code str.title()}, {@code loop.previtem}/{@code nextitem}).
 *
 * <p>Thread-safe: each render gets its own interpreter. Known differences from jinja2, none of
 * which the Qwen2.5/Qwen3/ChatML templates touch: an attribute of an undefined value renders empty
 * instead of raising; a list printed directly shows as {@code [a, b]}, not {@code ['a', 'b']};
 * {@code '%s' % x}, {@code 'ab' * 2} and slices with a step other than {@code name[::-1]} raise an
 * {@link IllegalArgumentException} instead of rendering.
 */
public final class JinjaChatTemplate implements ChatTemplate {

    private static final Logger LOG = LoggerFactory.getLogger(JinjaChatTemplate.class);

    private final String source;
    private final String rewritten;
    private final Map<String, Object> specialTokens;
    private final Jinjava jinjava;
    private Clock clock = Clock.systemDefaultZone();

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
        this.rewritten =
                TemplateRewriter.printLikePython(
                        TemplateRewriter.rewrite(LoopNeighbours.rewrite(jinja2Source(template))));
        this.jinjava = newJinjava();
        // jinja2 rejects an unknown filter when compiling; jinjava would silently render nothing.
        for (String filter : TemplateRewriter.filterNames(rewritten)) {
            if (jinjava.getGlobalContext().getFilter(filter) == null) {
                throw new IllegalArgumentException(
                        "Invalid chat template: unknown filter '" + filter + "'");
            }
        }
    }

    /** A template rendered at the time {@code clock} tells (strftime_now). */
    JinjaChatTemplate(String template, Map<String, String> specialTokens, Clock clock) {
        this(template, specialTokens);
        this.clock = requireNonNull(clock, "clock is null");
    }

    /**
     * The source as jinja2's lexer reads it ({@code keep_trailing_newline=False}): every line break
     * ({@code \r\n}, {@code \r}, {@code \n}) becomes {@code \n} and one final line break is
     * dropped.
     */
    static String jinja2Source(String template) {
        String normalized = template.replace("\r\n", "\n").replace('\r', '\n');
        return normalized.endsWith("\n")
                ? normalized.substring(0, normalized.length() - 1)
                : normalized;
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
        return new JinjaChatTemplate(template, tokenVariables(config));
    }

    /** The special tokens transformers passes to a template: bos, eos, pad and unk. */
    static Map<String, String> tokenVariables(TokenizerConfig config) {
        Map<String, String> tokens = new HashMap<>();
        tokens.put("bos_token", config.bosToken());
        tokens.put("eos_token", config.eosToken());
        tokens.put("pad_token", config.padToken());
        tokens.put("unk_token", config.unkToken());
        return tokens;
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
        jinjava.registerFilter(new PyFilters.Print());
        jinjava.registerFilter(new PyFilters.Title());
        jinjava.getGlobalContext().registerExpTest(new PyFilters.Iterable());
        jinjava.registerFunction(
                new ELFunctionDefinition("", "raise_exception", TemplateRaise.method()));
        jinjava.registerFunction(
                new ELFunctionDefinition("", "strftime_now", StrftimeNow.method()));
        return jinjava;
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException also for an empty conversation, for template syntax errors,
     *     and when the output is empty: jinjava renders nothing where jinja2 raises
     */
    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        requireNonNull(messages, "messages is null");
        if (messages.isEmpty()) {
            // Real templates read messages[0]: jinja2 raises, jinjava would render a bare header.
            throw new IllegalArgumentException("Invalid messages: empty conversation");
        }
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
        vars.put("strftime_now", StrftimeNow.MARKER);
        vars.put(StrftimeNow.NOW_VARIABLE, ZonedDateTime.now(clock));
        RenderResult result;
        try {
            result = jinjava.renderForResult(rewritten, vars);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Cannot render chat template: " + e.getMessage(), e);
        }
        // jinjava reports most failures as errors next to a partial output; a syntax error can
        // even be a mere warning (an unclosed "{{" is then printed as text). Any of them means
        // jinja2 would have raised, so none may pass as a prompt.
        List<TemplateError> failures =
                result.getErrors().stream()
                        .filter(
                                e ->
                                        e.getSeverity() == TemplateError.ErrorType.FATAL
                                                || e.getReason()
                                                        == TemplateError.ErrorReason.SYNTAX_ERROR)
                        .collect(Collectors.toList());
        if (!failures.isEmpty()) {
            throw new IllegalArgumentException(
                    "Cannot render chat template: "
                            + failures.stream()
                                    .map(JinjaChatTemplate::describe)
                                    .distinct()
                                    .collect(Collectors.joining("; ")));
        }
        for (TemplateError warning : result.getErrors()) {
            LOG.debug("Chat template warning: {}", describe(warning));
        }
        String output = result.getOutput();
        if (output.isEmpty()) {
            // e.g. messages[0].role on an empty list: jinja2 raises, jinjava renders nothing.
            throw new IllegalArgumentException(
                    "Cannot render chat template: empty output for "
                            + messages.size()
                            + " messages (add_generation_prompt="
                            + addGenerationPrompt
                            + ")");
        }
        return output;
    }

    private static String describe(TemplateError e) {
        for (Throwable t = e.getException(); t != null; t = t.getCause()) {
            if (t instanceof TemplateRaise.TemplateRaisedException) {
                return "the template raised an exception: " + t.getMessage();
            }
        }
        return e.getMessage() + (e.getLineno() > 0 ? " (line " + e.getLineno() + ")" : "");
    }

    /** The template source as given (before the jinjava compatibility rewrite). */
    public String source() {
        return source;
    }
}
