package dev.ssb.ingest;

import java.util.Optional;
import java.util.regex.Pattern;

/** Gold answers by the datasets' own conventions: GSM8K {@code #### N}, MATH {@code \boxed{}}. */
public final class SimpleGoldAnswerExtractor implements GoldAnswerExtractor {

    private static final Pattern NUMBER = Pattern.compile("-?(\\d+(\\.\\d+)?|\\.\\d+|\\d+/\\d+)");
    private static final Pattern THOUSANDS = Pattern.compile("(?<=\\d),(?=\\d{3}(\\D|$))");

    @Override
    public Optional<String> gsm8kFinal(String answerText) {
        int mark = answerText.lastIndexOf("####");
        if (mark < 0) {
            return Optional.empty();
        }
        String tail = answerText.substring(mark + 4).strip();
        String plain = THOUSANDS.matcher(tail).replaceAll("");
        return NUMBER.matcher(plain).matches() ? Optional.of(plain) : Optional.empty();
    }

    @Override
    public Optional<String> lastBoxed(String solution) {
        int at = Math.max(solution.lastIndexOf("\\boxed"), solution.lastIndexOf("\\fbox"));
        while (at >= 0) {
            int open = solution.indexOf('{', at);
            Optional<String> content = open < 0 ? Optional.empty() : braced(solution, open);
            if (content.isPresent() && !content.get().isBlank()) {
                return Optional.of(content.get().strip());
            }
            int before = at - 1;
            at =
                    before < 0
                            ? -1
                            : Math.max(
                                    solution.lastIndexOf("\\boxed", before),
                                    solution.lastIndexOf("\\fbox", before));
        }
        return Optional.empty();
    }

    private static Optional<String> braced(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return Optional.of(text.substring(open + 1, i));
            }
        }
        return Optional.empty();
    }
}
