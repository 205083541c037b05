package dev.ssb.ingest;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** The record shapes ingest understands, and how one is recognised. */
public enum DatasetFormat {
    /** {@code question}, {@code answer} ending in {@code #### N}. */
    GSM8K("question"),
    /** {@code problem}, {@code solution} with {@code \boxed{}}, usually {@code answer}. */
    MATH("problem"),
    /** {@code problem}, {@code answer} (an integer 0-999). */
    AIME("problem");

    private final String questionField;

    DatasetFormat(String questionField) {
        this.questionField = questionField;
    }

    /** The field holding the problem statement. */
    public String questionField() {
        return questionField;
    }

    /** The {@code source} column value and problem id prefix. */
    public String sourceName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a configured {@code data.format}; empty for {@code auto}. */
    public static Optional<DatasetFormat> configured(String value) {
        return "auto".equals(value)
                ? Optional.empty()
                : Optional.of(valueOf(value.toUpperCase(Locale.ROOT)));
    }

    /**
     * Recognises a format from the field names of a sample record, then from the input's name.
     *
     * @param fields field names of the first well-formed record
     * @param inputName file or folder name, e.g. {@code math500_test.jsonl}
     * @throws IllegalArgumentException when neither tells
     */
    public static DatasetFormat detect(Collection<String> fields, String inputName) {
        boolean problem = fields.contains("problem");
        if (!problem && fields.contains("question") && fields.contains("answer")) {
            return GSM8K;
        }
        if (problem
                && (fields.contains("unique_id")
                        || fields.contains("subject")
                        || fields.contains("level"))) {
            return MATH;
        }
        String name = inputName.toLowerCase(Locale.ROOT);
        if (name.contains("gsm8k")) {
            return GSM8K;
        }
        if (name.contains("aime")) {
            return AIME;
        }
        if (name.contains("math")) {
            return MATH;
        }
        if (problem && fields.contains("solution")) {
            return MATH;
        }
        if (problem && fields.contains("answer")) {
            return AIME;
        }
        throw new IllegalArgumentException(
                String.format(
                        "Cannot detect the format of %s from fields %s: set data.format to"
                                + " gsm8k, math or aime",
                        inputName, fields));
    }
}
