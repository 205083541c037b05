package dev.ssb.worker.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Wrong variants of a gold answer: its first number changed, its first number's sign flipped. */
final class Perturbations {

    private static final Pattern NUMBER = Pattern.compile("\\d+");

    private Perturbations() {}

    static List<String> of(String gold) {
        List<String> variants = new ArrayList<>();
        Matcher m = NUMBER.matcher(gold);
        if (!m.find()) {
            return variants;
        }
        String digits = m.group();
        String bumped = new java.math.BigInteger(digits).add(java.math.BigInteger.ONE).toString();
        variants.add(gold.substring(0, m.start()) + bumped + gold.substring(m.end()));
        boolean zero = digits.chars().allMatch(c -> c == '0');
        if (!zero) {
            int start = m.start();
            // a leading "." belongs to the number (.35625)
            if (start > 0 && gold.charAt(start - 1) == '.') {
                start--;
            }
            if (start > 0 && gold.charAt(start - 1) == '-') {
                variants.add(gold.substring(0, start - 1) + gold.substring(start));
            } else {
                variants.add(gold.substring(0, start) + "-" + gold.substring(start));
            }
        }
        return variants;
    }
}
