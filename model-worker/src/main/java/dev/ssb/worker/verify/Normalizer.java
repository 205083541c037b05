package dev.ssb.worker.verify;

import java.util.regex.Pattern;

/**
 * Rewrites an answer into a canonical LaTeX-ish form: drops {@code $}, {@code \left}/{@code
 * \right}, spacing commands, {@code \text{..}} wrappers, degree and percent signs, unit words and
 * trailing dots; {@code \dfrac}/{@code \tfrac} become {@code \frac}. Structure (tuples, sets, ...)
 * is left to {@link AnswerParser}.
 */
final class Normalizer {

    /** The result, and whether the whole answer was a {@code \text{..}}-like wrapper. */
    record Normalized(String text, boolean wasText) {}

    private static final String[] WRAPPERS = {
        "\\text", "\\textbf", "\\textit", "\\textrm", "\\textnormal", "\\mbox", "\\mathrm",
        "\\mathbf", "\\mathit", "\\boldsymbol", "\\boxed", "\\fbox", "\\textsf", "\\mathsf"
    };

    private static final String UNITS =
            "degrees?|cm|mm|km|meters?|metres?|inch(?:es)?|feet|foot|ft|yards?|miles?|mph|units?"
                    + "|cents?|dollars?|hours?|hrs?|minutes?|mins?|seconds?|secs?|days?|weeks?"
                    + "|months?|years?|pounds?|lbs?|ounces?|oz|grams?|kg|liters?|litres?|gallons?"
                    + "|cups?|percent|points?|square|sq";
    private static final Pattern UNIT_WORDS =
            Pattern.compile(
                    "(?<=[0-9}.)])\\s*(?:(?:square|sq\\.?|cubic)\\s+)?(?:"
                            + UNITS
                            + ")(?:\\s*\\^\\s*\\{?\\s*[23]\\s*\\}?)?(?![A-Za-z])",
                    Pattern.CASE_INSENSITIVE);

    /** {@code 5 \text{ apples}}, {@code 16\mbox{ cm}^2}: words after a quantity are its unit. */
    private static final Pattern TEXT_AFTER_NUMBER =
            Pattern.compile(
                    "(?<=[0-9})])\\s*\\\\(?:text|mbox|mathrm|textrm)\\s*\\{\\s*(?!(?:or|and)\\s*\\})[A-Za-z][A-Za-z .]*\\}"
                            + "(?:\\s*\\^\\s*\\{?\\s*[23]\\s*\\}?)?");

    private static final Pattern LEFT_RIGHT =
            Pattern.compile("\\\\(?:left|right|bigl|bigr|Bigl|Bigr|big|Big)(?![A-Za-z])");
    private static final Pattern SPACING =
            Pattern.compile("(?<!\\\\)\\\\[,;:! ]|\\\\q?quad(?![A-Za-z])|~");
    private static final Pattern DEGREES =
            Pattern.compile("\\^\\s*\\{\\s*\\\\circ\\s*\\}|\\^\\s*\\\\circ|\\\\circ|°|\\\\degree");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    /** Relation symbols in every spelling, rewritten to one canonical command each. */
    private static final Pattern GE =
            Pattern.compile("\\\\(?:geqslant|geqq|geq|ge)(?![A-Za-z])|>=|\u2265|\u2a7e");

    private static final Pattern LE =
            Pattern.compile("\\\\(?:leqslant|leqq|leq|le)(?![A-Za-z])|<=|\u2264|\u2a7d");
    private static final Pattern NE =
            Pattern.compile("\\\\(?:neq|ne)(?![A-Za-z])|\\\\not\\s*=|!=|\u2260");
    private static final Pattern APPROX =
            Pattern.compile("\\\\(?:approx|simeq|thickapprox)(?![A-Za-z])|\u2248");
    private static final Pattern RELATION_SIGN =
            Pattern.compile(
                    "\\\\(?:ge|le|ne|gt|lt|not|approx|simeq|thickapprox|lor|vee)"
                            + "|[<>!\u2265\u2264\u2260\u2248\u2a7e\u2a7d]");
    private static final Pattern GT_LT = Pattern.compile("\\\\([gl])t(?![A-Za-z])");
    private static final Pattern LOGICAL_OR = Pattern.compile("\\\\(?:lor|vee)(?![A-Za-z])");

    /** Currency signs anywhere ({@code 1,000.99€}); the dollar sign is dropped separately. */
    private static final Pattern CURRENCY =
            Pattern.compile(
                    "[\u20ac\u00a3\u00a5\u20b9\u20a9\u00a2]|\\\\(?:euro|pounds)(?![A-Za-z])");

    /**
     * A metre glued to a number with a superscript power ({@code 12m²}); a plain {@code 12m} or
     * {@code 12m^2} stays algebra (the letter may be a variable).
     */
    private static final Pattern METRE_POWER =
            Pattern.compile("(?<=[0-9])\\s*m[\u00b2\u00b3](?![A-Za-z0-9])");

    private Normalizer() {}

    static Normalized normalize(String answer) {
        String s = answer.strip();
        s = s.replace("\\$", "").replace("$", "");
        s = s.replace('−', '-').replace("×", "\\times ").replace("·", "\\cdot ");
        s = s.replace("π", "\\pi ").replace("√", "\\sqrt").replace("∞", "\\infty ");
        if (!isAscii(s) || s.contains("\\euro") || s.contains("\\pounds")) {
            s = CURRENCY.matcher(s).replaceAll("");
            s = METRE_POWER.matcher(s).replaceAll("");
            s = s.replace("\u00b2", "^2").replace("\u00b3", "^3");
        }
        s = s.replace("{,}", ",").replace(",\\! ", ",").replace("\\!", "");
        s = LEFT_RIGHT.matcher(s).replaceAll("");
        s = SPACING.matcher(s).replaceAll(" ");
        s =
                s.replace("\\dfrac", "\\frac")
                        .replace("\\tfrac", "\\frac")
                        .replace("\\cfrac", "\\frac");
        s = relations(s);
        s = s.replace("\\displaystyle", "");
        s = DEGREES.matcher(s).replaceAll("");
        s = s.replace("\\%", "").replace("%", "");
        s = TEXT_AFTER_NUMBER.matcher(s).replaceAll("");
        String trimmed = s.strip();
        boolean wasText = isWholeWrapper(trimmed);
        s = unwrap(trimmed);
        s = UNIT_WORDS.matcher(s).replaceAll("");
        s = SPACES.matcher(s).replaceAll(" ").strip();
        while (s.endsWith(".") || s.endsWith(",") && !s.endsWith("\\,")) {
            s = s.substring(0, s.length() - 1).strip();
        }
        return new Normalized(s, wasText);
    }

    /** {@code \\geq}, {@code >=}, {@code ≥} all become {@code \\ge}; likewise le, ne, approx. */
    private static String relations(String s) {
        if (!RELATION_SIGN.matcher(s).find()) {
            return s; // the common case: one scan instead of six
        }
        s = GE.matcher(s).replaceAll(" \\\\ge ");
        s = LE.matcher(s).replaceAll(" \\\\le ");
        s = NE.matcher(s).replaceAll(" \\\\ne ");
        s = APPROX.matcher(s).replaceAll(" \\\\approx ");
        s = GT_LT.matcher(s).replaceAll(m -> m.group(1).equals("g") ? " > " : " < ");
        return LOGICAL_OR.matcher(s).replaceAll(" or ");
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 128) {
                return false;
            }
        }
        return true;
    }

    private static boolean isWholeWrapper(String s) {
        for (String w : WRAPPERS) {
            if (s.startsWith(w + "{") || s.startsWith(w + " {")) {
                int open = s.indexOf('{', w.length());
                return Braces.matching(s, open) == s.length() - 1;
            }
        }
        return false;
    }

    /** Replaces every {@code \text{X}}-like wrapper by {@code X}; unbalanced ones are dropped. */
    static String unwrap(String s) {
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            String wrapper = wrapperAt(s, i);
            if (wrapper != null) {
                int open = i + wrapper.length();
                while (open < s.length() && s.charAt(open) == ' ') {
                    open++;
                }
                if (open < s.length() && s.charAt(open) == '{') {
                    int close = Braces.matching(s, open);
                    if (close < 0) {
                        i = open + 1;
                        continue;
                    }
                    out.append(' ').append(unwrap(s.substring(open + 1, close))).append(' ');
                    i = close + 1;
                    continue;
                }
                i = open;
                continue;
            }
            out.append(s.charAt(i));
            i++;
        }
        return out.toString();
    }

    private static String wrapperAt(String s, int i) {
        if (s.charAt(i) != '\\') {
            return null;
        }
        for (String w : WRAPPERS) {
            if (s.startsWith(w, i)) {
                int end = i + w.length();
                if (end >= s.length() || !Character.isLetter(s.charAt(end))) {
                    return w;
                }
            }
        }
        return null;
    }
}
