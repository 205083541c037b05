package dev.ssb.worker.text;

import java.lang.reflect.Method;

/** The {@code raise_exception(message)} global that transformers gives chat templates. */
final class TemplateRaise {

    private TemplateRaise() {}

    /** Thrown by a template that rejects its input, e.g. "Conversation roles must alternate". */
    static final class TemplateRaisedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TemplateRaisedException(String message) {
            super(message);
        }
    }

    /** The method to register; accessible although this class is package-private. */
    static Method method() {
        try {
            Method m = TemplateRaise.class.getDeclaredMethod("raise", String.class);
            m.setAccessible(true);
            return m;
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    static Object raise(String message) {
        throw new TemplateRaisedException(message);
    }
}
