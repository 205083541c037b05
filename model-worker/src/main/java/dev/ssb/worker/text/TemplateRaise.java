package dev.ssb.worker.text;

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

    public static Object raise(String message) {
        throw new TemplateRaisedException(message);
    }
}
