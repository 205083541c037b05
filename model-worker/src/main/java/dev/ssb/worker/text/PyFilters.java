package dev.ssb.worker.text;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Filters and tests where jinjava's built-ins differ from Python's jinja2. */
final class PyFilters {
    /** The filter the rewriter wraps around every printed expression. */
    static final String PRINT = "__ssb_print";

    private static final Pattern WORD_BEGINNING = Pattern.compile("[-\\s({\\[<]+");

    private PyFilters() {}

    /** Prints booleans as Python does ({@code True}, {@code False}); anything else unchanged. */
    static final class Print implements Filter {
        @Override
        public String getName() {
            return PRINT;
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            if (var instanceof Boolean b) {
                return b ? "True" : "False";
            }
            return var;
        }
    }

    /**
     * jinja2's {@code title} filter: words start after blanks, {@code -}, and opening brackets
     * ("world-wide" becomes "World-Wide"), each word's rest lowered.
     */
    static final class Title implements Filter {
        @Override
        public String getName() {
            return "title";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            if (var == null) {
                return null;
            }
            String s = var.toString();
            StringBuilder out = new StringBuilder(s.length());
            Matcher m = WORD_BEGINNING.matcher(s);
            int last = 0;
            while (m.find()) {
                word(s.substring(last, m.start()), out);
                out.append(m.group());
                last = m.end();
            }
            word(s.substring(last), out);
            return out.toString();
        }

        private static void word(String w, StringBuilder out) {
            if (!w.isEmpty()) {
                int first = w.offsetByCodePoints(0, 1);
                out.append(w.substring(0, first).toUpperCase(Locale.ROOT))
                        .append(w.substring(first).toLowerCase(Locale.ROOT));
            }
        }
    }

    /** jinja2's {@code iterable} test: strings, sequences and mappings are iterable. */
    static final class Iterable implements ExpTest {
        @Override
        public String getName() {
            return "iterable";
        }

        @Override
        public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
            return var instanceof String
                    || var instanceof java.lang.Iterable
                    || var instanceof Map
                    || (var != null && var.getClass().isArray());
        }
    }
}
