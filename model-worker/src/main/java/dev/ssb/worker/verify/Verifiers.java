package dev.ssb.worker.verify;

import static java.util.Objects.requireNonNull;

import dev.ssb.worker.api.AnswerVerifier;
import dev.ssb.worker.api.VerifierConfig;

/** Factory behind {@link AnswerVerifier#create(VerifierConfig)}. */
public final class Verifiers {

    private Verifiers() {}

    /** A thread-safe verifier; starts the algebra engine once per JVM. */
    public static AnswerVerifier create(VerifierConfig config) {
        return new MathVerifier(requireNonNull(config, "config is null"));
    }
}
