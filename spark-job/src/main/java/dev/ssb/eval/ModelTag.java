package dev.ssb.eval;

import java.util.Locale;

/** Which model a row of the eval table comes from. */
public enum ModelTag {
    /** The base checkpoint alone. */
    BASE,
    /** The base checkpoint with the student's LoRA adapter. */
    STUDENT;

    /** The {@code model_tag} column value: {@code base} or {@code student}. */
    public String column() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The tag of a {@code model_tag} column value. */
    public static ModelTag of(String column) {
        for (ModelTag t : values()) {
            if (t.column().equals(column)) {
                return t;
            }
        }
        throw new IllegalArgumentException(
                "Invalid model_tag: " + column + " (must be base or student)");
    }
}
