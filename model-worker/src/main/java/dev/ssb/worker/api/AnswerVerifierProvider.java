package dev.ssb.worker.api;

/**
 * Service-provider interface behind {@link AnswerVerifier#create(VerifierConfig)} (implemented in
 * the verify package, found with {@link java.util.ServiceLoader}).
 */
public interface AnswerVerifierProvider {

    /** See {@link AnswerVerifier#create(VerifierConfig)}. */
    AnswerVerifier create(VerifierConfig config);
}
