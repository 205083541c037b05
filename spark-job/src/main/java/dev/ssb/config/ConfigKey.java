package dev.ssb.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;

/**
 * One configuration key: its name, type, default and the range of values it accepts. Values are
 * kept as canonical strings (numbers re-rendered, enums lower-cased) so the config hash does not
 * depend on how a user spelled {@code 0.80}.
 *
 * @param name dotted key, e.g. {@code rollout.temperature}
 * @param type how the value is parsed
 * @param defaultValue canonical default
 * @param min inclusive (or exclusive when {@code minExclusive}) lower bound for numbers, or NaN
 * @param minExclusive whether {@code min} itself is rejected
 * @param max inclusive upper bound for numbers, or NaN
 * @param choices allowed values of an enum key
 * @param doc one line for the defaults file and {@code --help}
 * @param effect whether a change of the value changes a stage's rows ({@link Effect#RESULT}) or
 *     only how or where they are computed ({@link Effect#OPERATIONAL}); only result keys enter
 *     config and stage hashes
 * @param acceptsAuto whether the numeric key also accepts {@link #AUTO}: the checkpoint's {@code
 *     generation_config.json} value, else the project's fallback (a sampling key)
 */
public record ConfigKey(
        String name,
        Type type,
        String defaultValue,
        double min,
        boolean minExclusive,
        double max,
        List<String> choices,
        String doc,
        Effect effect,
        boolean acceptsAuto) {

    /** Value types. */
    public enum Type {
        STRING,
        INT,
        LONG,
        DOUBLE,
        ENUM
    }

    /** What a change of a key's value does to the rows a run writes. */
    public enum Effect {
        /** Not declared yet: {@link SsbProperties} refuses such a key. */
        UNDECLARED,
        /** Changes rows: part of the config and stage hashes. */
        RESULT,
        /**
         * Changes how or where rows are computed (batch sizes, partitions, logging and checkpoint
         * cadence, the output location), never the rows: a complete stage stays reusable.
         */
        OPERATIONAL
    }

    public ConfigKey {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        requireNonNull(defaultValue, "defaultValue is null");
        choices = List.copyOf(requireNonNull(choices, "choices is null"));
        requireNonNull(doc, "doc is null");
        requireNonNull(effect, "effect is null");
        if (acceptsAuto && type != Type.INT && type != Type.DOUBLE) {
            throw new IllegalArgumentException("Invalid key " + name + ": auto needs a number");
        }
        if (type == Type.ENUM && choices.isEmpty()) {
            throw new IllegalArgumentException("Invalid key " + name + ": enum without choices");
        }
    }

    private static final double NONE = Double.NaN;
    private static final Effect TBD = Effect.UNDECLARED; // until result() or operational()

    static ConfigKey string(String name, String def, String doc) {
        return new ConfigKey(name, Type.STRING, def, NONE, false, NONE, List.of(), doc, TBD, false);
    }

    static ConfigKey integer(String name, int def, double min, String doc) {
        return new ConfigKey(
                name,
                Type.INT,
                Integer.toString(def),
                min,
                false,
                NONE,
                List.of(),
                doc,
                TBD,
                false);
    }

    static ConfigKey longKey(String name, long def, String doc) {
        return new ConfigKey(
                name, Type.LONG, Long.toString(def), NONE, false, NONE, List.of(), doc, TBD, false);
    }

    static ConfigKey real(
            String name, double def, double min, boolean exclusive, double max, String doc) {
        return new ConfigKey(
                name,
                Type.DOUBLE,
                Double.toString(def),
                min,
                exclusive,
                max,
                List.of(),
                doc,
                TBD,
                false);
    }

    static ConfigKey choice(String name, String def, List<String> choices, String doc) {
        return new ConfigKey(name, Type.ENUM, def, NONE, false, NONE, choices, doc, TBD, false);
    }

    /**
     * The value of a sampling key that means "the checkpoint's {@code generation_config.json}, else
     * the project's fallback" (resolved on the driver before a stage runs).
     */
    public static final String AUTO = "auto";

    /** This numeric key, also accepting {@link #AUTO}; its default stays what it was. */
    ConfigKey orAuto() {
        return new ConfigKey(
                name, type, defaultValue, min, minExclusive, max, choices, doc, effect, true);
    }

    /** This numeric key with the default {@link #AUTO}. */
    ConfigKey autoByDefault() {
        return new ConfigKey(name, type, AUTO, min, minExclusive, max, choices, doc, effect, true);
    }

    /** This key, declared as one that changes results. */
    ConfigKey result() {
        return withEffect(Effect.RESULT);
    }

    /** This key, declared as one that never changes results. */
    ConfigKey operational() {
        return withEffect(Effect.OPERATIONAL);
    }

    private ConfigKey withEffect(Effect e) {
        return new ConfigKey(
                name, type, defaultValue, min, minExclusive, max, choices, doc, e, acceptsAuto);
    }

    /** Whether the key's value changes results (and so enters the config and stage hashes). */
    public boolean changesResults() {
        return effect == Effect.RESULT;
    }

    /**
     * Parses and range-checks a raw value.
     *
     * @return the canonical form of {@code raw}
     * @throws IllegalArgumentException "Invalid rollout.temperature: -1 (must be >= 0)"
     */
    public String canonicalize(String raw) {
        requireNonNull(raw, "raw is null");
        String value = raw.strip();
        if (acceptsAuto && value.equalsIgnoreCase(AUTO)) {
            return AUTO;
        }
        switch (type) {
            case STRING:
                return value;
            case ENUM:
                String lower = value.toLowerCase(Locale.ROOT);
                if (!choices.contains(lower)) {
                    throw invalid(raw, "must be one of " + String.join("|", choices));
                }
                return lower;
            case INT:
                int i;
                try {
                    i = Integer.parseInt(value);
                } catch (NumberFormatException e) {
                    throw invalid(raw, "must be an integer");
                }
                checkRange(raw, i);
                return Integer.toString(i);
            case LONG:
                try {
                    return Long.toString(Long.parseLong(value));
                } catch (NumberFormatException e) {
                    throw invalid(raw, "must be a 64-bit integer");
                }
            case DOUBLE:
                double d;
                try {
                    d = Double.parseDouble(value);
                } catch (NumberFormatException e) {
                    throw invalid(raw, "must be a number");
                }
                if (!Double.isFinite(d)) {
                    throw invalid(raw, "must be finite");
                }
                checkRange(raw, d);
                return Double.toString(d);
            default:
                throw new AssertionError(type);
        }
    }

    private void checkRange(String raw, double v) {
        boolean hasMin = !Double.isNaN(min);
        boolean hasMax = !Double.isNaN(max);
        boolean tooLow = hasMin && (minExclusive ? v <= min : v < min);
        boolean tooHigh = hasMax && v > max;
        if (!tooLow && !tooHigh) {
            return;
        }
        String lo = (minExclusive ? "(" : "[") + format(min);
        if (hasMin && hasMax) {
            throw invalid(raw, "must be in " + lo + ", " + format(max) + "]");
        }
        if (hasMin) {
            throw invalid(raw, "must be " + (minExclusive ? "> " : ">= ") + format(min));
        }
        throw invalid(raw, "must be <= " + format(max));
    }

    private static String format(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private IllegalArgumentException invalid(String raw, String why) {
        return new IllegalArgumentException(
                "Invalid " + name + ": " + raw.strip() + " (" + why + ")");
    }
}
