package dev.ssb.worker.text;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Python {@code str} methods for jinjava, which otherwise resolves {@code s.startswith(x)} against
 * {@link String}'s Java methods (there is none) and renders nothing. Only method calls on strings
 * are resolved here; everything else falls through to jinjava's own resolvers.
 */
final class PyStrResolver extends ELResolver {

    @Override
    public Object invoke(
            ELContext context, Object base, Object method, Class<?>[] types, Object[] params) {
        if (!(base instanceof String) || method == null) {
            return null;
        }
        String s = (String) base;
        Object[] args = params == null ? new Object[0] : params;
        Object result;
        switch (method.toString()) {
            case "startswith":
                result = matchesAny(s, args, true);
                break;
            case "endswith":
                result = matchesAny(s, args, false);
                break;
            case "strip":
                result = rstrip(lstrip(s, chars(args)), chars(args));
                break;
            case "lstrip":
                result = lstrip(s, chars(args));
                break;
            case "rstrip":
                result = rstrip(s, chars(args));
                break;
            case "split":
                result = split(s, args);
                break;
            case "upper":
                result = s.toUpperCase(Locale.ROOT);
                break;
            case "lower":
                result = s.toLowerCase(Locale.ROOT);
                break;
            case "replace":
                result = s.replace(arg(args, 0, "replace"), arg(args, 1, "replace"));
                break;
            case "find":
                result = s.indexOf(arg(args, 0, "find"));
                break;
            case "join":
                result = join(s, args);
                break;
            case "title":
                result = title(s);
                break;
            case "capitalize":
                result =
                        s.isEmpty()
                                ? s
                                : s.substring(0, s.offsetByCodePoints(0, 1))
                                                .toUpperCase(Locale.ROOT)
                                        + s.substring(s.offsetByCodePoints(0, 1))
                                                .toLowerCase(Locale.ROOT);
                break;
            default:
                return null;
        }
        context.setPropertyResolved(true);
        return result;
    }

    /**
     * Python's {@code str.title()}: a cased character after a cased one is lowered, any other is
     * title-cased ("hello WORLD's" becomes "Hello World'S").
     */
    static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            boolean cased =
                    Character.isUpperCase(cp)
                            || Character.isLowerCase(cp)
                            || Character.isTitleCase(cp);
            if (cased) {
                out.appendCodePoint(
                        previousCased ? Character.toLowerCase(cp) : Character.toTitleCase(cp));
            } else {
                out.appendCodePoint(cp);
            }
            previousCased = cased;
        }
        return out.toString();
    }

    private static String arg(Object[] args, int i, String method) {
        if (args.length <= i || args[i] == null) {
            throw new IllegalArgumentException("str." + method + "() missing argument " + (i + 1));
        }
        return args[i].toString();
    }

    /** Python allows a tuple of prefixes; jinjava hands a tuple over as a list. */
    private static boolean matchesAny(String s, Object[] args, boolean prefix) {
        if (args.length == 0 || args[0] == null) {
            throw new IllegalArgumentException(
                    "str." + (prefix ? "startswith" : "endswith") + "() missing argument 1");
        }
        Iterable<?> candidates =
                args[0] instanceof Iterable ? (Iterable<?>) args[0] : List.of(args[0]);
        for (Object c : candidates) {
            String x = String.valueOf(c);
            if (prefix ? s.startsWith(x) : s.endsWith(x)) {
                return true;
            }
        }
        return false;
    }

    /** The characters to strip, or null for Python's default (whitespace). */
    private static String chars(Object[] args) {
        return args.length == 0 || args[0] == null ? null : args[0].toString();
    }

    private static boolean strippable(int cp, String chars) {
        return chars == null ? isPySpace(cp) : chars.indexOf(cp) >= 0;
    }

    /** Python's {@code str.isspace} for one code point. */
    static boolean isPySpace(int cp) {
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
    }

    static String lstrip(String s, String chars) {
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            if (!strippable(cp, chars)) {
                break;
            }
            i += Character.charCount(cp);
        }
        return s.substring(i);
    }

    static String rstrip(String s, String chars) {
        int end = s.length();
        while (end > 0) {
            int cp = s.codePointBefore(end);
            if (!strippable(cp, chars)) {
                break;
            }
            end -= Character.charCount(cp);
        }
        return s.substring(0, end);
    }

    /** Python's {@code str.split(sep=None, maxsplit=-1)}. */
    static List<String> split(String s, Object[] args) {
        String sep = args.length == 0 || args[0] == null ? null : args[0].toString();
        int maxSplit = args.length > 1 && args[1] != null ? ((Number) args[1]).intValue() : -1;
        List<String> parts = new ArrayList<>();
        if (sep == null) {
            // Runs of whitespace separate; leading and trailing whitespace yields no empty parts.
            int i = 0;
            while (true) {
                while (i < s.length() && isPySpace(s.codePointAt(i))) {
                    i += Character.charCount(s.codePointAt(i));
                }
                if (i >= s.length()) {
                    return parts;
                }
                if (maxSplit >= 0 && parts.size() == maxSplit) {
                    parts.add(rstrip(s.substring(i), null));
                    return parts;
                }
                int j = i;
                while (j < s.length() && !isPySpace(s.codePointAt(j))) {
                    j += Character.charCount(s.codePointAt(j));
                }
                parts.add(s.substring(i, j));
                i = j;
            }
        }
        if (sep.isEmpty()) {
            throw new IllegalArgumentException("str.split(): empty separator");
        }
        int from = 0;
        while (maxSplit < 0 || parts.size() < maxSplit) {
            int at = s.indexOf(sep, from);
            if (at < 0) {
                break;
            }
            parts.add(s.substring(from, at));
            from = at + sep.length();
        }
        parts.add(s.substring(from));
        return parts;
    }

    private static String join(String sep, Object[] args) {
        if (args.length == 0 || !(args[0] instanceof Iterable)) {
            throw new IllegalArgumentException("str.join() needs a list");
        }
        StringBuilder out = new StringBuilder();
        boolean first = true;
        for (Object o : (Iterable<?>) args[0]) {
            if (!first) {
                out.append(sep);
            }
            out.append(o);
            first = false;
        }
        return out.toString();
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {}

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
