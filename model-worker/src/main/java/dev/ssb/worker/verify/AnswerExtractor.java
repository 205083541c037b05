package dev.ssb.worker.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds the final answer in a completion or a dataset field. Linear in the input length. */
final class AnswerExtractor {

    private static final String[] BOX_COMMANDS = {"\\boxed", "\\fbox"};

    /** How many broken boxes (e.g. cut by max tokens) to skip before giving up. */
    private static final int MAX_BOX_ATTEMPTS = 64;

    private static final Pattern ANSWER_IS =
            Pattern.compile("answer\\s*(?:is|:)\\s*:?\\s*(.+)", Pattern.CASE_INSENSITIVE);

    private final int maxInputChars;
    private final int maxAnswerChars;
    private final boolean answerIsPhrase;

    AnswerExtractor(int maxInputChars, int maxAnswerChars, boolean answerIsPhrase) {
        this.maxInputChars = maxInputChars;
        this.maxAnswerChars = maxAnswerChars;
        this.answerIsPhrase = answerIsPhrase;
    }

    Optional<String> extract(String completion) {
        if (completion == null || completion.isEmpty()) {
            return Optional.empty();
        }
        String text = tail(completion);
        Optional<String> boxed = lastBoxed(text);
        if (boxed.isPresent()) {
            return boxed;
        }
        Optional<String> hashes = afterHashes(text);
        if (hashes.isPresent()) {
            return hashes;
        }
        return answerIsPhrase ? answerIsPhrase(text) : Optional.empty();
    }

    Optional<String> extractGold(String field) {
        if (field == null || field.isBlank()) {
            return Optional.empty();
        }
        String text = tail(field);
        Optional<String> hashes = afterHashes(text);
        if (hashes.isPresent()) {
            return hashes;
        }
        Optional<String> boxed = lastBoxed(text);
        if (boxed.isPresent()) {
            return boxed;
        }
        String trimmed = text.strip();
        return trimmed.isEmpty() ? Optional.empty() : Optional.of(trimmed);
    }

    /** The answer is at the end: a huge completion is searched only in its last part. */
    private String tail(String text) {
        return text.length() <= maxInputChars
                ? text
                : text.substring(text.length() - maxInputChars);
    }

    /** Content of the last box whose braces close; earlier boxes are tried if the last is cut. */
    Optional<String> lastBoxed(String text) {
        int end = text.length();
        for (int attempt = 0; attempt < MAX_BOX_ATTEMPTS && end > 0; attempt++) {
            int at = -1;
            String command = null;
            for (String c : BOX_COMMANDS) {
                int i = text.lastIndexOf(c, end - 1);
                if (i > at) {
                    at = i;
                    command = c;
                }
            }
            if (at < 0) {
                return Optional.empty();
            }
            Optional<String> content = boxContent(text, at + command.length());
            if (content.isPresent()) {
                return content;
            }
            end = at;
        }
        return Optional.empty();
    }

    /**
     * The contents of every complete box, in order, at most {@value #MAX_BOX_ATTEMPTS} (the tail of
     * the completion only, as for the last box).
     */
    List<String> allBoxed(String completion) {
        List<String> boxes = new ArrayList<>();
        if (completion == null) {
            return boxes;
        }
        String text = tail(completion);
        int from = 0;
        while (boxes.size() < MAX_BOX_ATTEMPTS) {
            int at = -1;
            String command = null;
            for (String c : BOX_COMMANDS) {
                int i = text.indexOf(c, from);
                if (i >= 0 && (at < 0 || i < at)) {
                    at = i;
                    command = c;
                }
            }
            if (at < 0) {
                break;
            }
            boxContent(text, at + command.length()).ifPresent(boxes::add);
            from = at + command.length();
        }
        return boxes;
    }

    private Optional<String> boxContent(String text, int from) {
        int i = from;
        while (i < text.length() && text.charAt(i) == ' ') {
            i++;
        }
        if (i >= text.length()) {
            return Optional.empty();
        }
        if (text.charAt(i) != '{') {
            // "\boxedx" is another command; "\boxed 5" is the unbraced form
            return i == from ? Optional.empty() : unbracedToken(text, i);
        }
        int depth = 0;
        int limit = Math.min(text.length(), i + maxAnswerChars + 2);
        for (int j = i; j < limit; j++) {
            char c = text.charAt(j);
            if (c == '\\') {
                j++; // an escaped brace does not nest
            } else if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
                if (depth == 0) {
                    String content = text.substring(i + 1, j).strip();
                    return content.isEmpty() ? Optional.empty() : Optional.of(content);
                }
            }
        }
        return Optional.empty();
    }

    private Optional<String> unbracedToken(String text, int i) {
        int j = i;
        while (j < text.length() && j - i < maxAnswerChars) {
            char c = text.charAt(j);
            if (Character.isWhitespace(c) || c == '$') {
                break;
            }
            j++;
        }
        return j > i ? Optional.of(text.substring(i, j)) : Optional.empty();
    }

    /** GSM8K's final line {@code #### 72}. */
    Optional<String> afterHashes(String text) {
        int at = text.lastIndexOf("####");
        if (at < 0) {
            return Optional.empty();
        }
        int start = at + 4;
        int end = text.indexOf('\n', start);
        if (end < 0) {
            end = text.length();
        }
        end = Math.min(end, start + maxAnswerChars);
        String answer = text.substring(start, end).strip();
        return answer.isEmpty() ? Optional.empty() : Optional.of(answer);
    }

    private Optional<String> answerIsPhrase(String text) {
        int at = text.toLowerCase(Locale.ROOT).lastIndexOf("answer");
        if (at < 0) {
            return Optional.empty();
        }
        int end = text.indexOf('\n', at);
        String line = text.substring(at, end < 0 ? text.length() : Math.min(end, text.length()));
        if (line.length() > maxAnswerChars + 16) {
            line = line.substring(0, maxAnswerChars + 16);
        }
        Matcher m = ANSWER_IS.matcher(line);
        if (!m.lookingAt()) {
            return Optional.empty();
        }
        String answer = m.group(1).strip();
        // the sentence ends at ". " (a decimal point is followed by a digit, not a space)
        int stop = answer.indexOf(". ");
        if (stop >= 0) {
            answer = answer.substring(0, stop);
        }
        answer = answer.replaceAll("[.\\s]+$", "");
        if (answer.length() >= 2 && answer.startsWith("$") && answer.endsWith("$")) {
            answer = answer.substring(1, answer.length() - 1).strip();
        }
        return answer.isEmpty() ? Optional.empty() : Optional.of(answer);
    }
}
