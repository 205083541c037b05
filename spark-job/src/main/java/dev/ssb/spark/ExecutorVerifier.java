package dev.ssb.spark;

import dev.ssb.worker.api.AnswerVerifier;
import dev.ssb.worker.api.VerifierConfig;

/**
 * This JVM's answer verifier, created on first use and shared by every task: the verifier is
 * thread-safe, and starting its algebra engine costs about a second, which a task must not pay each
 * time. Closed by a JVM shutdown hook.
 */
public final class ExecutorVerifier {

    private static AnswerVerifier verifier;

    private ExecutorVerifier() {}

    /** The shared verifier with {@link VerifierConfig#defaults()}. */
    public static synchronized AnswerVerifier get() {
        if (verifier == null) {
            AnswerVerifier created = AnswerVerifier.create(VerifierConfig.defaults());
            Runtime.getRuntime().addShutdownHook(new Thread(created::close, "ssb-verifier-close"));
            verifier = created;
        }
        return verifier;
    }
}
