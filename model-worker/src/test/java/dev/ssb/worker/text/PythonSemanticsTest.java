package dev.ssb.worker.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Python behaviours the renderer reimplements; expected values printed by python3. */
class PythonSemanticsTest {

    @Test
    void tojsonMatchesJsonDumpsWithoutEnsureAscii() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put(
                "a",
                Arrays.asList(
                        1,
                        2.5,
                        null,
                        true,
                        1e-05,
                        1e16,
                        123456789.123,
                        -0.0,
                        "x\"\\\n\t\u0001\u007f é 🎉"));
        value.put("b", Map.of());
        value.put("c", List.of());

        assertThat(PyJson.dumps(value, null))
                .isEqualTo(
                        "{\"a\": [1, 2.5, null, true, 1e-05, 1e+16, 123456789.123, -0.0,"
                                + " \"x\\\"\\\\\\n\\t\\u0001\u007f é 🎉\"], \"b\": {}, \"c\": []}");
    }

    @Test
    void tojsonIndentsLikeJsonDumps() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("a", List.of(1, Map.of("k", "v")));
        value.put("b", Map.of());
        value.put("c", List.of());

        assertThat(PyJson.dumps(value, 2))
                .isEqualTo(
                        "{\n  \"a\": [\n    1,\n    {\n      \"k\": \"v\"\n    }\n  ],\n"
                                + "  \"b\": {},\n  \"c\": []\n}");
    }

    @Test
    void splitFollowsPython() {
        assertThat(PyStrResolver.split("  a b\u00a0c\u2003d\u0085e\u200bf  ", new Object[0]))
                .containsExactly("a", "b", "c", "d", "e\u200bf");
        assertThat(PyStrResolver.split("a,,b,", new Object[] {","}))
                .containsExactly("a", "", "b", "");
        assertThat(PyStrResolver.split("a b c", new Object[] {null, 1}))
                .containsExactly("a", "b c");
        assertThat(PyStrResolver.split("a b c", new Object[] {" ", 1})).containsExactly("a", "b c");
        assertThat(PyStrResolver.split("x</think>", new Object[] {"</think>"}))
                .containsExactly("x", "");
    }

    @Test
    void stripTakesACharacterSetLikePython() {
        assertThat(PyStrResolver.rstrip(PyStrResolver.lstrip(" \t x\n", null), null))
                .isEqualTo("x");
        assertThat(PyStrResolver.lstrip("xxhixx", "x")).isEqualTo("hixx");
        assertThat(PyStrResolver.rstrip(PyStrResolver.lstrip("abcba", "ab"), "ab")).isEqualTo("c");
        assertThat(PyStrResolver.rstrip("answer\n\n", "\n")).isEqualTo("answer");
    }

    @Test
    void rewritesReversedSlicesAndKeywordExpressionsInsideTagsOnly() {
        String template =
                "{%- set ns = namespace(a=true, last=messages|length - 1) %}"
                        + "{% for m in messages[::-1] %}{{ m.content }}{% endfor %}"
                        + " text messages[::-1] k=a - 1 {{ 'k=x - 1' }}{{ x+1 }}{{ 1e+5 }}";

        assertThat(TemplateRewriter.rewrite(template))
                .isEqualTo(
                        "{%- set ns = namespace(a=(true), last=(messages|length - 1)) %}"
                                + "{% for m in (messages|reverse) %}{{ m.content }}{% endfor %}"
                                + " text messages[::-1] k=a - 1 {{ 'k=x - 1' }}{{ x+ 1 }}"
                                + "{{ 1e+5 }}");
    }

    @Test
    void leavesComparisonsGroupsRawBlocksAndMacroSignaturesAlone() {
        String template =
                "{% if (a == b) and not (c >= 1) %}{% endif %}"
                        + "{% macro f(x, y=1) %}{% endmacro %}"
                        + "{% raw %}{{ f(k=1 + 2) }}{% endraw %}";

        assertThat(TemplateRewriter.rewrite(template)).isEqualTo(template);
    }

    @Test
    void keepsBlanksBeforeAMidLineBlockTag() {
        assertThat(TemplateRewriter.rewrite("a {% if x %}b{% endif %}\n  {% if y %}"))
                .isEqualTo("a{{ ' ' }}{% if x %}b{% endif %}\n  {% if y %}");
        assertThat(TemplateRewriter.rewrite("{{ x -}}  {% if y %}"))
                .isEqualTo("{{ x -}}  {% if y %}");
    }

    @Test
    void findsFilterNamesOutsideStrings() {
        assertThat(
                        TemplateRewriter.filterNames(
                                "{{ m | tojson }}{% set n = messages|length %}{{ 'a|b' }}"
                                        + "{# x | nofilter #}"))
                .containsExactly("length", "tojson");
    }
}
