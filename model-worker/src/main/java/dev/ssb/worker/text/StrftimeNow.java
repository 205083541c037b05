package dev.ssb.worker.text;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import java.lang.reflect.Method;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * transformers' {@code strftime_now(format)} global: the current local time formatted with Python's
 * {@code strftime} codes in the C locale (Llama 3.x stamps "Today Date: 26 Jul 2024" with it,
 * SmolLM3 its metadata header). The time is the render's {@link #NOW_VARIABLE}, fixed per render.
 */
final class StrftimeNow {
    /** The template variable holding the render's {@link ZonedDateTime}. */
    static final String NOW_VARIABLE = "__ssb_now";

    /** What {@code strftime_now} is as a variable: defined, as a jinja2 global is. */
    static final Object MARKER =
            new Object() {
                @Override
                public String toString() {
                    return "<function strftime_now>";
                }
            };

    private StrftimeNow() {}

    /** The method to register; accessible although this class is package-private. */
    static Method method() {
        try {
            Method m = StrftimeNow.class.getDeclaredMethod("strftimeNow", String.class);
            m.setAccessible(true);
            return m;
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    static String strftimeNow(String format) {
        Object now =
                JinjavaInterpreter.getCurrentMaybe()
                        .map(i -> i.getContext().get(NOW_VARIABLE))
                        .orElse(null);
        return format(
                now instanceof ZonedDateTime z ? z : ZonedDateTime.now(),
                format == null ? "" : format);
    }

    /**
     * Python's {@code strftime} for the codes chat templates use ({@code %d %-d %e %m %-m %b %B %y
     * %Y %H %-H %I %M %S %p %a %A %j %%}).
     *
     * @throws IllegalArgumentException for another code
     */
    static String format(ZonedDateTime t, String format) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                out.append(c);
                continue;
            }
            char code = format.charAt(++i);
            boolean noPad = code == '-' && i + 1 < format.length();
            if (noPad) {
                code = format.charAt(++i);
            }
            String pattern =
                    switch (code) {
                        case 'd' -> noPad ? "d" : "dd";
                        case 'e' -> "ppd";
                        case 'm' -> noPad ? "M" : "MM";
                        case 'b', 'h' -> "MMM";
                        case 'B' -> "MMMM";
                        case 'y' -> "yy";
                        case 'Y' -> "yyyy";
                        case 'H' -> noPad ? "H" : "HH";
                        case 'I' -> noPad ? "h" : "hh";
                        case 'M' -> noPad ? "m" : "mm";
                        case 'S' -> noPad ? "s" : "ss";
                        case 'p' -> "a";
                        case 'a' -> "EEE";
                        case 'A' -> "EEEE";
                        case 'j' -> noPad ? "D" : "DDD";
                        case '%' -> null;
                        default ->
                                throw new IllegalArgumentException(
                                        "Invalid strftime_now format: %" + code + " in " + format);
                    };
            out.append(
                    pattern == null
                            ? "%"
                            : DateTimeFormatter.ofPattern(pattern, Locale.ENGLISH).format(t));
        }
        return out.toString();
    }
}
